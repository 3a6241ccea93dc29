"""At a phone's width (390 px) no page of a persona scrolls sideways: wide tables scroll inside their box."""

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "admin.central": ["/", "/events/", "/accounts/orders/", "/accounts/leavers/queue/", "/audit/national/",
                      "/accounts/import/", "/audit/rounds/"],
    "reviewer.4701": ["/", "/audit/units/4701/accounts/", "/accounts/change-requests/", "/events/",
                      "/accounts/me/second-factor/", "/accounts/rights/sync/", "/accounts/leavers/",
                      "/accounts/leavers/candidates/", "/accounts/me/tokens/", "/audit/rounds/"],
    "clerk.4701": ["/", "/accounts/me/", "/receipts/", "/receipts/daily-summary/", "/accounts/me/change-requests/",
                   "/receipts/payin-slips/", "/accounts/me/tokens/"],
}


@pytest.mark.parametrize("username", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(journey: Journey, username):
    page = journey.page
    page.set_viewport_size({"width": 390, "height": 844})
    journey.login(username)
    wide = []
    for path in PAGES[username]:
        journey.goto(path)
        journey.check(f"{username}-{path.strip('/').replace('/', '-') or 'home'}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"{path}: {width}px")
    if username == "clerk.4701":  # one object's page: a pay-in slip's facts beside their long labels
        journey.goto("/receipts/payin-slips/")
        page.locator("main table a[href*='/receipts/payin-slips/']").first.click()
        page.wait_for_load_state()
        journey.check(f"{username}-payin-slip")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"{page.url}: {width}px")
    assert not wide, wide

    # The header's menu is folded behind one button, which opens it.
    nav = page.get_by_role("navigation", name="เมนูหลัก")
    toggle = page.get_by_role("banner").get_by_role("button", name="เมนู")
    assert not nav.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    journey.check(f"{username}-menu-open")
    nav.get_by_role("link", name="หน้าหลัก").click()
    journey.check(f"{username}-home-from-menu")
    assert page.url.rstrip("/") == journey.base_url
    page.set_viewport_size({"width": 1280, "height": 900})
    assert nav.is_visible() and not toggle.is_visible()  # on a desk the menu is always open
    journey.finish()
