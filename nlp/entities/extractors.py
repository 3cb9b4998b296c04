"""natasha's yargy extractors (dates, money), loaded once on first use.

natasha's `MorphVocab()` finds its pymorphy2 dictionaries through `pkg_resources`, which
setuptools ≥ 81 no longer ships; `Vocabulary` hands pymorphy2 the dictionary path itself.
"""

from functools import cache


@cache
def vocabulary():
    import pymorphy2_dicts_ru
    from natasha import MorphVocab
    from natasha.morph.vocab import MorphForm
    from pymorphy2 import MorphAnalyzer

    class Vocabulary(MorphVocab):
        def __init__(self) -> None:
            MorphAnalyzer.__init__(self, path=pymorphy2_dicts_ru.get_path(), result_type=MorphForm)

    return Vocabulary()


@cache
def dates_extractor():
    from natasha import DatesExtractor

    return DatesExtractor(vocabulary())


@cache
def money_extractor():
    from natasha import MoneyExtractor

    return MoneyExtractor(vocabulary())


def parser(rule):
    """A yargy parser for one of our own rules, on natasha's morphological tokenizer."""
    from natasha.extractors import Parser

    return Parser(rule, vocabulary())
