"""The request-body limit as ASGI middleware, so that even a refused body gets a JSON error.

(FastAPI's own `max_body_size` answers a declared Content-Length over the limit in plain text.)
"""

from fastapi import HTTPException, status
from fastapi.responses import JSONResponse


class BodyLimit:
    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body over {self.max_bytes} bytes"
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:  # refused before it is read
            await JSONResponse({"error": message}, status.HTTP_413_CONTENT_TOO_LARGE)(scope, receive, send)
            return
        received = 0

        async def counted() -> dict:  # chunked bodies: counted as they arrive
            nonlocal received
            chunk = await receive()
            received += len(chunk.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, message)
            return chunk

        await self.app(scope, counted, send)
