"""Offline for real: /docs and /redoc load nothing from another host, and the CLI sets offline
mode itself and never opens a network connection (run with the hub variables unset and every
socket connection to a non-local address refused)."""

import os
import re
import subprocess
import sys
import textwrap

import pytest
from fastapi.testclient import TestClient

from serve.api.main import create_app
from serve.api.settings import Settings
from tests.helpers import ROOT

URL_ATTRIBUTE = re.compile(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(model_dir=None))) as client:
        yield client


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_api_docs_load_every_asset_from_this_server(client, page):
    html = client.get(page).text
    urls = URL_ATTRIBUTE.findall(html)
    assert len(urls) >= 2, html
    assert not re.search(r"(https?:)?//[\w.-]+\.\w", html), "an external host is referenced"
    for url in urls:
        assert url.startswith("/"), url
        response = client.get(url)
        assert response.status_code == 200 and len(response.content) > 100, url
    assert '"validatorUrl": null' in html or page == "/redoc"


BLOCK_NETWORK = textwrap.dedent(
    """
    import socket

    real_connect = socket.socket.connect

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1"):
            raise SystemExit(f"NETWORK ATTEMPT: {address}")
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        raise SystemExit(f"NETWORK ATTEMPT: resolving {host}")

    socket.socket.connect = connect
    socket.getaddrinfo = getaddrinfo
    """
)


def test_the_cli_never_touches_the_network(tiny_model, tmp_path):
    """A model given as a hub-like name, then the tiny model: no connection is tried, and
    offline mode is on without the caller setting it."""
    (tmp_path / "sitecustomize.py").write_text(BLOCK_NETWORK, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    script = (
        "import os, sys; from serve.cli import main; sys.argv = ['triage', *sys.argv[1:]]\n"
        "try:\n    main()\nfinally:\n    print('offline', os.environ.get('HF_HUB_OFFLINE'))"
    )

    def triage(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", script, *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)

    hub_name = triage("predict", "-m", "intfloat/multilingual-e5-small", "курьер опоздал")
    assert hub_name.returncode == 2 and "is not a model directory" in hub_name.stderr
    run = triage("predict", "-m", str(tiny_model), "-f", "jsonl", "курьер опоздал")
    assert "NETWORK ATTEMPT" not in run.stdout + run.stderr
    assert run.returncode == 0, run.stderr
    assert '"labels"' in run.stdout and "offline 1" in run.stdout
