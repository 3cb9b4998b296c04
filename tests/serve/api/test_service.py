"""The classification service through TestClient, with the tiny model injected as a dependency."""

import json
import logging
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from nlp.labels import COMPLAINT_LABELS
from nlp.predictor import Predictor
from serve.api.deps import get_predictor
from serve.api.logging import JsonFormatter
from serve.api.main import create_app
from serve.api.settings import Settings
from tests.helpers import HeadsOnly


@pytest.fixture(scope="module")
def predictor(tiny_model):
    from nlp import Predictor

    return Predictor.load(tiny_model)


@pytest.fixture
def serve(predictor):
    """serve(**settings) -> a TestClient on an app whose predictor is the tiny model."""
    clients = []

    def start(**settings) -> TestClient:
        app = create_app(Settings(model_dir=None, **settings))
        app.dependency_overrides[get_predictor] = lambda: predictor
        client = TestClient(app)
        clients.append(client.__enter__())
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(serve):
    return serve()


def test_classify_returns_the_one_record(client):
    response = client.post("/v1/classify", json={"id": "t-1", "text": "курьер опоздал !"})
    assert response.status_code == 200
    record = response.json()
    assert record["id"] == "t-1" and record["model_version"] == "tiny-test" and record["error"] is None
    assert set(record["scores"]) == set(COMPLAINT_LABELS)
    assert record["labels"] == [name for name in COMPLAINT_LABELS if record["scores"][name] >= 0.5]
    assert record["sentiment"] in record["sentiment_scores"] and 0 <= record["urgency_score"] <= 1
    assert record["language"] == "ru" and record["truncated"] is False
    assert isinstance(record["entities"], list) and isinstance(record["evidence"], dict)
    assert response.headers["x-request-id"]


def test_batch_keeps_order_and_matches_single_calls(client):
    texts = ["заказ", "приложение вылетает , деньги не вернули ?", "zakaz ne prishel", "спасибо"]
    items = [{"id": f"m{i}", "text": text} for i, text in enumerate(texts)]
    response = client.post("/v1/classify/batch", json={"items": items})
    assert response.status_code == 200
    records = response.json()["items"]
    assert [record["id"] for record in records] == ["m0", "m1", "m2", "m3"]
    assert [record["language"] for record in records] == ["ru", "ru", "translit", "ru"]
    for text, record in zip(texts, records, strict=True):
        single = client.post("/v1/classify", json={"text": text}).json()
        assert single["scores"] == pytest.approx(record["scores"], abs=1e-4)


def test_entities_always_and_evidence_by_default_for_one_message(client):
    text = "Курьер опоздал на 3 дня, перезвоните +7 916 123-45-67, верните деньги !"
    plain = client.post("/v1/classify?evidence=false", json={"text": text}).json()
    assert "phone" in [entity["type"] for entity in plain["entities"]] and plain["evidence"] == {}
    for entity in plain["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    explained = client.post("/v1/classify", json={"text": text}).json()
    assert explained["labels"] == plain["labels"] and explained["evidence"]
    assert set(explained["evidence"]) <= {*plain["labels"], "urgency"}
    for phrases in explained["evidence"].values():
        assert all(text[p["start"] : p["end"]] == p["text"] for p in phrases)
    batch = client.post("/v1/classify/batch?evidence=true", json={"items": [{"text": text}]}).json()
    assert batch["items"][0]["evidence"] == explained["evidence"]


INVALID = [
    ("empty text", {"text": ""}, ["body", "text"]),
    ("blank text", {"text": " \n\t "}, ["body", "text"]),
    ("text missing", {"id": "x"}, ["body", "text"]),
    ("text null", {"text": None}, ["body", "text"]),
    ("text a number", {"text": 42}, ["body", "text"]),
    ("text a list", {"text": ["заказ"]}, ["body", "text"]),
    ("id a number", {"text": "заказ", "id": 7}, ["body", "id"]),
    ("unknown field", {"text": "заказ", "priority": 1}, ["body", "priority"]),
    ("a list, not an object", ["заказ"], ["body"]),
]


@pytest.mark.parametrize(("case", "body", "where"), INVALID, ids=[case for case, *_ in INVALID])
def test_invalid_messages_are_422_with_a_clear_json_error(client, case, body, where):
    response = client.post("/v1/classify", json=body)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["error"] == "invalid request"
    assert where in [detail["loc"] for detail in error["detail"]]
    assert all(set(detail) == {"loc", "msg", "type"} for detail in error["detail"])  # input not echoed


@pytest.mark.parametrize(
    "raw",
    [b"not json", b'{"text": "\xd0\xb7', b"\xff\xfe\x00", b"[" * 50_000, b'{"text": "a",}'],
    ids=["words", "cut short", "not utf-8", "nested too deep", "trailing comma"],
)
def test_bodies_that_are_not_json_are_422(client, raw):
    response = client.post("/v1/classify", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == "body is not valid JSON"


@pytest.mark.parametrize("value", ["\ud800 заказ", "заказ \udfff", "\udfff", "\ud83d"])
def test_lone_surrogates_never_reach_the_tokenizer(client, value):
    for body in ({"text": value}, {"text": "заказ", "id": value}):
        raw = json.dumps(body)  # valid JSON (ASCII escapes), yet not encodable text
        response = client.post("/v1/classify", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code in (200, 422), response.text


def test_a_body_without_a_json_content_type_is_422(client):
    headers = {"Content-Type": "text/plain"}
    response = client.post("/v1/classify", content='{"text": "заказ"}', headers=headers)
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"items": []}, ["body", "items"]),
        ({"items": "заказ"}, ["body", "items"]),
        ({"items": [{"text": "заказ"}, {"text": ""}]}, ["body", "items", 1, "text"]),
        ({"items": [{"text": "заказ"}, "заказ"]}, ["body", "items", 1]),
        ({"texts": ["заказ"]}, ["body", "items"]),
    ],
)
def test_invalid_batches_are_422_and_point_at_the_item(client, body, where):
    response = client.post("/v1/classify/batch", json=body)
    assert response.status_code == 422
    assert where in [detail["loc"] for detail in response.json()["detail"]]


def test_limits_are_413(serve, predictor):
    client = serve(max_text_chars=20, max_batch_items=3, max_body_bytes=2_000)
    assert client.post("/v1/classify", json={"text": "з" * 20}).status_code == 200
    too_long = client.post("/v1/classify", json={"text": "з" * 21})
    assert too_long.status_code == 413 and "at most 20" in too_long.json()["error"]
    items = [{"text": "заказ"}] * 4
    assert client.post("/v1/classify/batch", json={"items": items[:3]}).status_code == 200
    assert client.post("/v1/classify/batch", json={"items": items}).status_code == 413
    strict = serve(max_evidence_items=2)  # evidence from token terms: no lower limit, on by default
    explained = strict.post("/v1/classify/batch", json={"items": items[:3]})
    assert explained.status_code == 200 and all(r["evidence"] for r in explained.json()["items"])
    app = create_app(Settings(model_dir=None, max_evidence_items=2))
    occluding = Predictor(predictor.config, predictor.tokenizer, HeadsOnly(predictor.backend))
    app.dependency_overrides[get_predictor] = lambda: occluding
    with TestClient(app) as occlusion:
        assert occlusion.post("/v1/classify/batch", json={"items": items[:3]}).status_code == 200
        explained = occlusion.post("/v1/classify/batch?evidence=true", json={"items": items[:3]})
        assert explained.json() == {"error": "3 items; at most 2 items with evidence per request"}
    long_item = client.post("/v1/classify/batch", json={"items": [{"text": "заказ"}, {"text": "з" * 21}]})
    assert long_item.status_code == 413 and "items[1].text" in long_item.json()["error"]
    huge = client.post("/v1/classify", json={"text": "з" * 5_000})
    assert huge.status_code == 413 and huge.json() == {"error": "request body over 2000 bytes"}
    streamed = client.post(
        "/v1/classify",
        content=iter([b'{"text": "', b"a" * 1_500, b"a" * 1_500, b'"}']),  # chunked: no Content-Length
        headers={"Content-Type": "application/json"},
    )
    assert streamed.status_code == 413 and streamed.json() == {"error": "request body over 2000 bytes"}


@pytest.mark.parametrize(
    "text",
    ["\x00\x01", "😡" * 50, "<script>alert(1)</script>", "ЗАКАЗ!!!" * 200, "١٢٣ قبول", "\u200b."],
    ids=["control characters", "emoji", "markup", "long caps", "arabic", "zero width"],
)
def test_odd_texts_are_classified_not_crashed(client, text):
    response = client.post("/v1/classify", json={"text": text})
    assert response.status_code == 200
    assert response.json()["language"] in ("ru", "translit", "other")


def test_non_russian_texts_carry_their_language_flag(client):
    texts = ["Where is my order?", "kurier opozdal", "курьер опоздал"]
    items = [{"text": text} for text in texts]
    records = client.post("/v1/classify/batch", json={"items": items}).json()["items"]
    assert [record["language"] for record in records] == ["other", "translit", "ru"]


def test_api_key_guards_every_v1_route_and_metrics_only(serve):
    client = serve(api_key="s3cret")
    body = {"text": "заказ"}
    refused = client.post("/v1/classify", json=body)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert refused.json() == {"error": "a valid API key is required"}
    for headers, expected in [
        ({"X-API-Key": "wrong"}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": "Basic s3cret"}, 401),
        ({"X-API-Key": "s3cret"}, 200),
        ({"Authorization": "Bearer s3cret"}, 200),
    ]:
        assert client.post("/v1/classify", json=body, headers=headers).status_code == expected, headers
    assert client.post("/v1/classify/batch", json={"items": [body]}).status_code == 401
    assert client.get("/v1/model").status_code == 401
    assert client.get("/v1/model", headers={"X-API-Key": "s3cret"}).status_code == 200
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    for open_path in ("/healthz", "/readyz", "/"):
        assert client.get(open_path).status_code == 200, open_path


def test_without_a_key_v1_is_open(client):
    assert client.post("/v1/classify", json={"text": "заказ"}).status_code == 200
    assert client.get("/v1/model").status_code == 200


def test_health_and_readiness():
    with TestClient(create_app(Settings(model_dir=None))) as client:  # no model: alive, not ready
        assert client.get("/healthz").json()["status"] == "alive"
        not_ready = client.get("/readyz")
        assert not_ready.status_code == 503 and not_ready.json() == {"error": "the model is not loaded"}
        assert client.post("/v1/classify", json={"text": "заказ"}).status_code == 503


def test_the_model_is_loaded_in_the_lifespan_not_before(tiny_model):
    app = create_app(Settings(model_dir=tiny_model, backend="torch"))
    assert app.state.predictor is None
    with TestClient(app) as client:
        assert client.get("/readyz").json() == {"status": "ready", "model_version": "tiny-test"}
        assert client.post("/v1/classify", json={"text": "заказ"}).status_code == 200


def test_model_information(client, predictor):
    info = client.get("/v1/model").json()
    assert info["model_version"] == "tiny-test" and info["labels"] == list(COMPLAINT_LABELS)
    assert info["thresholds"] == predictor.config.label_thresholds
    assert info["flag_threshold"] == predictor.config.flag_threshold and info["metrics"] == {}


def test_metrics_count_requests_labels_flags_and_batches(client):
    texts = ["заказ", "курьер опоздал !", "приложение вылетает", "спасибо", "деньги не вернули ?"]
    records = [client.post("/v1/classify", json={"text": text}).json() for text in texts]
    client.post("/v1/classify", json={"text": ""})
    batch = {"items": [{"text": text} for text in texts[:2]]}
    records += client.post("/v1/classify/batch", json=batch).json()["items"]
    exposed = client.get("/metrics")
    assert exposed.status_code == 200 and exposed.headers["content-type"].startswith("text/plain")
    values = _samples(exposed.text)
    series = '{method="POST",route="/v1/classify",status="%d"}'
    assert values["triage_requests_total" + series % 200] == 5
    assert values["triage_requests_total" + series % 422] == 1
    assert values["triage_request_duration_seconds_count" + series % 200] == 5
    for label in COMPLAINT_LABELS:
        predicted = sum(label in record["labels"] for record in records)
        assert values.get(f'triage_predictions_total{{label="{label}"}}', 0) == predicted
    assert values["triage_flagged_messages_total"] == sum(record["retention_flag"] for record in records)
    assert values["triage_messages_total"] == 7 and values["triage_batch_size_sum"] == 7
    assert values["triage_batch_request_items_sum"] == 2


def test_every_app_has_its_own_metrics(serve):
    first, second = serve(), serve()
    first.post("/v1/classify", json={"text": "заказ"})
    assert "triage_messages_total 1.0" in first.get("/metrics").text
    assert "triage_messages_total 0.0" in second.get("/metrics").text


@pytest.fixture
def log_lines():
    """JSON lines the service's loggers write (they do not propagate to pytest's caplog)."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("triage")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


SECRET = "Курьер нахамил, перезвоните +7 (916) 123-45-67 или ivan.petrov@mail.ru, карта 4276 3800 1234 5678"


def test_access_log_is_json_and_never_holds_the_text(client, log_lines):
    client.post("/v1/classify", json={"text": SECRET, "id": "m-1"})
    client.post("/v1/classify", json={"text": "", "id": "m-2"})
    access = [json.loads(line) for line in log_lines if '"triage.access"' in line]
    assert [(a["route"], a["status"]) for a in access] == [("/v1/classify", 200), ("/v1/classify", 422)]
    assert all(a["method"] == "POST" and a["duration_ms"] >= 0 and a["request_id"] for a in access)
    assert not any("Курьер" in line or "916" in line or "mail.ru" in line for line in log_lines)


def test_texts_logged_on_request_are_masked(serve, log_lines):
    client = serve(log_text=True)
    client.post("/v1/classify", json={"text": SECRET, "id": "m-1"})
    (message,) = [json.loads(line) for line in log_lines if '"triage.messages"' in line]
    assert message["id"] == "m-1" and message["text"].startswith("Курьер нахамил")
    assert "[PHONE]" in message["text"] and "[EMAIL]" in message["text"] and "[CARD]" in message["text"]
    assert not any(secret in message["text"] for secret in ("123-45-67", "ivan.petrov", "1234 5678"))


def test_cors_origins_are_configurable(serve):
    client = serve(cors_origins=["https://desk.example"])
    preflight = {"Origin": "https://desk.example", "Access-Control-Request-Method": "POST"}
    allowed = client.options("/v1/classify", headers=preflight)
    assert allowed.headers["access-control-allow-origin"] == "https://desk.example"
    other = client.options("/v1/classify", headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_an_unknown_backend_is_refused_when_settings_are_read(monkeypatch):
    monkeypatch.setenv("TRIAGE_BACKEND", "tensorflow")
    with pytest.raises(ValueError, match="backend"):
        Settings()


def test_the_service_reads_the_model_variable_every_command_reads(monkeypatch, tmp_path):
    monkeypatch.delenv("TRIAGE_MODEL_DIR", raising=False)
    monkeypatch.setenv("TRIAGE_MODEL", str(tmp_path / "a"))
    assert Settings().model_dir == tmp_path / "a"
    monkeypatch.delenv("TRIAGE_MODEL")
    monkeypatch.setenv("TRIAGE_MODEL_DIR", str(tmp_path / "older-name"))
    assert Settings().model_dir == tmp_path / "older-name"


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRIAGE_MODEL", str(tmp_path))
    monkeypatch.setenv("TRIAGE_API_KEY", "sesame-42")
    monkeypatch.setenv("TRIAGE_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("TRIAGE_MAX_TEXT_CHARS", "500")
    settings = Settings()
    assert settings.model_dir == tmp_path and settings.api_key.get_secret_value() == "sesame-42"
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.max_text_chars == 500 and settings.max_batch_items == 256
    assert "sesame" not in repr(settings)


def test_the_page_is_served(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'id="text"' in page.text and "/v1/classify" in page.text and "<script src" not in page.text


def test_openapi_documents_the_routes(client):
    schema = client.get("/openapi.json").json()
    assert {"/v1/classify", "/v1/classify/batch", "/v1/model", "/healthz", "/readyz", "/metrics"} <= set(
        schema["paths"]
    )
    assert {"413", "422", "401"} <= set(schema["paths"]["/v1/classify"]["post"]["responses"])
    assert client.get("/docs").status_code == 200


def test_serve_command_refuses_a_missing_model(tmp_path):
    from typer.testing import CliRunner

    from serve.cli import app

    result = CliRunner().invoke(app, ["serve", "--model", str(tmp_path / "none")], env={"COLUMNS": "300"})
    assert result.exit_code == 2 and "not a model directory" in result.output


def _samples(text: str) -> dict[str, float]:
    """Prometheus exposition lines as {series: value}."""
    pairs = (line.rsplit(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {series: float(value) for series, value in pairs}


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("req-42_a.b", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("+7 916 123-45-67", False),
        ("звонок", False),
        ("id\nforged line", False),
    ],
)
def test_request_ids_are_kept_only_when_short_and_plain(client, log_lines, given, kept):
    response = client.get("/healthz", headers={"X-Request-ID": given.encode("utf-8")})
    (access,) = [json.loads(line) for line in log_lines if '"triage.access"' in line]
    assert response.headers["x-request-id"] == access["request_id"]
    if kept:
        assert access["request_id"] == given
    else:
        assert len(access["request_id"]) == 32 and given not in "".join(log_lines)


def test_a_huge_batch_is_refused_with_413_before_its_items_are_validated(client):
    from serve.api.schemas import BatchRequest

    body = json.dumps({"items": [{"text": "a"}] * 500_000}).encode()  # under the 8 MiB body limit
    started = time.perf_counter()
    BatchRequest.model_validate(json.loads(body)).items.clear()
    validating = time.perf_counter() - started
    started = time.perf_counter()
    response = client.post("/v1/classify/batch", content=body, headers={"Content-Type": "application/json"})
    refusing = time.perf_counter() - started
    assert response.status_code == 413
    assert response.json() == {"error": "500000 items; at most 256 items per request"}
    assert refusing < validating / 2, (refusing, validating)


def test_a_non_ascii_api_key_is_refused_when_settings_are_read(tiny_model):
    from typer.testing import CliRunner

    from serve.cli import app

    with pytest.raises(ValueError, match="printable ASCII"):
        Settings(api_key="ключ-42")
    environment = {"TRIAGE_API_KEY": "ключ-42", "COLUMNS": "300"}
    result = CliRunner().invoke(app, ["serve", "--model", str(tiny_model)], env=environment)
    assert result.exit_code == 2 and "TRIAGE_API_KEY must be printable ASCII" in result.output


class SlowEvidence:
    """The tiny predictor, with every evidence pass taking `seconds` longer (a heavy message)."""

    def __init__(self, predictor, seconds: float) -> None:
        self.predictor, self.seconds = predictor, seconds
        self.version, self.config = predictor.version, predictor.config

    def predict(self, texts, batch_size=64, ids=None, evidence=False):
        if evidence:
            time.sleep(self.seconds)
        return self.predictor.predict(texts, batch_size, ids, evidence=evidence)


def test_plain_requests_are_answered_while_a_heavy_evidence_request_runs(predictor):
    app = create_app(Settings(model_dir=None, max_evidence_items=1, evidence_lane_texts=1))
    app.dependency_overrides[get_predictor] = lambda: SlowEvidence(predictor, 3.0)
    with TestClient(app) as client, ThreadPoolExecutor(2) as pool:
        heavy = pool.submit(client.post, "/v1/classify", json={"text": "Да. Нет. " * 1_100})
        time.sleep(0.5)  # the heavy request is in its pass
        started = time.perf_counter()
        for _ in range(5):
            answer = client.post("/v1/classify?evidence=false", json={"text": "курьер опоздал"})
            assert answer.status_code == 200
        assert time.perf_counter() - started < 1.5 and not heavy.done()
        busy = client.post("/v1/classify", json={"text": "заказ"})  # the evidence lane is full
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        assert heavy.result().status_code == 200


def broken_copy(model_dir, path, edit) -> str:
    """A copy of the model directory whose config.json `edit` changed in place."""
    shutil.copytree(model_dir, path)
    config = json.loads((path / "config.json").read_text())
    edit(config)
    (path / "config.json").write_text(json.dumps(config))
    return str(path)


def _swap_labels(config):
    labels = config["complaint_labels"]
    labels[0], labels[1] = labels[1], labels[0]


def _fewer_labels(config):
    dropped = config["complaint_labels"].pop()
    del config["label_thresholds"][dropped], config["labels_digest"]


BROKEN = {
    "swapped label names": (_swap_labels, "label lists were changed after training"),
    "a threshold missing": (lambda c: c["label_thresholds"].pop("app_issue"), "missing ['app_issue']"),
    "a threshold unknown": (lambda c: c["label_thresholds"].update(other=0.5), "unknown ['other']"),
    "label count differs": (_fewer_labels, "weights have 12 complaint outputs, config.json names 11"),
    "no format version": (lambda c: c.pop("format_version"), "no format_version"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_config_that_does_not_match_its_weights_is_refused_at_load(tiny_model, tmp_path, case):
    from typer.testing import CliRunner

    from nlp import Predictor
    from nlp.config import ModelFormatError
    from serve.cli import app

    edit, problem = BROKEN[case]
    broken = broken_copy(tiny_model, tmp_path / "model", edit)
    with pytest.raises(ModelFormatError, match=re.escape(problem)):
        Predictor.load(broken)
    result = CliRunner().invoke(app, ["serve", "--model", broken], env={"COLUMNS": "300"})
    assert result.exit_code == 2 and problem in " ".join(result.output.split())
    with TestClient(create_app(Settings(model_dir=broken, backend="torch"))) as service:
        not_ready = service.get("/readyz")
        assert not_ready.status_code == 503 and problem in not_ready.json()["error"]


class NarrowBackend:
    """A backend whose complaint head has one output fewer than the config names (an ONNX export
    of another model, say: there are no weights to read, only outputs)."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def logits(self, input_ids, attention_mask):
        logits = self.backend.logits(input_ids, attention_mask)
        return {**logits, "complaint": logits["complaint"][:, :-1]}


def test_a_model_whose_outputs_do_not_fit_its_config_is_refused_by_a_smoke_prediction(
    tiny_model, monkeypatch
):
    import nlp.predictor
    from nlp.backends import load_backend
    from nlp.config import ModelFormatError

    narrow = lambda *args: NarrowBackend(load_backend(*args))  # noqa: E731
    monkeypatch.setattr(nlp.predictor, "load_backend", narrow)
    with pytest.raises(ModelFormatError, match="model's outputs have 11 complaint outputs"):
        nlp.predictor.Predictor.load(tiny_model, backend="torch")
    with TestClient(create_app(Settings(model_dir=tiny_model, backend="torch"))) as service:
        not_ready = service.get("/readyz")
        assert not_ready.status_code == 503 and "the model cannot predict" in not_ready.json()["error"]
        assert service.post("/v1/classify", json={"text": "заказ"}).status_code == 503
