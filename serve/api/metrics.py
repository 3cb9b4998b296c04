"""Prometheus metrics, in a registry of the app's own (two apps in one process do not collide).

With several server processes (`triage serve --workers N`) each worker writes its values to
files in a directory shared by the server (prometheus_client's multiprocess mode), and
/metrics, whichever worker answers, sums them over all workers.
"""

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from nlp.prediction import Prediction

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def shared_between_workers() -> Iterator[None]:
    """A fresh metrics directory for the workers started inside (read when they import
    prometheus_client), removed afterwards; a directory the deployment already set is kept."""
    if os.environ.get(MULTIPROCESS_DIR):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="triage-metrics-") as directory:
        os.environ[MULTIPROCESS_DIR] = directory
        try:
            yield
        finally:
            os.environ.pop(MULTIPROCESS_DIR, None)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "triage_requests", "HTTP requests.", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "triage_request_duration_seconds", "HTTP request latency.", ["method", "route", "status"],
            buckets=LATENCY_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.predictions = Counter(
            "triage_predictions", "Complaint labels predicted.", ["label"], registry=self.registry
        )
        self.messages = Counter("triage_messages", "Messages classified.", registry=self.registry)
        self.flagged = Counter(
            "triage_flagged_messages", "Messages flagged for retention follow-up.", registry=self.registry
        )
        self.batch_size = Histogram(
            "triage_batch_size", "Texts per forward pass (micro-batches).",
            buckets=BATCH_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.request_items = Histogram(
            "triage_batch_request_items", "Items per /v1/classify/batch request.",
            buckets=BATCH_BUCKETS, registry=self.registry,
        )  # fmt: skip

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route, str(status)).observe(seconds)

    def observe_records(self, records: Iterable[Prediction]) -> None:
        for record in records:
            self.messages.inc()
            for label in record.labels:
                self.predictions.labels(label).inc()
            if record.retention_flag:
                self.flagged.inc()

    def exposition(self) -> bytes:
        if os.environ.get(MULTIPROCESS_DIR):
            every_worker = CollectorRegistry()
            MultiProcessCollector(every_worker)
            return generate_latest(every_worker)
        return generate_latest(self.registry)
