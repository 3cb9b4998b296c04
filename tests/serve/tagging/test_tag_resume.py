"""`--resume` continues only the run it belongs to, a kill at any step of the commit or the
final join leaves a run that resumes to the identical output, and one OUT has one writer."""

import json
import shutil
import signal
import subprocess
import sys
from itertools import islice

import pytest
from typer.testing import CliRunner

from nlp import Predictor
from serve.cli import app
from serve.tagging.job import TagJob
from serve.tagging.refused import Refused
from tests.helpers import KILL_SCRIPT, archive_rows, subprocess_env, write_archive


@pytest.fixture(scope="module")
def predictor(tiny_model):
    return Predictor.load(tiny_model)


@pytest.fixture(scope="module")
def other_model(tiny_model, tmp_path_factory):
    directory = tmp_path_factory.mktemp("other") / "model"
    shutil.copytree(tiny_model, directory)
    config = json.loads((directory / "config.json").read_text())
    (directory / "config.json").write_text(json.dumps({**config, "model_version": "tiny-other"}))
    return directory


def archive(tmp_path, count: int = 35):
    source = tmp_path / "in.csv"
    rows = archive_rows(count)
    rows[3]["text"] = ""  # one reject, so the rejects file has content
    write_archive(source, rows)
    return source


def interrupted(job: TagJob, predictor: Predictor, committed: int = 2) -> None:
    """A run that committed some chunks and never finished."""
    with job.lock():
        fmt = job.start(False, predictor.version, predictor.config.complaint_labels)
        for index, chunk in islice(job.pending(), committed):
            job._tag_chunk(predictor, index, chunk, fmt)


def grow(source) -> None:
    rows = archive_rows(45)[35:]
    with source.open("a", encoding="utf-8") as handle:
        handle.writelines(",".join(row.values()) + "\n" for row in rows)


CHANGES = {
    "input_size": lambda source, options: grow(source),
    "model_version": lambda source, options: options.update(model="other"),
    "chunk_rows": lambda source, options: options.update(chunk_rows=5),
    "output_format": lambda source, options: options.update(fmt="jsonl"),
}


@pytest.mark.parametrize("changed", list(CHANGES))
def test_resume_refuses_parts_of_another_run_and_names_the_difference(
    tiny_model, other_model, predictor, tmp_path, changed
):
    source, target = archive(tmp_path), tmp_path / "out.csv"
    interrupted(TagJob(source, target, chunk_rows=10), predictor)
    options = {"model": "tiny", "chunk_rows": 10, "fmt": None}
    CHANGES[changed](source, options)
    model = other_model if options["model"] == "other" else tiny_model
    command = ["tag", str(source), "--out", str(target), "--model", str(model), "--resume"]
    command += ["--chunk-rows", str(options["chunk_rows"])] + (
        ["--format", options["fmt"]] if options["fmt"] else []
    )
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("error: cannot --resume:") and changed in line
    assert not target.exists() and TagJob(source, target).parts.exists()


def test_resume_with_nothing_changed_gives_the_uninterrupted_output(predictor, tmp_path):
    source = archive(tmp_path)
    reference, target = tmp_path / "reference.csv", tmp_path / "out.csv"
    TagJob(source, reference, chunk_rows=10).run(predictor)
    interrupted(TagJob(source, target, chunk_rows=10), predictor)
    summary = TagJob(source, target, chunk_rows=10).run(predictor, resume=True)
    assert target.read_bytes() == reference.read_bytes() and summary.rows == 35 == summary.tagged + 1


KILL_AT_STEP = """
import os, shutil, signal, sys
from pathlib import Path
from nlp import Predictor
from serve.tagging.job import TagJob

step, target = sys.argv[4], Path(sys.argv[3])
def die():
    os.kill(os.getpid(), signal.SIGKILL)
def after(real, name):
    def call(*args, **kwargs):
        result = real(*args, **kwargs)
        if step == name(*args):
            die()
        return result
    return call
os.replace = after(os.replace, lambda src, dst: "replace " + Path(dst).name)
Path.unlink = after(Path.unlink, lambda path, *_: "unlink " + path.name)
Path.rename = after(Path.rename, lambda path, dst: "rename " + path.name)
real_rmtree = shutil.rmtree
def half_rmtree(path, *args, **kwargs):  # a kill in the middle of removing the finished parts
    if step == "rmtree" and Path(path).name == "out.csv.parts.done" and Path(path).exists():
        for file in sorted(Path(path).iterdir())[::2]:
            file.unlink()
        die()
    real_rmtree(path, *args, **kwargs)
shutil.rmtree = half_rmtree
TagJob(Path(sys.argv[2]), target, chunk_rows=10).run(Predictor.load(sys.argv[1]))
"""

STEPS = [
    "replace part-000001.rows.csv",  # a chunk's rows committed, its summary not yet
    "replace part-000001.summary.json",  # a chunk committed
    "unlink out.csv",  # the previous output removed, the new one still staged
    "replace out.csv.rejects.jsonl",  # rejects in place, OUT not yet
    "replace out.csv",  # OUT in place, parts still there
    "rename out.csv.parts",  # parts moved aside, not yet removed
    "rmtree",  # half of the parts removed
]


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_any_step_resumes_to_the_identical_output(tiny_model, predictor, tmp_path, step):
    source = archive(tmp_path)
    reference, target = tmp_path / "reference.csv", tmp_path / "out.csv"
    TagJob(source, reference, chunk_rows=10).run(predictor)
    rejects = reference.with_name("reference.csv.rejects.jsonl").read_bytes()
    target.write_text("an older, shorter output\n", encoding="utf-8")
    script = tmp_path / "run.py"
    script.write_text(KILL_AT_STEP, encoding="utf-8")
    command = [sys.executable, str(script), str(tiny_model), str(source), str(target), step]
    killed = subprocess.run(command, capture_output=True, text=True, timeout=120, env=subprocess_env())
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if target.exists() and target.read_bytes() == reference.read_bytes():  # OUT and its rejects together
        assert (tmp_path / "out.csv.rejects.jsonl").read_bytes() == rejects
    assert (tmp_path / "out.csv.lock").exists()  # left by a dead process: taken over below
    TagJob(source, target, chunk_rows=10).run(predictor, resume=True)
    assert target.read_bytes() == reference.read_bytes()
    assert (tmp_path / "out.csv.rejects.jsonl").read_bytes() == rejects
    leftovers = {path.name for path in tmp_path.iterdir()} - {"in.csv", "run.py"}
    assert leftovers == {"reference.csv", "reference.csv.rejects.jsonl", "out.csv", "out.csv.rejects.jsonl"}


def test_a_second_writer_of_the_same_output_is_refused_at_once(tiny_model, predictor, tmp_path):
    source = archive(tmp_path, 95)
    reference, target = tmp_path / "reference.csv", tmp_path / "out.csv"
    TagJob(source, reference, chunk_rows=10).run(predictor)
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT, encoding="utf-8")
    command = [sys.executable, str(script), str(tiny_model), str(source), str(target), "0"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=subprocess_env())
    first.stdout.readline()  # one chunk committed: the first writer holds the lock
    second = ["tag", str(source), "--out", str(target), "--model", str(tiny_model), "--chunk-rows", "10"]
    result = CliRunner().invoke(app, second)
    assert first.wait(timeout=120) == 0
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert f"being written by another run (pid {first.pid}" in line
    assert target.read_bytes() == reference.read_bytes()
    with pytest.raises(Refused, match="another run"), TagJob(source, target).lock():
        TagJob(source, target).run(predictor)
