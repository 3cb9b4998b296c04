"""uvicorn's h11 protocol with a deadline for each request head (the slow-loris and idle-socket guard).

uvicorn closes a keep-alive connection idle after a response, but arms no timer on a fresh
connection and cancels its timer on any byte received: a client that connects and sends nothing,
or one header byte a second, holds a socket (a file descriptor) forever. Here a connection must
deliver each complete request head within `timeout_keep_alive` seconds of opening or of its
last response, however the bytes trickle in; else it is closed. Header size is bounded by h11
itself (`h11_max_incomplete_event_size`: a larger head is answered 400 and closed).
"""

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class HeadDeadlineProtocol(H11Protocol):
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the head is complete: the app's timeouts take over
            self._disarm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self._head_timer = self.loop.call_later(self.timeout_keep_alive, self._head_too_late)

    def _disarm_head_deadline(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_late(self) -> None:
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()
