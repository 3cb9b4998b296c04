"""Mixed precision on CPU: bfloat16 autocast where the processor computes bfloat16 natively.

Weights, optimiser state and the saved model stay float32; only the forward and backward
matrix products run in bfloat16. On a processor without native bfloat16 (AVX512-BF16 or AMX)
autocast emulates it and is slower than float32, so `auto` keeps float32 there.
"""

from contextlib import AbstractContextManager

import torch

from training.arguments import PRECISIONS


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX512-BF16 or AMX tiles)."""
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, probe, lambda: False)() for probe in probes)


def resolved_precision(precision: str) -> str:
    """`bf16` or `fp32`: `auto` becomes bf16 where the CPU computes it natively."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}: {precision!r}")
    if precision == "auto":
        return "bf16" if native_bf16() else "fp32"
    return precision


def autocast(precision: str) -> AbstractContextManager:
    """The context a training step runs in."""
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=resolved_precision(precision) == "bf16")
