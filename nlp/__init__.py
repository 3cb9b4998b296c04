"""Inference side of the triage system: label schema, text handling, the model, the Predictor."""

from nlp.version import __version__

__all__ = ["__version__"]
