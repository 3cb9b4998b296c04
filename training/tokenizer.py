"""The word-level tokenizer of the default encoder, built with the `tokenizers` library.

Normalisation (saved inside tokenizer.json, so every backend applies the same): Unicode
NFKC, «ё» → «е», lower case, every digit → «0» (so «1 500» and «2 300» look alike, and
order numbers fall into a few shapes such as «0000-000»). Pre-tokenisation: words (with
inner hyphens, «из-за», «кто-то») and every other non-space character on its own
(punctuation, each emoji). Character offsets always point into the original text.
"""

from collections.abc import Iterable

from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers
from transformers import PreTrainedTokenizerFast

PAD, UNK = "[PAD]", "[UNK]"
SPECIAL_TOKENS = (PAD, UNK)
WORD_PATTERN = r"\w+(?:-\w+)*|[^\w\s]"


def normalizer() -> normalizers.Normalizer:
    return normalizers.Sequence(
        [
            normalizers.NFKC(),
            normalizers.Replace("ё", "е"),
            normalizers.Replace("Ё", "Е"),
            normalizers.Lowercase(),
            normalizers.Replace(Regex(r"\d"), "0"),
        ]
    )


def pre_tokenizer() -> pre_tokenizers.PreTokenizer:
    return pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split(Regex(WORD_PATTERN), behavior="isolated")]
    )


def normalized_words(text: str) -> list[str]:
    """The words the tokenizer will look up for `text`, after normalisation."""
    return [word for word, _ in pre_tokenizer().pre_tokenize_str(normalizer().normalize_str(text))]


def build_tokenizer(words: Iterable[str], max_tokens: int) -> PreTrainedTokenizerFast:
    """A tokenizer whose vocabulary is the special tokens followed by `words`, in order."""
    vocabulary = {token: index for index, token in enumerate(SPECIAL_TOKENS)}
    for word in words:
        vocabulary.setdefault(word, len(vocabulary))
    tokenizer = Tokenizer(models.WordLevel(vocabulary, unk_token=UNK))
    tokenizer.normalizer = normalizer()
    tokenizer.pre_tokenizer = pre_tokenizer()
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, unk_token=UNK, pad_token=PAD, model_max_length=max_tokens
    )
