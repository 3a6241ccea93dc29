"""The docs pages really render in Chromium under the site's CSP ('self' only): no blocked script or style."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, make_account):
    """Log in through a session made by Django's test client: the login form is not what is tested here."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(make_account("ISV_USER"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def _collect_csp_violations(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    return problems


def test_swagger_ui_renders_every_operation_under_the_csp(page, live_server, make_account):
    _login(page, live_server, make_account)
    problems = _collect_csp_violations(page)
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/me/" in paths and "/api/v1/audit/" in paths
    page.locator(".opblock-summary-path", has_text="/api/v1/me/").click()
    page.click("text=Try it out")
    page.click("button.execute")
    page.wait_for_selector(".live-responses-table tbody .response-col_status", timeout=15000)
    assert "200" in page.locator(".live-responses-table tbody .response-col_status").first.inner_text()
    assert problems == []
