"""The web page end to end: headless Debian Chromium (Playwright) against a server on localhost."""

import socket
import threading
import time

import httpx
import pytest

from nlp.labels import COMPLAINT_LABELS
from nlp.prediction import Entity, Evidence
from serve.api.deps import get_predictor
from serve.api.main import create_app
from serve.api.settings import Settings
from tests.helpers import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

MESSAGE = "😡 Заказ 190460 опять опоздал! <img src=x onerror=window.__xss=1> пишите на a@b.ru"


class WithFindings:
    """The tiny model's records, plus an entity and an evidence phrase at known offsets."""

    def __init__(self, predictor) -> None:
        self.predictor, self.config, self.version = predictor, predictor.config, predictor.version

    def predict(self, texts, batch_size=64, ids=None, evidence=False):
        records = self.predictor.predict(texts, batch_size, ids, evidence=evidence)
        for text, record in zip(texts, records, strict=True):
            if (at := text.find("190460")) >= 0:  # offsets in code points, as Python counts them
                record.entities = [Entity(type="order_number", text="190460", start=at, end=at + 6)]
            if (at := text.find("опоздал")) >= 0:
                phrase = Evidence(text="опоздал", start=at, end=at + 7, weight=0.3)
                record.evidence = {"late_delivery": [phrase]}
        return records


@pytest.fixture(scope="module")
def server(tiny_model):
    """Base URL of a real uvicorn server in a background thread, on a free localhost port."""
    import uvicorn

    from nlp import Predictor

    predictor = WithFindings(Predictor.load(tiny_model))
    app = create_app(Settings(model_dir=None))
    app.dependency_overrides[get_predictor] = lambda: predictor
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install chromium`; CI does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    page = browser.new_page()
    page.goto(server + "/")
    yield page
    page.close()


def test_a_message_shows_labels_sentiment_urgency_flag_and_highlights(page, server):
    expected = httpx.post(server + "/v1/classify", json={"text": MESSAGE}).json()
    page.fill("#text", MESSAGE)
    page.click("#classify")
    page.wait_for_selector("#result:not([hidden])")
    page.wait_for_selector("#labels .bar")
    bars = page.locator("#labels .bar")
    assert bars.count() == len(COMPLAINT_LABELS)
    on = sorted(page.locator("#labels .bar.on").evaluate_all("rows => rows.map(r => r.dataset.label)"))
    assert on == sorted(expected["labels"])
    assert page.text_content("#sentiment") == expected["sentiment"]
    assert page.text_content("#urgency") == expected["urgency"]
    assert page.text_content("#gauge-value") == f"{expected['urgency_score']:.2f}"
    assert page.text_content("#flag") == ("yes" if expected["retention_flag"] else "no")
    assert page.locator("#sentiments .bar").count() == 3
    # highlights land on the right characters although an emoji precedes them
    assert page.locator("#message mark.entity").all_text_contents() == ["190460"]
    assert page.locator("#message mark.evidence").all_text_contents() == ["опоздал"]
    assert page.text_content("#message") == MESSAGE  # the text itself, markup shown as text
    assert page.evaluate("window.__xss") is None
    assert "order_number: 190460" in page.text_content("#details")
    assert "late_delivery: «опоздал»" in page.text_content("#details")


def test_an_empty_message_shows_the_error(page):
    page.fill("#text", "   ")
    page.click("#classify")
    page.wait_for_function("document.getElementById('error').textContent.length > 0")
    assert "text is empty" in page.text_content("#error")
    assert page.locator("#result").is_hidden()


def test_examples_classify_on_click(page):
    page.locator("button.example").first.click()
    page.wait_for_selector("#result:not([hidden])")
    assert page.text_content("#message") == page.locator("button.example").first.text_content()
    assert page.text_content("#notes").startswith("language: ru")
