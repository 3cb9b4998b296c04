"""Dependencies as `Annotated` aliases; tests swap the predictor with `app.dependency_overrides`.

All are `async def`: FastAPI runs a plain `def` dependency in its thread pool, a thread hop per
dependency per request that cost more than the forward pass of a short message.
"""

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from serve.api.batcher import MicroBatcher
from serve.api.metrics import Metrics
from serve.api.settings import Settings


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_predictor(request: Request):
    """The Predictor loaded in the lifespan; 503 until it is there."""
    predictor = getattr(request.app.state, "predictor", None)
    if predictor is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the model is not loaded")
    return predictor


async def get_batcher(request: Request) -> MicroBatcher:
    return request.app.state.batcher


async def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


SettingsDep = Annotated[Settings, Depends(get_settings)]
PredictorDep = Annotated[object, Depends(get_predictor)]
BatcherDep = Annotated[MicroBatcher, Depends(get_batcher)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]

_bearer = HTTPBearer(auto_error=False, description="The API key as a bearer token.")
_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key.")


async def require_api_key(
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    key: Annotated[str | None, Depends(_key_header)],
) -> None:
    """401 unless the request carries TRIAGE_API_KEY (when one is set) as a bearer token or X-API-Key."""
    if settings.api_key is None:
        return
    expected = settings.api_key.get_secret_value().encode()
    given = [value.encode() for value in (bearer and bearer.credentials, key) if value]
    if not any(secrets.compare_digest(value, expected) for value in given):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "a valid API key is required", {"WWW-Authenticate": "Bearer"}
        )
