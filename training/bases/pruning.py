"""Which e5 pieces a Russian support model needs: a pruned vocabulary.

XLM-R's 250,002 pieces cover a hundred languages; 384 MB of e5-small's 465 MB are their
embeddings. We keep, in their original order:
- the four special pieces;
- every piece written in Russian letters only, or only in digits, punctuation and symbols
  (emoji included);
- every single character of the Cyrillic, Latin and Greek scripts (so any text still
  segments as the full vocabulary would at the character level);
- every Latin piece of one or two letters, in any case: what random letter strings (link
  hashes, codes, handles) are cut into;
- the Latin pieces the full tokenizer uses for frequent English words and for transliterated
  frequent Russian words (wordfreq), as words and inside handles («@word»), in three cases.
Dropping a piece changes only the segmentation of a word that used it; `unchanged_share`
measures how often that happens on real text.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence

from transformers import PreTrainedTokenizerBase

from training.bases.e5_tokenizer import METASPACE

SPECIAL_PIECES = 4
ENGLISH_WORDS = 28_000
TRANSLITERATED_WORDS = 15_000
SHORT_LATIN_LETTERS = 2
RUSSIAN_LETTERS = re.compile(f"^[{METASPACE}а-яёА-ЯЁ]+$")
LATIN_LETTERS = re.compile("^[A-Za-z]+$")
SINGLE_CHAR_SCRIPTS = ("CYRILLIC", "LATIN", "GREEK")
TRANSLIT = {
    **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)),
    **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ю": "yu", "я": "ya"},
    **{"ъ": "", "ь": ""},
}


def _symbolic(char: str) -> bool:
    return char.isdigit() or unicodedata.category(char)[0] in "PSZ"


def script_piece(piece: str) -> bool:
    """Kept for its script alone: Russian letters, or symbols, or one character."""
    body = piece.replace(METASPACE, "")
    if len(body) == 1 and unicodedata.name(body, "").startswith(SINGLE_CHAR_SCRIPTS):
        return True
    return bool(RUSSIAN_LETTERS.match(piece)) or (bool(body) and all(map(_symbolic, body)))


def short_latin_piece(piece: str) -> bool:
    body = piece.replace(METASPACE, "")
    return len(body) <= SHORT_LATIN_LETTERS and bool(LATIN_LETTERS.match(body))


def transliterate(word: str) -> str:
    return "".join(TRANSLIT.get(char, char) for char in word)


def word_forms(words: Iterable[str]) -> list[str]:
    forms = []
    for word in words:
        for cased in (word, word.capitalize(), word.upper()):
            forms += [cased, "@" + cased]
    return forms


def frequent_latin_words() -> list[str]:
    from wordfreq import top_n_list

    russian = [transliterate(word) for word in top_n_list("ru", TRANSLITERATED_WORDS)]
    return top_n_list("en", ENGLISH_WORDS) + russian


def pieces_used(tokenizer: PreTrainedTokenizerBase, texts: Sequence[str]) -> set[int]:
    used: set[int] = set()
    for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]:
        used.update(ids)
    return used


def kept_pieces(pieces: Sequence[str], full_tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """Ids of the pieces to keep, ascending (the specials first)."""
    keep = set(range(SPECIAL_PIECES))
    keep |= {i for i, piece in enumerate(pieces) if script_piece(piece) or short_latin_piece(piece)}
    keep |= pieces_used(full_tokenizer, word_forms(frequent_latin_words()))
    return sorted(keep)


def unchanged_share(
    full: PreTrainedTokenizerBase, pruned: PreTrainedTokenizerBase, texts: Sequence[str]
) -> float:
    """Share of texts whose pieces are the same under both tokenizers."""
    if not texts:
        return 1.0
    same = 0
    for a, b in zip(full(list(texts))["input_ids"], pruned(list(texts))["input_ids"], strict=True):
        same += full.convert_ids_to_tokens(a) == pruned.convert_ids_to_tokens(b)
    return same / len(texts)
