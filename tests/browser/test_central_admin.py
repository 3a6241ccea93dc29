"""Central admin (admin.central): deactivates an account a district reported as a leaver; its holder can no longer
log in."""

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reported_leaver(demo):
    """retired.4701, reported by its district's reviewer, and able to log in until the centre decides."""
    from accounts.models import User
    from lifecycle import services as lifecycle
    from lifecycle.models import LeaverReport
    from rights.scope import Scope
    from rightsadmin.demo import DEMO_PASSWORD

    account = User.objects.select_related("official", "registered_unit").get(username="retired.4701")
    account.set_password(DEMO_PASSWORD)
    account.save(update_fields=["password"])
    lifecycle.leaver_report_file(
        accounts=[account], reason=LeaverReport.Reason.RETIRED, left_on=account.official.retirement_date,
        actor=User.objects.get(username="reviewer.4701"), scope=Scope(roots=[account.registered_unit]),
    )
    return account


def test_central_admin_deactivates_a_reported_leaver_who_then_cannot_log_in(journey: Journey, reported_leaver,
                                                                            browser):
    from accounts.models import User
    from rightsadmin.demo import DEMO_PASSWORD

    # The leaver is still logged in somewhere while the centre decides.
    leaver_context = browser.new_context(locale="th-TH", timezone_id="Asia/Bangkok")
    leaver = Journey(leaver_context.new_page(), journey.base_url, "central_admin-leaver-session")
    leaver.login("retired.4701")
    leaver.check("leaver-home")
    assert "retired.4701" in leaver.page.get_by_role("main").inner_text()

    page = journey.page
    main = page.get_by_role("main")
    journey.login("admin.central")
    journey.check("home")

    journey.menu("ระงับการใช้งานบัญชี")
    journey.check("leaver-queue")
    assert "ที่ทำการปกครองอำเภอเมืองสกลนคร" in main.inner_text()
    main.get_by_label("เลือกรายงานของ retired.4701").check()
    main.get_by_role("button", name="ระงับการใช้งานบัญชีที่เลือก").click()
    journey.check("deactivated")
    assert "ระงับการใช้งานแล้ว 1 บัญชี" in page.get_by_role("status").inner_text()
    assert "ไม่มีรายงานที่รอพิจารณา" in main.inner_text()
    assert not User.objects.get(pk=reported_leaver.pk).is_active

    leaver.page.reload()  # the open session ends with the account
    leaver.check("leaver-session-ended")
    assert leaver.page.url.startswith(journey.base_url + "/login/")
    leaver.finish()
    leaver_context.close()

    journey.logout()
    journey.check("logged-out")
    journey.fill_login("retired.4701", DEMO_PASSWORD)  # the right password
    journey.check("leaver-refused")
    assert page.url.startswith(journey.base_url + "/login/")
    assert main.get_by_role("alert").is_visible()
    assert not page.get_by_role("navigation", name="เมนูหลัก").is_visible()
    journey.finish()
