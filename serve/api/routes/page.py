"""GET /: a one-file web page to try the service by hand (inline CSS and JS, no CDN, no build)."""

from functools import cache
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@cache
def page() -> str:
    return files("serve.api").joinpath("page.html").read_text(encoding="utf-8")


@router.get("/", response_class=HTMLResponse)
async def index() -> HTMLResponse:
    return HTMLResponse(page())
