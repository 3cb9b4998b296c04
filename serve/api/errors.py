"""Error bodies: always JSON `{"error": ..., "detail": [...]}`; invalid input is a 422, never a 5xx."""

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

BODY_NOT_PARSED = "There was an error parsing the body"  # FastAPI's words for it


async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """Where and what, without echoing the input back (it may be 10,000 characters of text)."""
    detail = [
        {"loc": [str(part) if not isinstance(part, int) else part for part in error.get("loc", ())],
         "msg": error.get("msg", ""), "type": error.get("type", "")}
        for error in exc.errors()
    ]  # fmt: skip
    not_json = any(error["type"] == "json_invalid" for error in detail)
    message = "body is not valid JSON" if not_json else "invalid request"
    return JSONResponse({"error": message, "detail": detail}, status.HTTP_422_UNPROCESSABLE_CONTENT)


async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    # FastAPI answers 400 when a body claiming to be JSON cannot be parsed at all (not UTF-8, too deep)
    if exc.status_code == status.HTTP_400_BAD_REQUEST and exc.detail == BODY_NOT_PARSED:
        return JSONResponse({"error": "body is not valid JSON"}, status.HTTP_422_UNPROCESSABLE_CONTENT)
    return JSONResponse({"error": exc.detail}, exc.status_code, headers=exc.headers)


def add_error_handlers(app: FastAPI) -> None:
    # Starlette types a handler as taking any Exception; these take the one they are registered for
    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, http_error)  # type: ignore[arg-type]
