"""The report page end to end in headless Debian Chromium: it opens from a file with no network,
a click on the planted spike's bar shows its messages, and the filters act on what is shown."""

import pytest

from serve.tagging.report import render_report
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, CRASH, SPIKE_DAY, planted

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install chromium`; CI does)")
    from playwright.sync_api import sync_playwright

    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(planted(), ["app_issue", "payment_issue"]), encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1300, "height": 1000})
        requests = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        yield page
        assert errors == [] and [url for url in requests if not url.startswith("file:")] == []
        browser.close()


def test_clicking_the_spike_bar_shows_its_messages_with_evidence(page):
    chart = page.locator(".small[data-label=app_issue]")
    assert page.locator(".small h3").first.text_content() == "сбой сайта или приложения — 15"
    bars = chart.locator("g.point path")
    spike = bars.nth(15)  # one bar per day, the planted spike on day 15
    spike.click(force=True)
    page.wait_for_selector("#drill:not([hidden])")
    assert page.text_content("#drill-title").startswith(f"сбой сайта или приложения, {SPIKE_DAY}: 6 messages")
    items = page.locator("#drill-list li")
    assert items.count() == 6
    assert items.first.locator(".text").text_content() == CRASH
    assert items.first.locator("mark.evidence").all_text_contents() == ["вылетает"]
    assert "проблема с оплатой" in items.first.text_content()


def test_the_channel_filter_narrows_the_spike_and_the_charts(page):
    page.locator("tr.spike").first.click()
    assert page.locator("#drill-list li").count() == 6
    page.locator("#channel-filter input[value=email]").uncheck()
    assert page.locator("#drill-list li").count() == 4  # the two e-mails are filtered out
    assert page.locator(".small h3").first.text_content() == "сбой сайта или приложения — 13"
    page.locator("#channel-filter input[value=email]").check()
    page.locator("#label-filter input[value=app_issue]").uncheck()
    assert page.locator(".small[data-label=app_issue]").count() == 0
    assert page.locator("#change tr[data-label=payment_issue]").count() == 1
    page.locator("#label-filter input[value=app_issue]").check()
