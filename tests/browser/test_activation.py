"""Activation in the browser: a district reviewer prints a one-time code for a new account of the office; its holder
sets their own password with it and is in; the code does not work twice."""

import re

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_prints_a_code_and_the_holder_activates(journey: Journey):
    from accounts.models import User

    account = next(a for a in User.objects.filter(registered_unit__code="4701", is_active=True).order_by("pk")
                   if not a.has_usable_password())
    page = journey.page
    main = page.get_by_role("main")

    journey.login("reviewer.4701")
    journey.goto(f"/audit/accounts/{account.pk}/")
    journey.check("account")
    main.get_by_role("button", name="พิมพ์รหัสเปิดใช้งาน").click()
    journey.check("printed-code")
    code = main.locator("code.secret").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)
    journey.logout()

    def activate(password: str) -> None:
        journey.goto("/activate/")
        for label, value in (("ชื่อผู้ใช้งาน", account.username), ("รหัสเปิดใช้งาน", code),
                             ("รหัสผ่านใหม่", password), ("ยืนยันรหัสผ่านใหม่", password)):
            main.get_by_label(label, exact=True).fill(value)
        journey.check(f"activate-{password[-1]}")
        main.get_by_role("button", name="ตั้งรหัสผ่านและเข้าสู่ระบบ").click()

    activate("ม้าลาย-กินหญ้า-7391")
    journey.check("activated")
    assert "ตั้งรหัสผ่านเรียบร้อยแล้ว" in main.inner_text()
    journey.logout()

    activate("ม้าลาย-กินหญ้า-7392")  # the same code again
    journey.check("code-used")
    assert "รหัสเปิดใช้งานไม่ถูกต้อง" in main.inner_text()
    journey.finish()
