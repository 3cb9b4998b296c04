"""Dependencies as `Annotated` aliases; tests swap the predictor with `app.dependency_overrides`.

All are `async def` (FastAPI runs a plain `def` dependency in its thread pool: a thread hop per
dependency per request), and few: the app's parts come as one `Service`.
"""

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from nlp.predictor import Predictor
from serve.api.lanes import Lanes
from serve.api.metrics import Metrics
from serve.api.settings import Settings


@dataclass(frozen=True)
class Service:
    """What a route needs besides the model: settings, the forward lanes, the metrics."""

    settings: Settings
    lanes: Lanes
    metrics: Metrics


async def get_service(request: Request) -> Service:
    return request.app.state.service


async def get_predictor(request: Request) -> Predictor:
    """The Predictor loaded in the lifespan; 503 until it is there (with the reason when loading failed)."""
    predictor = getattr(request.app.state, "predictor", None)
    if predictor is None:
        reason = getattr(request.app.state, "not_ready", None) or "the model is not loaded"
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, reason)
    return predictor


ServiceDep = Annotated[Service, Depends(get_service)]
PredictorDep = Annotated[Predictor, Depends(get_predictor)]

_bearer = HTTPBearer(auto_error=False, description="The API key as a bearer token.")
_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key.")


async def require_api_key(
    service: ServiceDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    key: Annotated[str | None, Depends(_key_header)],
) -> None:
    """401 unless the request carries TRIAGE_API_KEY (when one is set) as a bearer token or X-API-Key."""
    if service.settings.api_key is None:
        return
    expected = service.settings.api_key.get_secret_value().encode()
    given = [value.encode() for value in (bearer and bearer.credentials, key) if value]
    if not any(secrets.compare_digest(value, expected) for value in given):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "a valid API key is required", {"WWW-Authenticate": "Bearer"}
        )
