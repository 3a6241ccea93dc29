"""A whole rollout with two offices: the centre plans it; 4701 (reviewer.4701) and 4901 (reviewer.49) nominate, one
name refused on the form by the rank rule; the centre accepts the others and compiles one written order, which a
second central officer confirms; a nominee's activation is refused before the registration window and issued inside
it; then the calendar (as the daily cron runs it) puts 4701 in trial mode, purges its trial receipt, and goes live.
"""

import datetime

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def be(day) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


@pytest.fixture
def finance(demo):
    """A second central officer (กองคลัง), with the demo password and the demo second factor."""
    from rightsadmin.demo import DEMO_PASSWORD, demo_second_factors_build
    from tests.factories import account_with_roles

    account = account_with_roles("CENTRAL_ADMIN", unit_code="DOPA-FINANCE", position_name="นักวิชาการเงินและบัญชี",
                                 username="finance.central")
    account.set_password(DEMO_PASSWORD)
    account.save()
    demo_second_factors_build()
    return account


def people():
    """A K2 ปลัดอำเภอ of 4701 (the auction rule refuses him), a 4701 account waiting for activation, and an
    official of 4901."""
    from accounts.models import Official, User
    from rollout.models import Nomination

    k2 = Official.objects.filter(unit__code="4701", level__code="K2", position__name_th="ปลัดอำเภอ",
                                 status="active").first()
    waiting = next(
        user for user in User.objects.filter(registered_unit__code="4701", is_active=True, official__unit__code="4701",
                                             official__status="active").select_related("official").order_by("pk")
        if not user.has_usable_password() and user.username != "reviewer.4701"
    )
    other = Official.objects.filter(unit__code="4901", status="active").exclude(
        national_id__in=User.objects.filter(username="reviewer.49").values("official_id")).first()
    assert k2 and waiting and other and not Nomination.objects.exists()
    return k2, waiting, other


def nominate(journey, main, rollout_pk, unit_code, national_id, role_code, *, trainee=False):
    from rights.models import Role

    journey.page.locator(f'a[href="/rollout/{rollout_pk}/office/{unit_code}/"]').first.click()
    journey.page.wait_for_load_state()
    main.get_by_label("เลขประจำตัวประชาชน").fill(national_id)
    main.get_by_label("บทบาท").select_option(value=str(Role.objects.get(code=role_code).pk))
    if trainee:
        main.get_by_label("เข้ารับการอบรม").check()
    main.get_by_role("button", name="เสนอชื่อ", exact=True).click()
    journey.page.wait_for_load_state()


def test_a_whole_rollout(journey: Journey, finance):
    from accounts.models import Unit
    from receipts.models import FeeType, Receipt, ReceiptOffice
    from receipts.rollout_calendar import rollout_apply_calendar
    from receipts.services import ItemInput, receipt_issue
    from rights.models import OrderLine, Role
    from rights.scope import today
    from rollout.models import Nomination, Rollout

    page = journey.page
    main = page.get_by_role("main")
    k2, waiting, other = people()
    on = today()
    day = datetime.timedelta(days=1)

    # -- the centre plans the rollout: registration starts tomorrow
    journey.login("admin.central")
    journey.check("home")
    journey.menu("แผนการเปิดใช้งานระบบ")
    journey.check("rollout-list")
    main.get_by_role("link", name="สร้างแผนใหม่").click()
    journey.check("rollout-form")
    main.get_by_label("ชื่อแผนการเปิดใช้งาน").fill("การเปิดใช้งานระบบรับชำระเงิน (e-Bill)")
    for code in ("ISV_AUCTION_RECEIPT", "ISV_FEE_RECEIPT"):
        main.locator(f'input[name="roles"][value="{Role.objects.get(code=code).pk}"]').check()
    dates = {"กำหนดส่งรายชื่อ": on, "เริ่มลงทะเบียน": on + day, "สิ้นสุดการลงทะเบียน": on + 10 * day,
             "เริ่มทดลองใช้งาน": on + 2 * day, "สิ้นสุดการทดลองใช้งาน": on + 20 * day,
             "วันลบข้อมูลช่วงทดลอง": on + 25 * day, "วันเริ่มใช้งานจริง": on + 30 * day}
    for label, value in dates.items():
        main.get_by_label(label, exact=True).fill(be(value))
    main.get_by_label("ผู้ใช้งานสูงสุดต่อหน่วยงาน").fill("2")
    with page.expect_navigation():
        main.get_by_role("button", name="บันทึก").click()
    journey.check("rollout-created")
    rollout = Rollout.objects.get()
    assert page.url.endswith(f"/rollout/{rollout.pk}/")
    journey.logout()

    # -- 4701 nominates: the K2 ปลัดอำเภอ is refused by the auction rule, on the form; the waiting account is filed
    journey.login("reviewer.4701")
    journey.menu("เสนอชื่อผู้ใช้งานระบบใหม่")
    journey.check("office-index")
    nominate(journey, main, rollout.pk, "4701", k2.national_id, "ISV_AUCTION_RECEIPT")
    assert "ชำนาญการพิเศษ" in main.locator(".errorlist").inner_text()
    journey.check("office-refused-by-policy")
    main.get_by_label("เลขประจำตัวประชาชน").fill(waiting.official_id)
    main.get_by_label("บทบาท").select_option(value=str(Role.objects.get(code="ISV_FEE_RECEIPT").pk))
    main.get_by_label("เข้ารับการอบรม").check()
    main.get_by_role("button", name="เสนอชื่อ", exact=True).click()
    page.wait_for_load_state()
    journey.check("office-nominated")
    assert Nomination.objects.filter(unit__code="4701", status="pending").count() == 1
    with page.expect_download() as download:
        main.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    journey.logout()

    # -- 4901 nominates through its province office
    journey.login("reviewer.49")
    journey.menu("เสนอชื่อผู้ใช้งานระบบใหม่")
    journey.check("office-index-49")
    nominate(journey, main, rollout.pk, "4901", other.national_id, "ISV_FEE_RECEIPT")
    journey.check("office-4901")
    assert Nomination.objects.filter(unit__code="4901", status="pending").count() == 1
    journey.logout()

    # -- the centre sees two offices, accepts both and compiles the order
    journey.login("admin.central")
    journey.goto(f"/rollout/{rollout.pk}/")
    journey.check("rollout-detail")
    assert "ส่งแล้ว 2 จาก" in main.inner_text()
    for _ in range(2):
        main.get_by_role("button", name="รับรายชื่อ").first.click()
        page.wait_for_load_state()
    assert Nomination.objects.filter(status="accepted").count() == 2
    main.get_by_label("เลขที่คำสั่ง").fill(f"321/{on.year + 543}")
    main.get_by_label("ลงวันที่").fill(be(on))
    main.get_by_label("ผู้ลงนาม").fill("อธิบดีกรมการปกครอง")
    journey.check("rollout-compile")
    main.get_by_role("button", name="ออกคำสั่ง").click()
    page.wait_for_load_state()
    journey.check("order-pending")
    rollout.refresh_from_db()
    order = rollout.order
    assert order is not None and order.scan and order.lines.count() == 2
    assert not OrderLine.objects.filter(order=order, confirmed_at__isnull=False).exists()
    assert main.get_by_role("button", name="ยืนยันคำสั่งนี้").count() == 0  # the recorder may not confirm
    journey.logout()

    # -- a second central officer confirms
    journey.login("finance.central")
    journey.goto(f"/accounts/orders/{order.pk}/")
    main.get_by_role("button", name="ยืนยันคำสั่งนี้").click()
    page.wait_for_load_state()
    journey.check("order-confirmed")
    assert OrderLine.objects.filter(order=order, confirmed_by=finance).count() == 2
    journey.logout()

    # -- activation: refused before the window opens (tomorrow)
    journey.login("reviewer.4701")
    journey.goto(f"/audit/accounts/{waiting.pk}/")
    main.get_by_role("button", name="พิมพ์รหัสเปิดใช้งาน").click()
    page.wait_for_load_state()
    assert "ยังไม่อยู่ในช่วงลงทะเบียน" in page.get_by_role("main").inner_text()
    journey.check("activation-refused")
    journey.logout()

    # -- the centre opens registration today; the activation is then issued
    journey.login("admin.central")
    journey.goto(f"/rollout/{rollout.pk}/edit/")
    journey.check("rollout-edit")
    main.get_by_label("เริ่มลงทะเบียน", exact=True).fill(be(on))
    main.get_by_role("button", name="บันทึก").click()
    page.wait_for_load_state()
    journey.logout()
    journey.login("reviewer.4701")
    journey.goto(f"/audit/accounts/{waiting.pk}/")
    main.get_by_role("button", name="พิมพ์รหัสเปิดใช้งาน").click()
    page.wait_for_load_state()
    journey.check("activation-issued")
    assert "ยังไม่อยู่ในช่วงลงทะเบียน" not in page.get_by_role("main").inner_text()
    journey.logout()

    # -- the calendar, as the daily cron runs it: trial, a trial receipt, purge, go-live
    rollout.refresh_from_db()
    u4701 = Unit.objects.get(code="4701")
    assert [step for _, step in rollout_apply_calendar(on=rollout.trial_from)] == ["trial"]
    assert ReceiptOffice.objects.get(unit=u4701).trial_mode
    from accounts.models import User

    receipt = receipt_issue(issuer=User.objects.get(username="clerk.4701"), unit=u4701, category="FEE",
                            payer_name="ผู้ทดลอง", payment_method="cash", fee_type=FeeType.objects.get(code="IDCARD"),
                            items=[ItemInput("ค่าธรรมเนียม", 1, 20)])
    assert receipt.trial
    assert [step for _, step in rollout_apply_calendar(on=rollout.purge_on)] == ["purge"]
    assert not Receipt.objects.filter(pk=receipt.pk).exists()
    assert [step for _, step in rollout_apply_calendar(on=rollout.go_live_on)] == ["go_live"]
    assert not ReceiptOffice.objects.get(unit=u4701).trial_mode
    journey.login("admin.central")
    journey.goto(f"/rollout/{rollout.pk}/")
    journey.check("rollout-live")
    assert "ใช้งานจริงแล้ว" in main.inner_text()
    journey.finish()
