"""A reviewer's first login in the browser: activation from the emailed link (no password handed out), enrolment of
the second factor, the code after the password, a wrong code refused, three locking the account; a clerk without a
device logs in as before."""

import re
from base64 import b32decode

import pytest

from tests.browser.journey import Journey, second_factor_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "ม้าลาย-กินหญ้า-7391"


def test_reviewer_enrols_logs_in_with_the_code_and_locks_after_three_wrong(journey: Journey):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from events.models import Event
    from rights.scope import cached_account_rights
    from signin.activation import activation_issue

    # A new reviewer: no password, no device. The province reviewer issues the activation link.
    account = User.objects.get(username="reviewer.4701")
    account.set_unusable_password()
    account.email = "reviewer.4701@dopa.go.th"
    account.save()
    TOTPDevice.objects.filter(user=account).delete()
    province = User.objects.get(username="reviewer.47")
    issued = activation_issue(account=account, actor=province, channel="email", base_url=journey.base_url,
                              scope=cached_account_rights(province).scope_for("menu_review_accounts"))
    page = journey.page
    main = page.get_by_role("main")
    nav = page.get_by_role("navigation", name="เมนูหลัก")

    journey.goto(f"/activate/{issued.secret}/")
    journey.check("activate-from-link")
    main.get_by_label("รหัสผ่านใหม่", exact=True).fill(PASSWORD)
    main.get_by_label("ยืนยันรหัสผ่านใหม่", exact=True).fill(PASSWORD)
    main.get_by_role("button", name="ตั้งรหัสผ่านและเข้าสู่ระบบ").click()
    assert "/accounts/me/second-factor/" in page.url
    journey.check("must-enrol")
    assert "ท่านจะใช้เมนูต่าง ๆ ได้หลังลงทะเบียน" in main.inner_text()
    assert not nav.get_by_role("link", name="ตรวจสอบสิทธิ์").count()
    assert main.get_by_role("img", name="คิวอาร์โค้ดสำหรับลงทะเบียนแอปยืนยันตัวตน").is_visible()
    journey.goto("/audit/")  # any other page sends the reviewer back
    assert "/accounts/me/second-factor/" in page.url
    journey.check("sent-back")

    # The phone's app, scanning by hand: the secret as the page prints it.
    secret = re.sub(r"\s", "", main.locator("code.secret").inner_text())
    app = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
    main.get_by_label("รหัสยืนยันตัวตน").fill("000000" if app.token() != 0 else "111111")
    main.get_by_role("button", name="ยืนยันการลงทะเบียน").click()
    journey.check("enrol-wrong-code")
    assert "รหัสไม่ตรงกับแอป" in main.inner_text()
    main.get_by_label("รหัสยืนยันตัวตน").fill(f"{app.token():06d}")
    main.get_by_role("button", name="ยืนยันการลงทะเบียน").click()
    journey.check("backup-codes")
    codes = main.locator("ol.backup-codes code").all_inner_texts()
    assert len(codes) == 10
    main.get_by_role("link", name="เก็บรหัสแล้ว ไปต่อ").click()
    journey.check("home-after-enrolment")
    assert nav.get_by_role("link", name="ตรวจสอบสิทธิ์").is_visible()
    journey.logout()

    # The next login asks the code; a wrong one is refused with the tries left.
    journey.goto("/login/")
    journey.check("login")
    journey.fill_login("reviewer.4701", PASSWORD, second_factor=False)
    assert page.url.endswith("/login/verify/")
    journey.check("login-verify")
    main.get_by_label("รหัสยืนยันตัวตน").fill("123456" if second_factor_code("reviewer.4701") != "123456" else "654321")
    main.get_by_role("button", name="ยืนยัน", exact=True).click()
    journey.check("wrong-code")
    assert "ใส่รหัสผิดได้อีก 2 ครั้ง" in main.inner_text()
    journey.fill_code(second_factor_code("reviewer.4701"))
    journey.check("logged-in")
    assert nav.get_by_role("link", name="ตรวจสอบสิทธิ์").is_visible()
    journey.logout()

    # Three wrong codes lock the account, as three wrong passwords do.
    journey.goto("/login/")
    journey.fill_login("reviewer.4701", PASSWORD, second_factor=False)
    for attempt in range(3):
        journey.fill_code(f"00000{attempt}")
    journey.check("locked")
    assert main.get_by_role("heading", name="บัญชีถูกล็อก").is_visible()
    journey.goto("/login/")
    journey.fill_login("reviewer.4701", PASSWORD, second_factor=False)
    journey.check("still-locked")
    assert main.get_by_role("heading", name="บัญชีถูกล็อก").is_visible()
    assert Event.objects.filter(action="accounts.second_factor.enrolled").count() == 1
    assert Event.objects.filter(action="accounts.login.locked", target_label="reviewer.4701").count() >= 1

    # A clerk has no device and is asked nothing more.
    journey.login("clerk.4701")
    assert page.url.rstrip("/") == journey.base_url
    journey.check("clerk-home")
    journey.finish()
