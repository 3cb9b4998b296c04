"""The FastAPI app: `create_app(settings)`; the model is loaded in the lifespan, never at import."""

from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from nlp.offline import go_offline
from nlp.version import __version__
from serve.api.batcher import MicroBatcher
from serve.api.deps import Service, require_api_key
from serve.api.errors import add_error_handlers
from serve.api.lanes import Lanes
from serve.api.limits import BodyLimit
from serve.api.loading import load_predictor
from serve.api.logging import AccessLog, configure_logging
from serve.api.memory import give_back_memory
from serve.api.metrics import Metrics
from serve.api.openapi import with_model_examples
from serve.api.routes import classify, docs, health, metrics, model, page
from serve.api.settings import Settings


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings: Settings = app.state.service.settings
    if settings.model_dir is not None:
        app.state.predictor, app.state.not_ready = load_predictor(settings)
    yield
    await app.state.service.lanes.stop()


def create_app(settings: Settings | None = None) -> FastAPI:
    go_offline()  # before the lifespan imports transformers
    settings = settings or Settings()
    configure_logging(settings.log_level)
    app = FastAPI(
        title="Support triage", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    counters = Metrics()
    app.state.service = Service(settings, lanes(settings, counters), counters)
    app.state.predictor = None
    app.openapi = with_model_examples(app)  # type: ignore[method-assign]
    add_error_handlers(app)
    for router in (classify.router, model.router, metrics.router):
        app.include_router(router, dependencies=[Depends(require_api_key)])
    for router in (health.router, page.router, docs.router):
        app.include_router(router)
    docs.mount_assets(app)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])  # fmt: skip
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout_s)
    app.add_middleware(AccessLog, metrics=counters)
    return app


def lanes(settings: Settings, counters: Metrics) -> Lanes:
    """A plain lane and an evidence lane, both counting their passes' sizes."""
    plain = MicroBatcher(
        settings.batch_max_size,
        settings.batch_max_wait_ms,
        settings.forward_batch,
        counters.batch_size.observe,
    )
    evidence = MicroBatcher(
        settings.max_evidence_items,
        settings.batch_max_wait_ms,
        settings.forward_batch,
        counters.batch_size.observe,
        after_pass=give_back_memory,
    )
    return Lanes(plain, evidence, settings.evidence_lane_texts)


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` (several workers): settings from TRIAGE_ variables."""
    return create_app(Settings())
