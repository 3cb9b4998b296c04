"""`triage tag --engine ray`: the same records and rejects as the local engine, resumable, no leftovers.

One Ray run for the whole module (start-up costs seconds): the local engine commits the first
chunks and stops; `--engine ray --resume` tags the rest.
"""

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp import Predictor
from serve.cli import app
from serve.tagging import ray_engine
from serve.tagging.job import TagJob
from tests.helpers import archive_rows

pytestmark = [
    pytest.mark.ray,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context"),  # Ray's own
]

CHUNK = 8
LOCAL_CHUNKS = 2


class Interrupted(Exception):
    pass


def write_archive(path: Path) -> Path:
    lines = [json.dumps(row, ensure_ascii=False) for row in archive_rows(40)]
    lines[20:20] = ["not json", json.dumps({"id": "x", "text": "  "})]  # in a chunk Ray tags
    lines[32:32] = [json.dumps({"id": f"y{i}"}) for i in range(CHUNK)]  # chunk 4: rejects only
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def interrupted_local_run(job: TagJob, predictor: Predictor) -> None:
    original, seen = TagJob._tag_chunk, []

    def stop_after_two(self, *args):
        if len(seen) == LOCAL_CHUNKS:
            raise Interrupted
        original(self, *args)
        seen.append(args[1])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TagJob, "_tag_chunk", stop_after_two)
        with pytest.raises(Interrupted):
            job.run(predictor)


def descendants(pid: int) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.fixture(scope="module")
def runs(tiny_model, tmp_path_factory):
    work = tmp_path_factory.mktemp("ray-engine")
    source = write_archive(work / "in.jsonl")
    predictor = Predictor.load(tiny_model)
    reference = TagJob(source, work / "local.csv", chunk_rows=CHUNK)
    reference.run(predictor)
    target = work / "ray.csv"
    interrupted_local_run(TagJob(source, target, chunk_rows=CHUNK), predictor)
    before = descendants(os.getpid())
    sharded = []
    write_shards = ray_engine.write_shards

    def spy(job):
        shards = write_shards(job)
        sharded.extend(shard.index for shard in shards)
        return shards

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ray_engine, "write_shards", spy)
        command = ["tag", str(source), "--out", str(target), "--model", str(tiny_model)]
        result = CliRunner().invoke(
            app, [*command, "--chunk-rows", str(CHUNK), "--engine", "ray", "--resume"]
        )
    deadline = time.time() + 20
    while descendants(os.getpid()) - before and time.time() < deadline:
        time.sleep(0.5)
    return {
        "reference": reference,
        "job": TagJob(source, target, chunk_rows=CHUNK),
        "result": result,
        "sharded": sharded,
        "leftovers": descendants(os.getpid()) - before,
    }


def test_ray_engine_writes_the_local_engines_records_and_rejects(runs):
    assert runs["result"].exit_code == 0, runs["result"].output
    reference, job = runs["reference"], runs["job"]
    assert job.target.read_bytes() == reference.target.read_bytes()
    assert job.rejects.read_bytes() == reference.rejects.read_bytes()
    rejects = [json.loads(line) for line in job.rejects.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in rejects] == [21, 22, *range(33, 33 + CHUNK)]
    assert "50 input rows = 40 tagged" in runs["result"].output and "10 rejected" in runs["result"].output
    assert not job.parts.exists()


def test_ray_engine_resumes_after_the_committed_chunks(runs):
    assert runs["sharded"] == list(range(LOCAL_CHUNKS, 7))


def test_ray_is_shut_down_without_leftover_processes(runs):
    import ray

    assert not ray.is_initialized()
    assert not runs["leftovers"]


def test_ray_address_needs_the_ray_engine(tiny_model, tmp_path):
    source = write_archive(tmp_path / "in.jsonl")
    command = ["tag", str(source), "--out", str(tmp_path / "o.csv"), "--model", str(tiny_model)]
    result = CliRunner().invoke(app, [*command, "--ray-address", "auto"])
    assert result.exit_code == 2 and "--ray-address needs --engine ray" in result.output


@pytest.mark.parametrize(
    ("model", "backend", "message"),
    [(None, "auto", "not a model directory"), ("tiny", "onnx", "no ONNX model")],
)
def test_a_model_that_cannot_load_fails_before_ray_starts(tiny_model, tmp_path, model, backend, message):
    import ray

    source = write_archive(tmp_path / "in.jsonl")
    model_dir = tiny_model if model else tmp_path / "missing"
    with pytest.raises(FileNotFoundError, match=message):
        ray_engine.run_on_ray(TagJob(source, tmp_path / "o.csv"), model_dir, backend=backend)
    assert not ray.is_initialized()


def test_more_threads_than_any_node_has_is_a_clear_error_not_a_hang(tiny_model, tmp_path):
    import ray

    source = write_archive(tmp_path / "in.jsonl")
    command = ["tag", str(source), "--out", str(tmp_path / "o.csv"), "--model", str(tiny_model)]
    result = CliRunner().invoke(app, [*command, "--engine", "ray", "--threads", "512"])
    assert result.exit_code == 2 and "--threads 512: no Ray node has that many CPUs" in result.output
    assert not ray.is_initialized() and not (tmp_path / "o.csv").exists()
