"""Three wrong passwords lock an account (the Linkage Center rule); then even the right one is refused."""

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_three_wrong_passwords_lock_the_account(journey: Journey):
    from events.models import Event
    from rightsadmin.demo import DEMO_PASSWORD

    page = journey.page
    main = page.get_by_role("main")
    journey.goto("/login/")
    journey.check("login")
    for attempt in (1, 2):
        journey.fill_login("reviewer.4701", f"wrong-password-{attempt}")
        journey.check(f"wrong-password-{attempt}")
        assert main.get_by_role("alert").is_visible()  # asked again, not locked yet

    with page.expect_response(lambda response: response.request.method == "POST") as third:
        journey.fill_login("reviewer.4701", "wrong-password-3")
    assert third.value.status == 429
    journey.check("locked")
    assert main.get_by_role("heading", name="บัญชีถูกล็อก").is_visible()
    assert "ใส่รหัสผ่านผิดครบ 3 ครั้ง" in main.inner_text()

    main.get_by_role("link", name="กลับไปหน้าเข้าสู่ระบบ").click()
    journey.check("login-again")
    journey.fill_login("reviewer.4701", DEMO_PASSWORD)  # the right password does not unlock it
    journey.check("still-locked")
    assert main.get_by_role("heading", name="บัญชีถูกล็อก").is_visible()
    assert not page.get_by_role("navigation", name="เมนูหลัก").is_visible()
    assert Event.objects.filter(action="accounts.login.locked", target_label="reviewer.4701").count() >= 1
    journey.finish()
