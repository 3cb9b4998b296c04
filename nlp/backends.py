"""Inference backends: each maps padded id arrays to the three heads' logits."""

from pathlib import Path
from typing import Protocol

import numpy as np

TOKENS = "tokens"
"""The optional output of per-token logit terms (batch, tokens, labels + 1), for evidence."""


class Backend(Protocol):
    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]:
        """The three heads' logits, and `TOKENS` where the backend computes them."""
        ...


class TorchBackend:
    """PyTorch on the model itself; `bf16` runs the matrix products under bfloat16 autocast
    (faster only on a CPU that computes bfloat16 natively; the caller decides)."""

    def __init__(self, model, bf16: bool = False) -> None:
        self.model = model.eval()
        self.bf16 = bf16

    @classmethod
    def load(cls, model_dir: Path, bf16: bool = False) -> "TorchBackend":
        from transformers.utils import logging

        from nlp.model import TriageModel

        logging.disable_progress_bar()  # no «Loading weights» bar in CLI output and logs
        return cls(TriageModel.from_pretrained(model_dir), bf16)

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]:
        import torch

        self.model.eval()  # no dropout at inference, also when called between training epochs
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            output = self.model(
                input_ids=torch.from_numpy(input_ids),
                attention_mask=torch.from_numpy(attention_mask),
                return_token_scores=True,
            )
        return {  # float(): numpy has no bfloat16
            "complaint": output.complaint_logits.float().numpy(),
            "sentiment": output.sentiment_logits.float().numpy(),
            "urgency": output.urgency_logits.float().numpy(),
            TOKENS: output.token_scores.float().numpy(),
        }


ONNX_FILES = {"fp32": "model.onnx", "int8": "model.int8.onnx"}


class OnnxBackend:
    """ONNX Runtime on the exported graph (int8 by default: about four times smaller)."""

    def __init__(self, session) -> None:
        self.session = session
        self.outputs = [output.name for output in session.get_outputs()]

    @classmethod
    def load(cls, model_dir: Path, variant: str | None = None, threads: int = 0) -> "OnnxBackend":
        """`variant` None takes int8 where it exists, else fp32."""
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        variant = variant or ("int8" if (Path(model_dir) / ONNX_FILES["int8"]).exists() else "fp32")
        path = Path(model_dir) / ONNX_FILES[variant]
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: run `triage export --model {model_dir}` first")
        return cls(onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"]))

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]:
        """A graph exported before token terms existed has only the three heads' outputs."""
        values = self.session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})
        return dict(zip(self.outputs, values, strict=True))


BACKENDS = ("auto", "torch", "onnx")


def resolve_backend(name: str, model_dir: Path) -> str:
    """«auto» is ONNX wherever an exported model exists, PyTorch otherwise."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; expected one of {', '.join(BACKENDS)}")
    if name == "auto":
        exported = any((Path(model_dir) / file).exists() for file in ONNX_FILES.values())
        return "onnx" if exported else "torch"
    return name


def load_backend(name: str, model_dir: Path, threads: int = 0, bf16: bool = False) -> Backend:
    """`bf16` applies to PyTorch only; an ONNX graph runs as exported."""
    if resolve_backend(name, model_dir) == "onnx":
        return OnnxBackend.load(model_dir, threads=threads)
    if threads:
        import torch

        torch.set_num_threads(threads)
    return TorchBackend.load(model_dir, bf16)
