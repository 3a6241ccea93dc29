"""The docs page really renders in Chromium under the site's CSP ('self' only): no blocked script or style."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import missing_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = {
    "executable_path": "/usr/bin/chromium",
    "args": ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
}


@pytest.fixture
def chromium_page():
    """A page in Debian's Chromium, with Playwright started and stopped inside the test (its event loop with it)."""
    from playwright import sync_api

    if not Path(CHROMIUM["executable_path"]).exists():
        missing_service(f"needs Debian's Chromium at {CHROMIUM['executable_path']} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(**CHROMIUM)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_swagger_ui_renders_every_operation_under_the_csp(live_server, make_account, chromium_page):
    page = chromium_page
    client = Client()
    client.force_login(make_account("ISV_USER"))  # the login form is not what is tested here
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))

    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {"/api/v1/me/", "/api/v1/audit/", "/api/v1/receipts/"} <= set(paths)
    page.locator(".opblock-summary-path", has_text="/api/v1/me/").click()
    page.click("text=Try it out")
    page.click("button.execute")
    page.wait_for_selector(".live-responses-table tbody .response-col_status", timeout=15000)
    assert "200" in page.locator(".live-responses-table tbody .response-col_status").first.inner_text()
    assert problems == []
