"""Data-contract tests on the shipped corpus (data/tickets): schema, coverage, breadth, splits."""

from collections import Counter

import pytest

from nlp.labels import CHANNELS, COMPLAINT_LABELS, SENTIMENTS, URGENCIES
from tests.exact_pairs import exact_near_duplicate_pairs
from tests.helpers import ROOT, SPLITS
from training.data.breadth import openings, phrases
from training.data.dedup import NEAR_DUPLICATE_JACCARD
from training.data.stats import hard_case_traits
from training.data.textshape import word_count

MIN_RECORDS = 5000
MIN_TRAIN_PER_LABEL = 300
SPLIT_SEED = 13  # the seed `triage data split` was run with


def everything(corpus: dict) -> list:
    return [record for name in SPLITS for record in corpus[name]]


def test_corpus_size(corpus):
    assert len(everything(corpus)) >= MIN_RECORDS


@pytest.mark.parametrize("label", COMPLAINT_LABELS)
def test_every_label_is_well_covered_in_train(corpus, label):
    count = sum(label in record.labels for record in corpus["train"])
    assert count >= MIN_TRAIN_PER_LABEL, f"{label}: {count} in train"


@pytest.mark.parametrize("split", SPLITS)
def test_every_label_sentiment_and_urgency_occurs_in_each_split(corpus, split):
    records = corpus[split]
    seen = {label for record in records for label in record.labels}
    assert seen == set(COMPLAINT_LABELS)
    assert {record.sentiment for record in records} == set(SENTIMENTS)
    assert {record.urgency for record in records} == set(URGENCIES)


def test_about_a_third_of_complaints_carry_several_labels(corpus):
    complaints = [record for record in everything(corpus) if record.labels]
    share = sum(len(record.labels) >= 2 for record in complaints) / len(complaints)
    assert 0.27 <= share <= 0.45, share


def test_enough_messages_without_a_complaint(corpus):
    records = everything(corpus)
    assert sum(not record.labels for record in records) / len(records) >= 0.15


def test_sentiment_and_urgency_are_balanced_enough_to_learn(corpus):
    records = everything(corpus)
    sentiment = Counter(record.sentiment for record in records)
    urgency = Counter(record.urgency for record in records)
    assert min(sentiment.values()) / len(records) >= 0.08, sentiment
    assert 0.15 <= urgency["high"] / len(records) <= 0.40, urgency


def test_all_channels_are_present(corpus):
    channels = Counter(record.channel for record in everything(corpus))
    total = sum(channels.values())
    assert set(channels) == set(CHANNELS)
    assert all(channels[name] / total >= 0.10 for name in CHANNELS), channels


def test_lengths_span_one_to_150_words(corpus):
    lengths = [word_count(record.text) for record in everything(corpus)]
    assert min(lengths) == 1 and max(lengths) <= 150
    assert sum(n <= 5 for n in lengths) / len(lengths) >= 0.05
    assert sum(n > 80 for n in lengths) / len(lengths) >= 0.05


def test_at_least_a_quarter_are_hard_cases(corpus):
    records = everything(corpus)
    assert sum(bool(hard_case_traits(record)) for record in records) / len(records) >= 0.25


HARD_CASE_TAGS = (
    *("negation", "hypothetical", "resolved", "sarcasm", "typos", "slang", "quoted_reply"),
    *("competitor", "multi_order", "order_number", "translit", "non_russian", "spam", "off_topic"),
)


@pytest.mark.parametrize("tag", HARD_CASE_TAGS)
def test_each_hard_case_kind_is_represented(corpus, tag):
    assert sum(tag in record.tags for record in everything(corpus)) >= 20


def test_splits_are_80_10_10(corpus):
    total = len(everything(corpus))
    shares = {name: len(corpus[name]) / total for name in SPLITS}
    assert shares["train"] == pytest.approx(0.8, abs=0.01)
    assert shares["dev"] == pytest.approx(0.1, abs=0.01)
    assert shares["test"] == pytest.approx(0.1, abs=0.01)


@pytest.mark.parametrize("label", COMPLAINT_LABELS)
def test_splits_are_stratified_per_label(corpus, label):
    shares = [sum(label in r.labels for r in corpus[name]) / len(corpus[name]) for name in SPLITS]
    assert max(shares) - min(shares) <= 0.02, dict(zip(SPLITS, shares, strict=True))


def test_ids_are_unique_across_splits(corpus):
    ids = [record.id for record in everything(corpus)]
    assert len(ids) == len(set(ids))


def test_no_exact_or_near_duplicates_within_or_across_splits(corpus):
    records = everything(corpus)
    pairs = exact_near_duplicate_pairs([record.text for record in records], NEAR_DUPLICATE_JACCARD)
    assert [(records[a].id, records[b].id) for a, b in pairs] == []


def test_no_stock_openings_or_phrases(corpus):
    texts = [record.text for record in everything(corpus)]
    ((opening, opening_count),) = openings(texts).most_common(1)
    ((phrase, phrase_count),) = phrases(texts).most_common(1)
    assert opening_count / len(texts) <= 0.01, opening
    assert phrase_count / len(texts) <= 0.01, phrase


def test_splits_are_reproducible_from_the_written_slices(corpus):
    from training.data.dedup import duplicate_indices
    from training.data.split import stratified_split
    from training.data.validate import validate_files

    slices = validate_files(sorted((ROOT / "data" / "slices").glob("*.jsonl")))
    assert slices.ok
    dropped = duplicate_indices([record.text for record in slices.records])
    kept = [record for index, record in enumerate(slices.records) if index not in dropped]
    rebuilt = stratified_split(kept, seed=SPLIT_SEED)
    for name in SPLITS:
        assert [r.id for r in rebuilt[name]] == [r.id for r in corpus[name]], name
