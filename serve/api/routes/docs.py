"""GET /docs and /redoc with no network: Swagger UI and ReDoc from the `fastapi-offline` wheel's
files, served here under /docs-assets (FastAPI's own pages load them from a CDN)."""

from importlib.resources import files

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
router = APIRouter(include_in_schema=False)


def mount_assets(app: FastAPI) -> None:
    folder = files("fastapi_offline").joinpath("static")
    app.mount(ASSETS, StaticFiles(directory=str(folder)), name="docs-assets")


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "") + ASSETS
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} — Swagger UI",
        swagger_js_url=f"{root}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}/swagger-ui.css",
        swagger_favicon_url=f"{root}/favicon.png",
        oauth2_redirect_url=request.app.swagger_ui_oauth2_redirect_url,
        swagger_ui_parameters={"validatorUrl": None},  # else a badge from validator.swagger.io
    )


@router.get("/docs/oauth2-redirect")
async def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "") + ASSETS
    return get_redoc_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} — ReDoc",
        redoc_js_url=f"{root}/redoc.standalone.js",
        redoc_favicon_url=f"{root}/favicon.png",
        with_google_fonts=False,
    )
