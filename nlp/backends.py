"""Inference backends: each maps padded id arrays to the three heads' logits."""

from pathlib import Path
from typing import Protocol

import numpy as np


class Backend(Protocol):
    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]: ...


class TorchBackend:
    def __init__(self, model) -> None:
        self.model = model.eval()

    @classmethod
    def load(cls, model_dir: Path) -> "TorchBackend":
        from nlp.model import TriageModel

        return cls(TriageModel.from_pretrained(model_dir))

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]:
        import torch

        with torch.inference_mode():
            output = self.model(
                input_ids=torch.from_numpy(input_ids), attention_mask=torch.from_numpy(attention_mask)
            )
        return {
            "complaint": output.complaint_logits.numpy(),
            "sentiment": output.sentiment_logits.numpy(),
            "urgency": output.urgency_logits.numpy(),
        }


BACKENDS = {"torch": TorchBackend}


def load_backend(name: str, model_dir: Path) -> Backend:
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; expected one of {', '.join(BACKENDS)}")
    return BACKENDS[name].load(model_dir)
