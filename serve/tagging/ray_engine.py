"""`triage tag --engine ray`: the local engine's job, with the forward passes on Ray actors.

The driver reads the archive with the project's own reader, so rejects keep their line numbers
and reasons and are written by `TagJob.split` as in the local engine. Each chunk's classifiable
rows go to a Parquet shard in OUTPUT.parts/; Ray Data reads the shards on the driver's node
(where they live), `map_batches` runs `Tagger`, a callable class whose actors each load the
Predictor once, and the predictions come back in chunk order (`preserve_order`). The driver
commits every chunk through `TagJob.commit`, so parts, summaries, `--resume` (per chunk) and the
atomic join are the local engine's own. Each chunk is predicted in one call with the same texts
as the local engine, hence the same forward batches, and each actor runs as many ONNX Runtime
threads as the local engine (`threads`, default every core of this machine), hence the same
records: ONNX Runtime's sums depend on its thread count (with one thread per actor against two
locally, one row in 5,000 differed in the fourth decimal of a score).

Shards carry the input fields and the predictions as pickles: exact for any field type (Parquet
timestamps, nested JSON) and read back only by the run that wrote them.
"""

import json
import logging
import os
import pickle
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import groupby, islice
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import ray
from ray.data import ActorPoolStrategy, Datasource, ReadTask, TaskPoolStrategy
from ray.data.block import BlockMetadata

from nlp.backends import ONNX_FILES, resolve_backend
from nlp.checks import check_model_dir
from nlp.io.rows import RawRow
from serve.tagging.job import TagJob, message_day, texts_and_ids
from serve.tagging.summary import Summary

# No usage reports, no C++ log lines on the terminal (Ray Data's actor pool logs an «error» about
# actor restarts on every run); Python errors still surface as exceptions. Set to override.
QUIET = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_BACKEND_LOG_LEVEL": "fatal"}


@dataclass(frozen=True)
class Shard:
    index: int
    rows: int  # input rows of the chunk, rejects included
    good: int  # rows in the shard
    path: Path


def run_on_ray(
    job: TagJob,
    model_dir: Path,
    backend: str = "auto",
    address: str | None = None,
    resume: bool = False,
    on_rows: Callable[[int], None] | None = None,
    actors: int | None = None,
    threads: int = 0,
) -> Summary:
    """Tag `job.source` into `job.target` on a local Ray, or on the cluster at `address`.

    Each actor takes `threads` CPUs and runs that many model threads (0: this machine's cores).
    """
    model_dir = Path(model_dir).resolve()
    threads = threads or os.cpu_count() or 1
    check_model(model_dir, backend)
    with job.lock():
        config = model_config(model_dir)
        fmt = job.start(
            resume, config.get("model_version") or "unversioned", config["complaint_labels"], on_rows
        )
        shards = write_shards(job)
        if any(shard.good for shard in shards):
            with ray_session(address):
                dataset = _dataset(shards, model_dir, backend, job, actors, threads)
                with closing(tagged_rows(dataset)) as results:
                    _commit_all(job, shards, results, fmt, on_rows)
        else:
            _commit_all(job, shards, iter(()), fmt, on_rows)
        return job.finish(fmt)


def model_config(model_dir: Path) -> dict:
    """The model's config as saved (read on the driver): the version its Predictor stamps on its
    records and its labels (checked by `check_model` first)."""
    return json.loads((model_dir / "config.json").read_text(encoding="utf-8"))


def _commit_all(
    job: TagJob,
    shards: list[Shard],
    results: Iterator[tuple],
    fmt: str,
    on_rows: Callable[[int], None] | None,
) -> None:
    for shard in shards:
        _commit(job, shard, list(islice(results, shard.good)), fmt)
        if on_rows:
            on_rows(shard.rows)
    if next(results, None) is not None:
        raise RuntimeError("Ray returned more rows than the shards hold")


def check_model(model_dir: Path, backend: str) -> None:
    """Fail on the driver with a clear error, not in the constructor of every actor."""
    if not (model_dir / "config.json").is_file():
        raise FileNotFoundError(f"{model_dir}: not a model directory (no config.json)")
    check_model_dir(model_dir)  # its label lists are read here, on the driver
    exported = any((model_dir / name).is_file() for name in ONNX_FILES.values())
    if resolve_backend(backend, model_dir) == "onnx" and not exported:
        raise FileNotFoundError(f"{model_dir}: no ONNX model; run `triage export --model {model_dir}` first")


def write_shards(job: TagJob) -> list[Shard]:
    """Rejects parts and shards of every pending chunk (a streaming pass over the archive)."""
    shards = []
    for index, chunk in job.pending():
        good = job.split(index, chunk)
        path = (job.parts / f"part-{index:06d}.input.parquet").resolve()
        if good:
            pq.write_table(_shard_table(index, good, job), path)
        shards.append(Shard(index, len(chunk), len(good), path))
    return shards


def _shard_table(index: int, good: list[RawRow], job: TagJob) -> pa.Table:
    texts, ids = texts_and_ids(good, job.columns, job.text_cap)
    return pa.table(
        {
            "chunk": pa.array([index] * len(good), pa.int64()),
            "line": pa.array([row.line for row in good], pa.int64()),
            "id": pa.array(ids, pa.string()),
            "text": pa.array(texts, pa.string()),
            "day": pa.array([message_day(row, job.columns) for row in good], pa.date32()),
            "fields": pa.array([pickle.dumps(row.fields) for row in good], pa.binary()),
        }
    )


def _commit(job: TagJob, shard: Shard, rows: list[tuple], fmt: str) -> None:
    if len(rows) != shard.good or any(chunk != shard.index for chunk, *_ in rows):
        raise RuntimeError(
            f"chunk {shard.index}: Ray returned {len(rows)} of {shard.good} rows, or out of order"
        )
    good = [RawRow(line, pickle.loads(fields)) for _, line, fields, _ in rows]
    predictions = [pickle.loads(prediction) for *_, prediction in rows]
    job.commit(shard.index, shard.rows, good, predictions, fmt)


class Tagger:
    """One Ray actor's work: the Predictor, loaded once, applied chunk by chunk."""

    def __init__(
        self, model_dir: str, backend: str, batch_size: int, evidence: bool = False, threads: int = 1
    ) -> None:
        from nlp.predictor import Predictor

        self.predictor = Predictor.load(model_dir, backend=backend, threads=threads)
        self.batch_size, self.evidence = batch_size, evidence

    def __call__(self, batch: pa.Table) -> pa.Table:
        texts, ids = batch.column("text").to_pylist(), batch.column("id").to_pylist()
        days = batch.column("day").to_pylist()
        predictions, start = [], 0
        for _, rows in groupby(batch.column("chunk").to_pylist()):
            end = start + sum(1 for _ in rows)
            predictions += self.predictor.predict(
                texts[start:end], self.batch_size, ids[start:end], evidence=self.evidence, now=days[start:end]
            )
            start = end
        pickles = pa.array([pickle.dumps(prediction) for prediction in predictions], pa.binary())
        return batch.drop_columns(["id", "text", "day"]).append_column("prediction", pickles)


class ShardSource(Datasource):
    """One block per shard, read on the driver's node: the shards are files on its disk."""

    def __init__(self, shards: list[Shard]) -> None:
        super().__init__()
        self.shards = [shard for shard in shards if shard.good]

    def estimate_inmemory_data_size(self) -> int:
        return sum(shard.path.stat().st_size for shard in self.shards)

    def get_read_tasks(self, parallelism: int, per_task_row_limit=None, data_context=None) -> list[ReadTask]:
        return [
            ReadTask(
                partial(_read_shard, str(shard.path)),
                BlockMetadata(
                    num_rows=shard.good,
                    size_bytes=shard.path.stat().st_size,
                    exec_stats=None,
                    input_files=(str(shard.path),),
                ),
            )
            for shard in self.shards
        ]

    @property
    def supports_distributed_reads(self) -> bool:
        return False


def _read_shard(path: str) -> list[pa.Table]:
    return [pq.read_table(path)]


def _dataset(
    shards: list[Shard], model_dir: Path, backend: str, job: TagJob, actors: int | None, threads: int
):
    """read → map_batches over whole blocks, i.e. whole chunks."""
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    largest = max((node["Resources"].get("CPU", 0) for node in ray.nodes() if node["Alive"]), default=0)
    if threads > largest:  # such an actor would wait for a node forever
        raise ValueError(f"--threads {threads}: no Ray node has that many CPUs (at most {largest:g})")
    size = actors or max(int(ray.cluster_resources().get("CPU", 1)) // threads, 1)
    # Reads take no CPU slot (the actors may hold them all) and run one at a time: with no cap,
    # Ray starts a worker process per pending read task.
    reads = ray.data.read_datasource(ShardSource(shards), num_cpus=0, compute=TaskPoolStrategy(size=1))
    return reads.map_batches(
        Tagger,
        fn_constructor_args=(str(model_dir), backend, job.batch_size, job.evidence, threads),
        compute=ActorPoolStrategy(size=size),
        num_cpus=threads,
        batch_size=None,
        batch_format="pyarrow",
        udf_modifying_row_count=False,
    )


def tagged_rows(dataset) -> Generator[tuple, None, None]:
    """(chunk, line, fields pickle, prediction pickle) of every row, in input order."""
    for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
        columns = [batch.column(name).to_pylist() for name in ("chunk", "line", "fields", "prediction")]
        yield from zip(*columns, strict=True)


@contextmanager
def ray_session(address: str | None) -> Iterator[None]:
    """Join the cluster at `address`, or start a local Ray on every core; shut down what we started."""
    for name, value in QUIET.items():
        os.environ.setdefault(name, value)
    if ray.is_initialized():
        yield
        return
    ray.init(
        address=address or "local",
        num_cpus=None if address else os.cpu_count(),  # None: the cluster's own count
        include_dashboard=False,
        log_to_driver=False,
        logging_level=logging.ERROR,
    )
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    try:
        yield
    finally:
        ray.shutdown()
