"""A small, fast language flag: Russian in Cyrillic, Russian in Latin letters (translit), other.

Not a general language identifier: the service only needs to tell its own language from the
rest. Cyrillic letters in the majority mean Russian, unless the letters only Ukrainian uses
(і ї є ґ) appear without any that only Russian uses (ы э ъ ё). Latin text is translit when
more of its words look like transliterated Russian (common words, stems of support vocabulary,
letter clusters English hardly has: «zh», «shch», «kh», «ya») than look like English.
"""

import re

from nlp.prediction import Language

CYRILLIC = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
UKRAINIAN_ONLY = re.compile(r"[іїєґ]", re.IGNORECASE)
RUSSIAN_ONLY = re.compile(r"[ыэъё]", re.IGNORECASE)
LATIN_WORD = re.compile(r"[a-z']+", re.IGNORECASE)
HANDLES = re.compile(r"@\w+|https?://\S+|www\.\S+|\S+@\S+")  # mentions, links, e-mails say nothing

TRANSLIT_WORDS = frozenset(
    (
        "ne", "net", "da", "ya", "vy", "ty", "ona", "oni", "eto", "chto", "kak", "gde", "kogda", "pochemu",
        "zachem", "uzhe", "eshche", "eshe", "ochen", "vse", "vsyo", "uzhas", "spasibo", "privet",
        "zdravstvuyte", "zdravstvujte", "pozhaluysta", "pozhalujsta", "mne", "menya", "nam", "vam", "u",
        "k", "s", "v", "na", "po", "za", "iz", "ot", "bez", "ili", "tak", "tozhe", "segodnya", "vchera",
        "zavtra", "dnya", "dney", "den", "nedelyu", "nedeli", "raza", "snova", "opyat", "kuda",
        "skolko"
    )
)  # fmt: skip
TRANSLIT_STEMS = (
    "zakaz", "dostav", "kurer", "kurier", "kurjer", "oplat", "vozvrat", "vernit", "verni", "deneg",
    "dengi", "prilozh", "podderzh", "magazin", "tovar", "skidk", "promokod", "spisa", "otmen",
    "opozd", "privez", "prish", "poluch", "pochem", "ochen", "spasib", "zdravs", "pozhal", "ballov",
    "bonusov", "keshbek", "kartu", "karty", "nikto", "nichego", "otvet", "zhdu", "zhdat",
)  # fmt: skip
TRANSLIT_CLUSTERS = ("shch", "zh", "kh", "ya", "yu", "iy", "yj", "yy")
ENGLISH_WORDS = frozenset(
    (
        "the", "a", "an", "and", "or", "is", "are", "was", "were", "be", "been", "to", "of", "in", "on",
        "at", "for", "with", "my", "your", "you", "i", "we", "it", "this", "that", "not", "no", "yes",
        "have", "has", "had", "do", "does", "did", "can", "will", "would", "please", "order", "delivery",
        "payment", "hello", "hi", "thanks", "thank", "where", "when", "why", "what", "how"
    )
)  # fmt: skip


def detect_language(text: str) -> Language:
    """«ru», «translit» or «other» (also for text without letters)."""
    text = HANDLES.sub(" ", text)
    cyrillic, latin = len(CYRILLIC.findall(text)), len(LATIN.findall(text))
    if cyrillic and cyrillic >= latin:
        return "other" if UKRAINIAN_ONLY.search(text) and not RUSSIAN_ONLY.search(text) else "ru"
    words = [word.lower() for word in LATIN_WORD.findall(text)]
    russian = sum(1 for word in words if _looks_translit(word))
    english = sum(1 for word in words if word in ENGLISH_WORDS)
    return "translit" if russian and russian > english else "other"


def _looks_translit(word: str) -> bool:
    return (
        word in TRANSLIT_WORDS
        or word.startswith(TRANSLIT_STEMS)
        or any(cluster in word for cluster in TRANSLIT_CLUSTERS)
    )
