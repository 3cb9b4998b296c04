"""A team's own taxonomy: a tiny model trained on four telecom labels, and every driver after it.

The model is trained here (a tiny BERT checkpoint built from config, two steps) on a label set
built here; predict, tag, queue, report, evaluate, the model card and the service then use
exactly those four labels and none of the default twelve.
"""

import csv
import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from nlp.labels import COMPLAINT_LABELS
from serve.cli import app
from tests.helpers import ROOT, tiny_checkpoint, write_jsonl

pytestmark = pytest.mark.slow

runner = CliRunner()
TELECOM = {
    "billing_error": [
        "В счёте лишняя сумма",
        "Списали за услугу, которую не подключал",
        "Счёт выставлен дважды",
    ],
    "no_signal": ["Нет связи с утра", "Телефон не ловит сеть дома", "Связь пропадает постоянно"],
    "slow_internet": [
        "Скорость интернета упала",
        "Интернет еле грузит страницы",
        "Мобильный интернет тормозит",
    ],
    "tariff_change": ["Тариф сменили без спроса", "Хочу сменить тариф, не дают", "Подняли цену тарифа"],
}
LABELS = sorted(TELECOM)
CALM = ["Спасибо, всё работает", "Подскажите адрес офиса", "Хорошая связь, довольна"]


def telecom_rows(prefix: str, per_label: int) -> list[dict]:
    rows = [
        {"id": f"{prefix}-{label}-{i}", "text": f"{texts[i % 3]}, номер {i}", "labels": [label],
         "sentiment": "negative", "urgency": "high" if i % 2 else "medium"}
        for label, texts in TELECOM.items() for i in range(per_label)
    ]  # fmt: skip
    calm = [
        {"id": f"{prefix}-calm-{i}", "text": CALM[i % 3], "labels": [], "sentiment": "positive"}
        for i in range(3)
    ]
    return rows + calm


def telecom_folder(folder, train: list[dict] | None = None, dev: list[dict] | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    write_jsonl(folder / "train.jsonl", train or telecom_rows("tr", 6))
    write_jsonl(folder / "dev.jsonl", dev or telecom_rows("dv", 2))
    return folder


LABEL_FILE = """\
labels:
  - name: no_signal
    display: Нет связи
    description: the phone has no network or the connection drops
    examples: ["Нет связи с утра"]
  - name: slow_internet
    display: Медленный интернет
  - name: billing_error
    display: Ошибка в счёте
  - name: tariff_change
    display: Смена тарифа
"""


def train(data, out, base, *options: str):
    command = ["train", "--data", str(data), "--out", str(out), "--base-model", str(base)]
    return runner.invoke(app, [*command, "--max-steps", "2", "--seed", "7", *options], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    texts = [row["text"] for row in telecom_rows("x", 3)]
    return tiny_checkpoint(tmp_path_factory.mktemp("base"), texts)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return telecom_folder(tmp_path_factory.mktemp("telecom"))


@pytest.fixture(scope="module")
def model(data, base, tmp_path_factory):
    out = tmp_path_factory.mktemp("telecom-model")
    result = train(data, out, base)
    assert result.exit_code == 0, result.output
    assert "label set: 4 labels from the training data" in result.output
    assert "no_signal" in result.output and "warning" not in result.output
    return out


def no_default_label_in(text: str) -> bool:
    return not [name for name in COMPLAINT_LABELS if name in text]


def test_the_model_config_carries_exactly_the_data_labels(model):
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    assert config["complaint_labels"] == LABELS and sorted(config["label_thresholds"]) == LABELS
    card = (model / "README.md").read_text(encoding="utf-8")
    assert all(f"| {name} |" in card for name in LABELS) and no_default_label_in(card)
    assert no_default_label_in((model / "metrics.json").read_text(encoding="utf-8"))


def test_predictions_score_exactly_the_model_labels(model):
    from nlp import Predictor

    (record,) = Predictor.load(model).predict(["Скорость интернета упала и связь пропадает"])
    assert list(record.scores) == LABELS and set(record.labels) <= set(LABELS)


def test_tag_queue_and_report_use_the_model_labels(model, tmp_path):
    archive = tmp_path / "archive.csv"
    rows = [{"id": f"m{i}", "customer_id": f"c{i % 3}", "created_at": f"2026-10-{1 + i:02d}",
             "text": text} for i, text in enumerate([*TELECOM["no_signal"], *CALM])]  # fmt: skip
    with archive.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    tagged = tmp_path / "tagged.csv"
    result = runner.invoke(app, ["tag", str(archive), "--model", str(model), "--out", str(tagged)])
    assert result.exit_code == 0, result.output
    header = tagged.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert [name for name in header if name.startswith("score_")] == [f"score_{name}" for name in LABELS]

    queue = tmp_path / "queue.csv"
    assert runner.invoke(app, ["queue", str(tagged), "--out", str(queue)]).exit_code == 0
    columns = queue.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert [name for name in columns if name.startswith("complaints_")] == [f"complaints_{n}" for n in LABELS]

    report = tmp_path / "report.html"
    assert runner.invoke(app, ["report", str(tagged), "--out", str(report)]).exit_code == 0
    page = report.read_text(encoding="utf-8")
    assert all(f"<td>{name}</td>" in page for name in LABELS) and no_default_label_in(page)


def test_evaluate_reports_the_model_labels_and_refuses_foreign_ones(model, data, tmp_path):
    result = runner.invoke(app, ["evaluate", "--model", str(model), "--data", str(data / "dev.jsonl"),
                                 "--report", str(tmp_path / "report")])  # fmt: skip
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text(encoding="utf-8"))
    assert list(metrics["dev"]["complaints"]["per_label"]) == LABELS
    foreign = write_jsonl(
        tmp_path / "shop.jsonl", [{"id": "a", "text": "Заказ опоздал", "labels": ["late_delivery"]}]
    )
    result = runner.invoke(
        app, ["evaluate", "--model", str(model), "--data", str(foreign)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 2 and "late_delivery (1)" in result.output


def test_the_service_schema_page_and_records_follow_the_model(model):
    from serve.api.main import create_app
    from serve.api.settings import Settings

    with TestClient(create_app(Settings(model_dir=model, backend="torch"))) as client:
        info = client.get("/v1/model").json()
        record = client.post("/v1/classify", json={"text": "Нет связи с утра"}).json()
        schema = client.get("/openapi.json").json()
    assert info["labels"] == LABELS and sorted(info["thresholds"]) == LABELS
    assert info["display_names"] == {name: name for name in LABELS} and info["descriptions"] == {}
    assert list(record["scores"]) == LABELS and set(record["evidence"]) <= {*LABELS, "urgency"}
    (example,) = schema["components"]["schemas"]["Prediction"]["examples"]
    assert list(example["scores"]) == LABELS and example["labels"] == LABELS[:1]
    assert no_default_label_in(json.dumps(schema))


def test_a_label_file_fixes_order_and_display_names(data, base, tmp_path):
    label_file = tmp_path / "labels.yaml"
    label_file.write_text(LABEL_FILE, encoding="utf-8")
    result = train(data, tmp_path / "model", base, "--labels", str(label_file))
    assert result.exit_code == 0, result.output
    assert f"label set: 4 labels from {label_file}" in result.output
    config = json.loads((tmp_path / "model" / "config.json").read_text(encoding="utf-8"))
    assert config["complaint_labels"] == ["no_signal", "slow_internet", "billing_error", "tariff_change"]
    assert config["label_info"]["no_signal"] == {
        "display": "Нет связи",
        "description": "the phone has no network or the connection drops",
    }
    assert "| no_signal | Нет связи |" in (tmp_path / "model" / "README.md").read_text(encoding="utf-8")


def with_typo(rows: list[dict]) -> list[dict]:
    rows = [dict(row) for row in rows]
    rows[1]["labels"] = ["biling_error"]
    return rows


def test_a_typo_in_the_data_stops_training_and_names_the_fix(base, tmp_path):
    data = telecom_folder(tmp_path / "data", train=with_typo(telecom_rows("tr", 6)))
    result = train(data, tmp_path / "model", base)
    assert result.exit_code == 2 and not (tmp_path / "model" / "config.json").exists()
    assert (
        "label 'biling_error' has 1 training example(s) and looks like a typo of 'billing_error'"
        in result.output
    )
    assert "--labels FILE" in result.output


def test_a_label_file_and_a_typo_give_a_validation_error_naming_the_line(tmp_path):
    label_file = tmp_path / "labels.yaml"
    label_file.write_text(LABEL_FILE, encoding="utf-8")
    path = write_jsonl(tmp_path / "train.jsonl", with_typo(telecom_rows("tr", 6)))
    result = runner.invoke(app, ["data", "validate", "--labels", str(label_file), str(path)])
    assert result.exit_code == 1
    reason = f"unknown label 'biling_error' (did you mean 'billing_error'? not in {label_file})"
    assert f"{path}:2: labels[0]: {reason}" in result.output
    label_file.write_text("labels:\n  - name: no signal\n", encoding="utf-8")
    result = runner.invoke(app, ["data", "validate", "--labels", str(label_file), str(path)])
    assert result.exit_code == 2 and "labels[0]: name: 'no signal' is not a label name" in result.output


def test_with_a_label_file_training_refuses_labels_it_does_not_declare(base, tmp_path):
    label_file = tmp_path / "labels.yaml"
    label_file.write_text(LABEL_FILE, encoding="utf-8")
    data = telecom_folder(tmp_path / "data", train=with_typo(telecom_rows("tr", 6)))
    result = train(data, tmp_path / "model", base, "--labels", str(label_file))
    assert result.exit_code == 2
    assert f"train: labels outside {label_file}, never dropped silently: biling_error (1)" in result.output


def test_a_label_seen_only_in_dev_is_an_error_not_dropped(base, tmp_path):
    dev = [*telecom_rows("dv", 2), {"id": "dv-x", "text": "Роуминг не работает", "labels": ["roaming"]}]
    result = train(telecom_folder(tmp_path / "data", dev=dev), tmp_path / "model", base)
    assert result.exit_code == 2
    assert (
        "dev: labels outside the training data's label set, never dropped silently: roaming (1)"
        in result.output
    )


def test_the_shipped_telecom_example_validates_against_its_label_file():
    folder = ROOT / "data" / "examples" / "telecom"
    result = runner.invoke(
        app, ["data", "validate", "--labels", str(folder / "labels.yaml"), str(folder / "tickets.jsonl")]
    )
    assert result.exit_code == 0, result.output


def test_queue_and_report_keep_every_label_of_a_tagged_archive(tmp_path):
    tagged = tmp_path / "tagged.csv"
    header = (
        "customer_id,created_at,labels,score_no_signal,score_roaming,sentiment,urgency_score,retention_flag\n"
    )
    tagged.write_text(
        header
        + "c1,2026-10-01,no_signal,0.9,0.1,negative,0.9,True\n"
        + "c1,2026-10-02,no_signal;roaming,0.8,0.7,negative,0.8,True\n"
        + "c2,2026-10-02,hand_added,0.1,0.1,negative,0.6,False\n",
        encoding="utf-8",
    )
    queue = tmp_path / "queue.csv"
    assert runner.invoke(app, ["queue", str(tagged), "--out", str(queue)]).exit_code == 0
    with queue.open(encoding="utf-8") as handle:
        rows = {row["customer_id"]: row for row in csv.DictReader(handle)}
    assert rows["c1"]["open_complaints"] == "no_signal;roaming" and rows["c1"]["complaints_no_signal"] == "2"
    assert rows["c2"]["complaints_hand_added"] == "1" and rows["c2"]["complaints_roaming"] == "0"
    assert [name for name in rows["c1"] if name.startswith("complaints_")] == [
        "complaints_no_signal", "complaints_roaming", "complaints_hand_added",
    ]  # fmt: skip
    report = tmp_path / "report.html"
    assert runner.invoke(app, ["report", str(tagged), "--out", str(report)]).exit_code == 0
    page = report.read_text(encoding="utf-8")
    assert "<td>no_signal</td><td>2</td>" in page and "<td>hand_added</td><td>1</td>" in page
    assert no_default_label_in(page)
