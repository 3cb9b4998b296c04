"""Request-body bounds as ASGI middleware, so that even a refused body gets a JSON error:
at most `max_bytes` (413), all of it within `timeout` seconds of the request head (408).

(FastAPI's own `max_body_size` answers a declared Content-Length over the limit in plain text;
uvicorn has no body timeout: a client trickling a byte a second would hold a request forever.)
"""

import asyncio

from fastapi import HTTPException, status
from fastapi.responses import JSONResponse


class BodyLimit:
    def __init__(self, app, max_bytes: int, timeout: float = 15.0) -> None:
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body over {self.max_bytes} bytes"
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:  # refused before it is read
            await JSONResponse({"error": message}, status.HTTP_413_CONTENT_TOO_LARGE)(scope, receive, send)
            return
        received, complete = 0, False
        deadline = asyncio.get_running_loop().time() + self.timeout

        async def counted() -> dict:  # chunked bodies: counted as they arrive
            nonlocal received, complete
            if complete:  # after the body: waiting for a disconnect is not bounded
                return await receive()
            chunk = await _before(receive, deadline, self.timeout)
            received += len(chunk.get("body", b""))
            complete = not chunk.get("more_body", False)
            if received > self.max_bytes:
                raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, message)
            return chunk

        await self.app(scope, counted, send)


async def _before(receive, deadline: float, timeout: float) -> dict:
    """The next message, or a 408 once the body's deadline has passed."""
    try:
        return await asyncio.wait_for(receive(), max(deadline - asyncio.get_running_loop().time(), 0))
    except TimeoutError:
        raise HTTPException(
            status.HTTP_408_REQUEST_TIMEOUT, f"request body not received within {timeout:g} s"
        ) from None
