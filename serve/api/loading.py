"""The model as the service loads it: ready only once a whole prediction (with evidence) succeeded."""

import logging
from typing import TYPE_CHECKING

from serve.api.settings import Settings

if TYPE_CHECKING:
    from nlp.predictor import Predictor

LOG = logging.getLogger("triage.service")


def load_predictor(settings: Settings) -> tuple["Predictor | None", str | None]:
    """(predictor, None) when the model predicts; (None, the reason in one line) when it cannot."""
    from nlp.predictor import SMOKE_TEXT, Predictor

    try:
        if settings.model_dir is None:
            raise ValueError("no model directory is set")
        predictor = Predictor.load(settings.model_dir, settings.backend, settings.threads)
        predictor.predict([SMOKE_TEXT], evidence=True)
    except Exception as exc:  # whatever it is, the service must say «not ready», not fail per request
        reason = f"the model cannot predict: {' '.join(str(exc).split())}"
        LOG.error(reason)
        return None, reason
    return predictor, None
