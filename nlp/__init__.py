"""Inference side of the triage system: label schema, text handling, the model, the Predictor.

Heavy pieces (torch, transformers) load on first use: `from nlp import Predictor` imports them,
`import nlp.labels` does not. Importing `nlp.model` (which `Predictor.load` does) registers the
model with the transformers Auto classes.
"""

from importlib import import_module

from nlp.version import __version__

_LAZY = {
    "Predictor": "nlp.predictor",
    "Prediction": "nlp.prediction",
    "TriageConfig": "nlp.config",
    "TriageModel": "nlp.model",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nlp' has no attribute {name!r}")
