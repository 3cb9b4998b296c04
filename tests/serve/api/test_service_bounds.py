"""`triage serve` as a real server, probed below HTTP: header size, idle and slow connections,
slow bodies. (These bounds live in uvicorn/h11 and our protocol, which TestClient bypasses.)"""

import contextlib
import json
import socket
import time

import httpx
import pytest

from tests.servers import running_server

DEADLINE = 1.0
"""--timeout-keep-alive given to the server: each request head must arrive within it."""


@pytest.fixture(scope="module")
def server(tiny_model):
    options = ("--timeout-keep-alive", str(DEADLINE), "--limit-concurrency", "64")
    with running_server(tiny_model, *options, env={"TRIAGE_BODY_TIMEOUT_S": "1"}) as port:
        yield port


def _connect(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.settimeout(10)
    return connection


def _closed_after(connection: socket.socket) -> float:
    """Seconds until the server closes the connection (reading whatever it sends first)."""
    started = time.monotonic()
    try:
        while connection.recv(65536):
            pass
    except ConnectionResetError:
        pass
    return time.monotonic() - started


def _response(connection: socket.socket) -> tuple[bytes, bytes]:
    """(head, body) of one response, its body as long as its Content-Length says."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        body += connection.recv(65536)
    return head, body


def _alive(port: int) -> bool:
    return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200


def test_a_2_mb_header_is_refused(server):
    with _connect(server) as connection:
        head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2_000_000 + b"\r\n\r\n"
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # closed early: refused too
            connection.sendall(head)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            answer = connection.recv(65536)
    assert not answer.startswith(b"HTTP/1.1 200"), answer[:100]
    assert answer == b"" or answer.startswith(b"HTTP/1.1 400")
    assert _alive(server)


def test_idle_and_trickling_connections_are_closed(server):
    with _connect(server) as idle:
        assert _closed_after(idle) < DEADLINE + 2
    with _connect(server) as slow:
        started = time.monotonic()
        try:
            for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                slow.send(bytes([byte]))
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert time.monotonic() - started + _closed_after(slow) < DEADLINE + 2
    with httpx.Client() as client:  # a kept-alive connection after a response: closed as well
        assert client.get(f"http://127.0.0.1:{server}/healthz").status_code == 200
    assert _alive(server)


def test_a_body_that_does_not_arrive_in_time_is_408(server):
    with _connect(server) as connection:
        connection.sendall(
            b"POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"text": "zak'
        )
        started = time.monotonic()
        head, body = _response(connection)
    assert time.monotonic() - started < 3
    assert head.startswith(b"HTTP/1.1 408"), head[:100]
    assert json.loads(body) == {"error": "request body not received within 1 s"}


def test_a_normal_request_still_works(server):
    answer = httpx.post(f"http://127.0.0.1:{server}/v1/classify", json={"text": "курьер опоздал"})
    assert answer.status_code == 200 and answer.json()["evidence"] is not None
