"""The one inference core every driver calls: texts in, `Prediction` records out."""

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nlp.attribution import attributed_evidence
from nlp.backends import TOKENS, Backend, load_backend
from nlp.calibration import label_decisions, probabilities, urgency_decisions
from nlp.checks import check_logits, check_model_dir
from nlp.config import TriageConfig
from nlp.encoding import Encoded, encode, pad
from nlp.entities import extract_entities
from nlp.evidence import URGENCY, explain
from nlp.language import detect_language
from nlp.prediction import Prediction
from nlp.rejections import EMPTY_TEXT, NOT_TEXT

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

SMOKE_TEXT = "заказ не пришёл"
"""Predicted once at load: a model whose outputs do not fit its config is refused there."""
Forward = tuple[dict[str, np.ndarray], list[np.ndarray] | None]
"""Logits per head, and per text its token terms (tokens, labels + 1) where the backend has them."""
OVERLAP_MIN_TEXTS = 256
"""From this many texts on, the forward pass runs in a helper thread while this one finds
entities and languages: ONNX Runtime and PyTorch release the GIL, so the two overlap."""


class Predictor:
    def __init__(self, config: TriageConfig, tokenizer: "PreTrainedTokenizerBase", backend: Backend) -> None:
        self.config = config
        self.tokenizer = tokenizer
        self.backend = backend
        self.version = getattr(config, "model_version", "") or "unversioned"
        self._helper: ThreadPoolExecutor | None = None

    @classmethod
    def load(
        cls, model_dir: str | Path, backend: str = "auto", threads: int = 0, bf16: bool = False
    ) -> "Predictor":
        """Load a model directory; «auto» runs ONNX Runtime where an exported model exists.

        `threads` > 0 caps the backend's intra-op threads (one per Ray actor); 0 uses every core.
        `bf16`: PyTorch under bfloat16 autocast (a distillation teacher's pass).
        """
        from transformers import AutoTokenizer

        import nlp.model  # noqa: F401  registers the classes with the Auto factories

        model_dir = Path(model_dir)
        check_model_dir(model_dir)
        config = TriageConfig.from_pretrained(model_dir)
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        predictor = cls(config, tokenizer, load_backend(backend, model_dir, threads, bf16))
        check_logits(config, predictor.logits([SMOKE_TEXT]))
        return predictor

    def predict(
        self,
        texts: Sequence[object],
        batch_size: int = 64,
        ids: Sequence[str | None] | None = None,
        evidence: bool = False,
        entities: bool = True,
        now: date | Sequence[date | None] | None = None,
    ) -> list[Prediction]:
        """One record per input, in input order; bad inputs get a record with `error` set.

        `entities`: order numbers, sums, dates, phones, e-mails, cards (about 0.15 ms per text,
        a quarter of `predict`'s time with the default model; bench/evidence.py). `evidence`:
        the phrases behind each label and a high urgency (from the forward pass's token terms, see
        `nlp.attribution`; by occlusion, `nlp.evidence`, where the backend has none). `now`: the
        day relative dates count from, one for all texts or one per text (None: today).
        """
        ids = list(ids) if ids is not None else [None] * len(texts)
        rejected = [self._rejected(text, i) for text, i in zip(texts, ids, strict=True)]
        good = [index for index, record in enumerate(rejected) if record is None]
        good_texts = [_accepted(texts[index]) for index in good]
        encoded = encode(self.tokenizer, good_texts, self.config.max_tokens)
        forward = self._forward_soon(encoded, batch_size)
        days = list(now) if isinstance(now, Sequence) else [now] * len(texts)
        found = [
            extract_entities(text, days[i]) if entities else []
            for i, text in zip(good, good_texts, strict=True)
        ]
        languages = [detect_language(text) for text in good_texts]
        logits, tokens = forward()
        probs = probabilities(self.config, logits)
        chosen = label_decisions(self.config, probs["complaint"])
        urgency, flags = urgency_decisions(self.config, probs["urgency"])
        classified = list(self._records(probs, chosen, urgency, flags))
        for row, (index, record) in enumerate(zip(good, classified, strict=True)):
            record.id, record.truncated = ids[index], encoded[row].truncated
            record.language, record.entities = languages[row], found[row]
        if evidence:
            self._explain(classified, good_texts, encoded, tokens, batch_size)
        return _in_input_order(rejected, classified)

    @cached_property
    def attributes_evidence(self) -> bool:
        """Evidence comes from the forward pass's own token terms (no extra rows): the backend gives
        them and the tokenizer gives offsets. Otherwise evidence is found by occlusion."""
        encoded = encode(self.tokenizer, [SMOKE_TEXT], self.config.max_tokens)
        _, tokens = self._forward(encoded, batch_size=1)
        return tokens is not None and encoded[0].offsets is not None

    def target_scores(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Calibrated score of every target (`target_names`) per text: label probabilities, p(high)."""
        probs = probabilities(self.config, self.logits(texts, batch_size))
        return np.column_stack([probs["complaint"], probs["urgency"][:, self.config.flag_index]])

    @property
    def target_names(self) -> list[str]:
        return [*self.config.complaint_labels, URGENCY]

    def _explain(
        self,
        records: list[Prediction],
        texts: list[str],
        encoded: list[Encoded],
        tokens: list[np.ndarray] | None,
        batch_size: int,
    ) -> None:
        """Evidence for each predicted label and for a high urgency: from the prediction's own token
        terms where the backend gives them (`nlp.attribution`), else by occlusion (`nlp.evidence`:
        an ONNX graph exported before token terms existed, or a slow tokenizer without offsets)."""
        targets = [[*r.labels, *([URGENCY] if r.retention_flag else [])] for r in records]
        todo = [row for row, names in enumerate(targets) if names]
        if tokens is not None and all(encoded[row].offsets is not None for row in todo):
            columns = {name: column for column, name in enumerate(self.target_names)}
            temperature = self.config.temperatures
            temperatures = dict.fromkeys(self.config.complaint_labels, temperature["complaint"])
            temperatures[URGENCY] = temperature["urgency"]
            for row in todo:
                record, offsets = records[row], encoded[row].offsets or []
                bases = {label: record.scores[label] for label in record.labels}
                if record.retention_flag:
                    bases[URGENCY] = float(record.urgency_score or 0.0)
                atoms = [(e.start, e.end) for e in record.entities]
                record.evidence = attributed_evidence(
                    texts[row], offsets, tokens[row], bases, columns, temperatures, atoms
                )
            return
        found = explain(
            [texts[row] for row in todo],
            [targets[row] for row in todo],
            self.target_names,
            lambda variants: self.target_scores(variants, batch_size),
            atoms=[[(e.start, e.end) for e in records[row].entities] for row in todo],
        )
        for row, evidence in zip(todo, found, strict=True):
            records[row].evidence = evidence

    def logits(self, texts: Sequence[str], batch_size: int = 64) -> dict[str, np.ndarray]:
        """Raw logits of every head, in input order (for calibration and evaluation)."""
        return self._forward(encode(self.tokenizer, texts, self.config.max_tokens), batch_size)[0]

    def _forward_soon(self, encoded: list[Encoded], batch_size: int) -> Callable[[], "Forward"]:
        """The forward pass, run in the helper thread when there are enough texts to overlap."""
        if len(encoded) < OVERLAP_MIN_TEXTS:
            ready = self._forward(encoded, batch_size)
            return lambda: ready
        if self._helper is None:
            self._helper = ThreadPoolExecutor(1, thread_name_prefix="forward")
        return self._helper.submit(self._forward, encoded, batch_size).result

    def _forward(self, encoded: list[Encoded], batch_size: int) -> "Forward":
        """(logits per head, token terms per text or None); batches sorted by length to cut
        padding, results put back in input order."""
        if not encoded:
            return {head: np.zeros((0, len(names))) for head, names in self._heads().items()}, None
        order = np.argsort([len(item.ids) for item in encoded], kind="stable")
        parts = []
        for start in range(0, len(order), batch_size):
            batch = pad(
                [encoded[i] for i in order[start : start + batch_size]], self.tokenizer.pad_token_id or 0
            )
            parts.append(self.backend.logits(*batch))
        inverse = np.argsort(order, kind="stable")
        heads = [head for head in parts[0] if head != TOKENS]
        logits = {head: np.concatenate([part[head] for part in parts])[inverse] for head in heads}
        if TOKENS not in parts[0]:
            return logits, None
        tokens: list[np.ndarray] = [np.zeros(0)] * len(encoded)
        for start, part in zip(range(0, len(order), batch_size), parts, strict=True):
            for row, index in enumerate(order[start : start + batch_size]):
                tokens[index] = part[TOKENS][row, : len(encoded[index].ids)]
        return logits, tokens

    def _heads(self) -> dict[str, list[str]]:
        config = self.config
        return {
            "complaint": config.complaint_labels,
            "sentiment": config.sentiments,
            "urgency": config.urgencies,
        }

    def _rejected(self, text: object, record_id: str | None) -> Prediction | None:
        if not isinstance(text, str):
            return Prediction(id=record_id, error=NOT_TEXT, model_version=self.version)
        if not text.strip():
            return Prediction(id=record_id, error=EMPTY_TEXT, model_version=self.version)
        return None

    def _records(
        self, probs: dict[str, np.ndarray], chosen: np.ndarray, urgency: np.ndarray, flags: np.ndarray
    ) -> Iterator[Prediction]:
        """One record per row of `probs`, built from plain lists (numpy scalars and the
        config's attribute lookups cost more than the rest of the record)."""
        labels, sentiments, urgencies = self._heads().values()
        complaint, sentiment = probs["complaint"].tolist(), probs["sentiment"].tolist()
        best = probs["sentiment"].argmax(axis=1).tolist()
        high = probs["urgency"][:, self.config.flag_index].tolist()
        for row, (on, level, flag) in enumerate(
            zip(chosen.tolist(), urgency.tolist(), flags.tolist(), strict=True)
        ):
            yield Prediction(
                labels=[name for name, yes in zip(labels, on, strict=True) if yes],
                scores=_rounded(labels, complaint[row]),
                sentiment=sentiments[best[row]],
                sentiment_scores=_rounded(sentiments, sentiment[row]),
                urgency=urgencies[level],
                urgency_score=round(high[row], 4),
                retention_flag=flag,
                model_version=self.version,
            )


def _accepted(text: object) -> str:
    """A text `Predictor._rejected` let through."""
    assert isinstance(text, str), "only strings are accepted"
    return text


def _in_input_order(rejected: list[Prediction | None], classified: list[Prediction]) -> list[Prediction]:
    """The rejected inputs' records, each None (an accepted input) replaced by the next classified one."""
    remaining = iter(classified)
    return [record if record is not None else next(remaining) for record in rejected]


def _rounded(names: Sequence[str], values: list[float]) -> dict[str, float]:
    return {name: round(value, 4) for name, value in zip(names, values, strict=True)}
