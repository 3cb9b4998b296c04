"""Distillation: soft targets from a tiny teacher built from config, a student that learns them,
the `triage distil` command and the student's model card."""

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from nlp.model import IGNORE
from serve.cli import app
from tests.helpers import TICKETS, TINY_WORDS, tiny_model_dir
from training.distillation import TeacherScores, distillation_examples, unlabelled_texts
from training.examples import Examples

pytestmark = pytest.mark.slow

runner = CliRunner()
UNLABELLED = [
    " ".join(TINY_WORDS[(i + k) % 8] for k in range(1 + i % 4)) + f" {i}"
    for i in range(40)  # distinct texts
]


def teacher_dir(path):
    """A tiny teacher with strong, label-specific opinions: complaint biases from -3 to 3."""
    from nlp.model import TriageModel

    tiny_model_dir(path)
    model = TriageModel.from_pretrained(path)
    with torch.no_grad():
        model.complaint_bias.copy_(torch.linspace(-3, 3, 12))
        model.urgency_head.bias.copy_(torch.tensor([2.0, 0.0, -2.0]))
    model.config.model_version = "tiny-teacher"
    model.save_pretrained(path)
    return path


def test_corpus_targets_mix_gold_and_teacher_and_unlabelled_take_the_teachers():
    labelled = Examples(
        ["a", "b"],
        np.array([[1, 0], [0, 0]], dtype=np.float32),
        np.array([1.0, 0.0], dtype=np.float32),  # "b" carries no complaint annotation
        np.array([2, IGNORE]),
        np.array([IGNORE, 0]),
    )
    teacher = TeacherScores(
        np.array([[0.6, 0.2], [0.4, 0.8]]), np.array([[0.2, 0.2, 0.6]] * 2), np.array([[0.5, 0.3, 0.2]] * 2)
    )
    unlabelled = TeacherScores(np.array([[0.9, 0.1]]), np.array([[1.0, 0, 0]]), np.array([[0, 0, 1.0]]))
    examples = distillation_examples(labelled, teacher, ["c"], unlabelled)
    assert examples.texts == ["a", "b", "c"]
    np.testing.assert_allclose(examples.complaints, [[0.8, 0.1], [0.4, 0.8], [0.9, 0.1]])
    np.testing.assert_allclose(examples.sentiment, [[0.1, 0.1, 0.8], [0.2, 0.2, 0.6], [1, 0, 0]])
    np.testing.assert_allclose(examples.urgency, [[0.5, 0.3, 0.2], [0.75, 0.15, 0.1], [0, 0, 1]])
    assert examples.complaint_mask.tolist() == [1, 1, 1]


def test_records_of_a_source_the_teacher_never_learned_keep_their_gold_alone():
    labelled = Examples(
        ["corpus", "tweet", "tweet without sentiment"],
        np.zeros((3, 2), dtype=np.float32),
        np.array([1.0, 0.0, 0.0], dtype=np.float32),  # the tweets carry no complaint annotation
        np.array([1, 1, IGNORE]),  # gold sentiment: neutral, neutral, none
        np.array([0, IGNORE, IGNORE]),
    )
    negative = np.array([[0.9, 0.1, 0.0]] * 3)
    teacher = TeacherScores(np.array([[0.2, 0.6]] * 3), negative, np.array([[0.5, 0.3, 0.2]] * 3))
    none = TeacherScores(np.zeros((0, 2)), np.zeros((0, 3)), np.zeros((0, 3)))
    examples = distillation_examples(labelled, teacher, [], none, taught=np.array([True, False, False]))
    np.testing.assert_allclose(examples.sentiment, [[0.45, 0.55, 0], [0, 1, 0], [0.9, 0.1, 0]])
    np.testing.assert_allclose(examples.complaints, [[0.1, 0.3], [0.2, 0.6], [0.2, 0.6]])


def test_a_teacher_learned_from_the_corpus_and_from_the_extras_its_recipe_lists(tmp_path):
    from training.train import taught_records

    (tmp_path / "training_args.json").write_text('{"extra": ["rusentiment"]}', encoding="utf-8")
    extras = {
        name: Examples(["x"] * n, *([np.zeros(n)] * 4))
        for name, n in (("sentirueval2015", 2), ("rusentiment", 1))
    }
    assert taught_records(tmp_path, 3, extras).tolist() == [True, True, True, False, False, True]
    assert taught_records(tmp_path / "no-recipe", 1, extras).tolist() == [True, False, False, False]


def test_unlabelled_texts_are_distinct_and_never_a_held_out_text(tmp_path):
    lines = tmp_path / "texts.txt"
    lines.write_text("один\nдва\n\nодин\nтест-текст\n", encoding="utf-8")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text('{"text": "три"}\n{"text": "два"}\n', encoding="utf-8")
    assert unlabelled_texts([lines, jsonl], exclude={"тест-текст"}) == ["один", "два", "три"]
    assert unlabelled_texts([lines, jsonl], exclude=set(), limit=2) == ["один", "два"]
    with pytest.raises(FileNotFoundError, match=r"missing\.txt"):
        unlabelled_texts([tmp_path / "missing.txt"], exclude=set())


def test_no_texts_to_score_gives_empty_scores_of_the_teachers_widths(tmp_path, monkeypatch):
    """A clone without ../shared has no unlabelled texts: distillation goes on with the corpus."""
    from training.distillation import teacher_scores

    monkeypatch.setenv("TRIAGE_CACHE", str(tmp_path / "cache"))
    teacher = teacher_dir(tmp_path / "teacher")
    teacher_scores(teacher, UNLABELLED[:3])  # a cache with entries, as after an earlier student
    scores = teacher_scores(teacher, [])
    assert (scores.complaint.shape, scores.sentiment.shape, scores.urgency.shape) == ((0, 12), (0, 3), (0, 3))


def test_the_teacher_pass_runs_in_bf16_where_the_cpu_has_it_with_a_cache_of_its_own(tmp_path, monkeypatch):
    import training.precision as precision
    from training.distillation import teacher_scores

    monkeypatch.setenv("TRIAGE_CACHE", str(tmp_path / "cache"))
    teacher = teacher_dir(tmp_path / "teacher")
    monkeypatch.setattr(precision, "native_bf16", lambda: False)
    exact = teacher_scores(teacher, UNLABELLED)
    monkeypatch.setattr(precision, "native_bf16", lambda: True)
    rounded = teacher_scores(teacher, UNLABELLED)
    cached = sorted(path.name for path in (tmp_path / "cache" / "teacher-scores").iterdir())
    assert cached == ["tiny-teacher.bf16.npz", "tiny-teacher.npz"]
    assert np.allclose(rounded.complaint, exact.complaint, atol=0.02)
    assert not np.array_equal(rounded.complaint, exact.complaint)  # not the float32 cache


def test_an_exported_teacher_scores_with_its_onnx_graph_and_the_float32_cache(tmp_path, monkeypatch):
    import training.precision as precision
    from training.distillation import teacher_scores
    from training.export import export_onnx

    monkeypatch.setenv("TRIAGE_CACHE", str(tmp_path / "cache"))
    teacher = teacher_dir(tmp_path / "teacher")
    export_onnx(teacher)
    monkeypatch.setattr(precision, "native_bf16", lambda: True)
    teacher_scores(teacher, UNLABELLED[:3])
    assert [path.name for path in (tmp_path / "cache" / "teacher-scores").iterdir()] == ["tiny-teacher.npz"]


def test_a_student_trained_on_the_teachers_scores_moves_toward_them(tmp_path, monkeypatch):
    from nlp.backends import TorchBackend
    from nlp.calibration import probabilities
    from nlp.model import TriageModel
    from nlp.predictor import Predictor
    from training.arguments import TrainingArguments
    from training.distillation import teacher_scores
    from training.loop import train_model

    monkeypatch.setenv("TRIAGE_CACHE", str(tmp_path / "cache"))
    teacher = teacher_dir(tmp_path / "teacher")
    student_dir = tiny_model_dir(tmp_path / "student")
    student = TriageModel.from_pretrained(student_dir)
    predictor = Predictor(student.config, Predictor.load(student_dir).tokenizer, TorchBackend(student))
    targets = teacher_scores(teacher, UNLABELLED)
    none = Examples([], np.zeros((0, 12), np.float32), np.zeros(0, np.float32), *[np.zeros(0, np.int64)] * 2)
    examples = distillation_examples(none, TeacherScores(*(np.zeros((0, w)) for w in (12, 3, 3))),
                                     UNLABELLED, targets)  # fmt: skip

    def distance() -> float:
        probs = probabilities(student.config, predictor.logits(UNLABELLED))
        return float(np.abs(probs["complaint"] - targets.complaint).mean())

    before = distance()
    args = TrainingArguments(
        data=tmp_path, base_model="navec-bert", epochs=8, head_learning_rate=0.05, word_dropout=0.0
    )
    train_model(student, predictor.tokenizer, examples, args, lambda _: -distance())
    assert distance() < 0.5 * before
    assert (tmp_path / "cache" / "teacher-scores").is_dir()  # the teacher's pass is cached


def test_the_teacher_scores_each_text_once_across_students(tmp_path, monkeypatch):
    from nlp.predictor import Predictor
    from training.distillation import teacher_scores

    monkeypatch.setenv("TRIAGE_CACHE", str(tmp_path / "cache"))
    teacher = teacher_dir(tmp_path / "teacher")
    scored: list[str] = []
    logits = Predictor.logits
    counting = lambda self, texts, *a: scored.extend(texts) or logits(self, texts, *a)  # noqa: E731
    monkeypatch.setattr(Predictor, "logits", counting)
    first = teacher_scores(teacher, UNLABELLED[:10])
    smoke = len(scored) - 10  # the load's smoke prediction
    again = teacher_scores(teacher, UNLABELLED[5:20])
    assert len(scored) == 2 * smoke + 20 and scored[-10:] == UNLABELLED[10:20]  # only the new texts
    np.testing.assert_allclose(again.complaint[:5], first.complaint[5:])
    assert again.complaint.shape == (15, 12) and again.sentiment.shape == again.urgency.shape == (15, 3)


def test_distil_writes_a_student_whose_card_names_its_teacher(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIAGE_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    for name, count in (("train", 48), ("dev", 16)):
        lines = (TICKETS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()[:count]
        (data / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    texts = tmp_path / "texts.txt"
    texts.write_text("\n".join(UNLABELLED) + "\n", encoding="utf-8")
    teacher, out = teacher_dir(tmp_path / "teacher"), tmp_path / "student"
    command = ["distil", "--teacher", str(teacher), "--out", str(out), "--data", str(data)]
    result = runner.invoke(app, [*command, "--unlabelled", str(texts), "--epochs", "1"])
    assert result.exit_code == 0, result.output
    assert "48 labelled + 40 unlabelled" in result.output
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f"| teacher | tiny-teacher ({teacher}) |" in card
    assert "| unlabelled texts | 40 from" in card


def test_distil_from_a_folder_that_is_not_a_model_exits_2(tmp_path):
    result = runner.invoke(app, ["distil", "--teacher", str(tmp_path), "--out", str(tmp_path / "s")])
    assert result.exit_code == 2 and "config.json" in result.output


@pytest.mark.parametrize(("teacher_extras", "expected"), [([], [0, 1, 0]), (["sentirueval2015"], None)])
def test_distilled_keeps_the_gold_of_an_extra_only_when_the_teacher_never_learned_it(
    tmp_path, monkeypatch, teacher_extras, expected
):
    """The wiring: `distilled` looks up the teacher's recipe and passes it to the targets."""
    import json

    from rich.console import Console

    from nlp.config import TriageConfig
    from training.arguments import TrainingArguments
    from training.train import distilled

    monkeypatch.setenv("TRIAGE_CACHE", str(tmp_path / "cache"))
    teacher = teacher_dir(tmp_path / "teacher")
    (teacher / "training_args.json").write_text(json.dumps({"extra": teacher_extras}), encoding="utf-8")
    texts = tmp_path / "texts.txt"
    texts.write_text("\n".join(UNLABELLED[:4]) + "\n", encoding="utf-8")
    no_labels = np.zeros((1, 12), np.float32)
    corpus = Examples(["курьер опоздал"], no_labels, np.ones(1, np.float32), np.array([0]), np.array([1]))
    tweet = Examples(["банк молодец"], no_labels, np.zeros(1, np.float32), np.array([1]), np.array([IGNORE]))
    args = TrainingArguments(data=tmp_path, base_model="navec-bert", teacher=teacher, unlabelled=[texts])
    splits = {"train": corpus, "dev": corpus}
    examples, _ = distilled(
        args, Examples.concatenate([corpus, tweet]), splits, {"sentirueval2015": tweet},
        TriageConfig.from_pretrained(teacher).complaint_labels, Console(quiet=True),
    )  # fmt: skip
    on_tweet = examples.sentiment[1]
    if expected is not None:
        np.testing.assert_allclose(on_tweet, expected)  # gold alone: neutral
    else:
        assert not np.allclose(on_tweet, [0, 1, 0])  # gold mixed with the teacher's scores
        assert on_tweet[1] >= 0.5
