"""The lifecycle screens: menus (403), scope (404), POST only, and the whole journey through each workflow."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import Event
from lifecycle.models import ChangeRequest, LeaverReport
from rights.models import AssignmentOrder
from tests.factories import hold, level, new_national_id, position, role, unit

PASSWORD = "correct-horse-2569"
PDF = b"%PDF-1.4\n%test\n"


def menu_html(html: str) -> str:
    return html.split('<nav aria-label="เมนูหลัก">', 1)[1].split("</nav>", 1)[0]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded scans go to a temporary folder, not the working tree's media/."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def holder(make_account):
    return make_account("ISV_USER", unit_code="4701", username="holder.4701")


@pytest.fixture
def reviewer(make_account):
    return make_account("DISTRICT_REVIEWER", unit_code="4701", position_name="เจ้าพนักงานปกครอง", username="rev.4701")


@pytest.fixture
def other_reviewer(make_account):
    return make_account("DISTRICT_REVIEWER", unit_code="4702", position_name="เจ้าพนักงานปกครอง", username="rev.4702")


@pytest.fixture
def central(make_account):
    return make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4",
                        username="central")


def change_request_post(**overrides):
    data = {
        "position": position("เจ้าพนักงานปกครอง").pk, "level": level("K2").pk, "unit": unit("4701").pk,
        "order_number": "๑๒/๒๕๖๙", "order_date": "2569-01-05", "note": "ตามคำสั่งจังหวัด",
    }
    return data | overrides


# ---------------------------------------------------------------------------------------------------------------
# Change requests


@pytest.mark.django_db
def test_change_request_journey(client, holder, reviewer):
    client.force_login(holder)
    form = client.get(reverse("accounts:change-request-create"))
    assert form.status_code == 200 and "ยื่นขอเปลี่ยนแปลงข้อมูลผู้ปฏิบัติงาน" in form.content.decode()
    data = change_request_post(attachment=SimpleUploadedFile("order.pdf", PDF, content_type="application/pdf"))
    response = client.post(reverse("accounts:change-request-create"), data)
    assert response.status_code == 302
    request = ChangeRequest.objects.get()
    assert (request.order_number, request.order_date) == ("12/2569", datetime.date(2026, 1, 5))
    assert "รอพิจารณา" in client.get(reverse("accounts:change-request-mine")).content.decode()
    attachment = client.get(reverse("accounts:change-request-attachment", args=[request.pk]))
    assert attachment.status_code == 200 and attachment["Content-Type"] == "application/pdf"
    assert attachment["Content-Disposition"] == f'inline; filename="change-request-{request.pk}.pdf"'

    client.force_login(reviewer)
    home = client.get(reverse("home")).content.decode()
    assert re.search(r"คำขอเปลี่ยนแปลงข้อมูล <span class=\"badge warn\">1</span>", menu_html(home))
    queue = client.get(reverse("accounts:change-request-queue")).content.decode()
    level = request.account.registered_level
    assert "holder.4701" in queue and f"{level.name_th} ({level.code})" in queue  # the level's name, not its code alone
    detail = client.get(reverse("accounts:change-request-detail", args=[request.pk])).content.decode()
    assert "อนุมัติ และแก้ไขข้อมูลที่ลงทะเบียน" in detail
    # The guard: neither the HR record nor the latest order line supports the requested position and level, and
    # approving them would raise POSITION_MISMATCH and LEVEL_MISMATCH.
    assert "ไม่มีหลักฐานรองรับ" in detail and "LEVEL_MISMATCH" in detail and 'name="acknowledge_flags"' in detail
    decide = reverse("accounts:change-request-decide", args=[request.pk])
    refused = client.post(decide, {"decision": "approve"}, follow=True).content.decode()
    assert "กรุณาระบุเหตุผลที่อนุมัติ" in refused
    refused = client.post(decide, {"decision": "approve", "reason": "ตรวจสำเนาคำสั่งแล้ว"}, follow=True)
    assert "ข้อสังเกตใหม่" in refused.content.decode()
    holder.refresh_from_db()
    assert holder.registered_level.code == "K3"
    response = client.post(decide, {"decision": "approve", "reason": "ตรวจสำเนาคำสั่งแล้ว", "acknowledge_flags": "on"})
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.registered_level.code == "K2"
    approved = Event.objects.get(action="accounts.change_request.approved")
    assert approved.data["new_flags"] == ["POSITION_MISMATCH", "LEVEL_MISMATCH"]
    assert approved.data["unsupported"] == ["position", "level"]
    assert "badge warn" not in menu_html(client.get(reverse("home")).content.decode())


@pytest.mark.django_db
def test_change_request_refusals_over_http(client, holder, reviewer, other_reviewer):
    client.force_login(holder)
    bad_pdf = SimpleUploadedFile("order.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post(reverse("accounts:change-request-create"), change_request_post(attachment=bad_pdf))
    assert "ต้องเป็นไฟล์ PDF" in response.content.decode()
    response = client.post(reverse("accounts:change-request-create"), change_request_post(order_date="2569-02-30"))
    assert "ไม่มีวันที่นี้ในปฏิทิน" in response.content.decode()
    assert not ChangeRequest.objects.exists()
    client.post(reverse("accounts:change-request-create"), change_request_post())
    request = ChangeRequest.objects.get()
    # The holder has no decide menu; another district's reviewer does not see it; nobody decides by GET.
    assert client.get(reverse("accounts:change-request-queue")).status_code == 403
    assert client.post(reverse("accounts:change-request-decide", args=[request.pk]), {"decision": "approve"}).status_code == 403
    client.force_login(other_reviewer)
    assert client.get(reverse("accounts:change-request-detail", args=[request.pk])).status_code == 404
    assert client.post(reverse("accounts:change-request-decide", args=[request.pk]), {"decision": "approve"}).status_code == 404
    assert client.get(reverse("accounts:change-request-attachment", args=[request.pk])).status_code == 404
    client.force_login(reviewer)
    assert client.get(reverse("accounts:change-request-decide", args=[request.pk])).status_code == 405
    response = client.post(reverse("accounts:change-request-decide", args=[request.pk]), {"decision": "reject"}, follow=True)
    assert "กรุณาระบุเหตุผลที่ไม่อนุมัติ" in response.content.decode()
    request.refresh_from_db()
    holder.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING and holder.registered_level.code == "K3"


@pytest.mark.django_db
def test_a_reviewer_cannot_decide_their_own_request_over_http(client, reviewer):
    client.force_login(reviewer)
    client.post(reverse("accounts:change-request-create"), change_request_post())
    request = ChangeRequest.objects.get()
    assert "อนุมัติ และแก้ไขข้อมูลที่ลงทะเบียน" not in client.get(
        reverse("accounts:change-request-detail", args=[request.pk])).content.decode()
    response = client.post(reverse("accounts:change-request-decide", args=[request.pk]), {"decision": "approve"}, follow=True)
    assert "ไม่สามารถพิจารณาคำขอของตนเองได้" in response.content.decode()
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.PENDING


# ---------------------------------------------------------------------------------------------------------------
# Leavers


@pytest.mark.django_db
def test_leaver_journey_from_candidates_to_deactivation(client, make_account, reviewer, central):
    retired = make_account("ISV_USER", "ISV_FEE_RECEIPT", unit_code="4701", username="old.4701",
                           birth_date=datetime.date(1960, 1, 1))
    make_account("ISV_USER", unit_code="4701", username="young.4701")
    client.force_login(reviewer)
    candidates = client.get(reverse("accounts:leaver-candidates")).content.decode()
    assert "old.4701" in candidates and "young.4701" not in candidates
    form = client.get(reverse("accounts:leaver-report-create"), {"account": retired.pk}).content.decode()
    assert "old.4701</textarea>" in form
    response = client.post(reverse("accounts:leaver-report-create"), {
        "usernames": "old.4701", "reason": "retired", "left_on": "2563-09-30",
        "evidence": SimpleUploadedFile("retire.pdf", PDF, content_type="application/pdf"),
    })
    assert response.status_code == 302
    report = LeaverReport.objects.get()
    assert report.left_on == datetime.date(2020, 9, 30) and report.evidence
    assert client.get(reverse("accounts:leaver-queue")).status_code == 403  # the district does not deactivate

    client.force_login(central)
    assert re.search(r"ระงับการใช้งานบัญชี <span class=\"badge warn\">1</span>", menu_html(client.get(reverse("home")).content.decode()))
    assert "old.4701" in client.get(reverse("accounts:leaver-queue")).content.decode()
    assert client.get(reverse("accounts:leaver-evidence", args=[report.pk])).status_code == 200
    assert client.get(reverse("accounts:leaver-accept")).status_code == 405
    client.post(reverse("accounts:leaver-accept"), {"report": [report.pk]})
    retired.refresh_from_db()
    assert not retired.is_active
    client.logout()
    client.post(reverse("login"), {"username": "old.4701", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_leaver_report_form_names_accounts_outside_the_scope_as_unknown(client, make_account, reviewer):
    make_account("ISV_USER", unit_code="4702", username="far.4702")
    client.force_login(reviewer)
    response = client.post(reverse("accounts:leaver-report-create"),
                           {"usernames": "far.4702", "reason": "transferred", "left_on": "2569-01-01"})
    assert "ไม่พบบัญชีในขอบเขตหน่วยงานของท่าน: far.4702" in response.content.decode()
    assert not LeaverReport.objects.exists()


@pytest.mark.django_db
def test_centre_returns_a_report_and_the_office_sees_why(client, make_account, reviewer, central):
    account = make_account("ISV_USER", unit_code="4701", username="moved.4701")
    client.force_login(reviewer)
    client.post(reverse("accounts:leaver-report-create"), {"usernames": "moved.4701", "reason": "transferred",
                                                             "left_on": "2569-01-01"})
    report = LeaverReport.objects.get()
    client.force_login(central)
    response = client.post(reverse("accounts:leaver-return", args=[report.pk]), {"reason": ""}, follow=True)
    assert "กรุณาระบุเหตุผล" in response.content.decode()
    client.post(reverse("accounts:leaver-return", args=[report.pk]), {"reason": "ย้ายภายในกรม ให้ย้ายบัญชีแทน"})
    client.force_login(reviewer)
    page = client.get(reverse("accounts:leaver-list")).content.decode()
    assert "ย้ายภายในกรม ให้ย้ายบัญชีแทน" in page
    assert re.search(r"รายงานผู้พ้นจากหน้าที่ <span class=\"badge warn\">1</span>", menu_html(page))
    account.refresh_from_db()
    assert account.is_active


# ---------------------------------------------------------------------------------------------------------------
# Orders, transfers, rights sync


def order_post(official, **overrides):
    data = {
        "number": "9/2569", "order_date": "2569-01-02", "issuing_unit": unit("4701").pk, "signer": "นายอำเภอ",
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200",
        "lines-0-national_id": official.national_id, "lines-0-role": role("ISV_FEE_RECEIPT").pk,
        "lines-0-unit": unit("4701").pk, "lines-0-position": official.position_id, "lines-0-level": official.level_id,
        "lines-0-effective_from": "2569-01-03", "lines-0-effective_to": "",
    }
    return data | overrides


@pytest.mark.django_db
def test_record_an_order_then_sync_rights_from_the_screen(client, make_account, reviewer):
    person = make_account("ISV_USER", unit_code="4701", username="person.4701")
    client.force_login(reviewer)
    assert client.get(reverse("accounts:order-create")).status_code == 200
    response = client.post(reverse("accounts:order-create"),
                           order_post(person.official, scan=SimpleUploadedFile("o.pdf", PDF, content_type="application/pdf")))
    order = AssignmentOrder.objects.get(number="9/2569")
    assert response.status_code == 302 and order.lines.count() == 1 and order.recorded_by == reviewer
    listing = client.get(reverse("accounts:order-list"), {"state": "pending"}).content.decode()
    assert "9/2569" in listing and "รอยืนยัน" in listing
    # Four eyes: the recorder is not offered the confirmation, and the order grants nothing yet.
    page = client.get(reverse("accounts:order-detail", args=[order.pk])).content.decode()
    assert reverse("accounts:order-confirm", args=[order.pk]) not in page and "ผู้บันทึกคำสั่ง" in page
    assert all(c.account != person for c in client.get(reverse("accounts:rights-sync")).context["changes"])
    client.post(reverse("accounts:order-confirm", args=[order.pk]))
    assert order.lines.get().confirmed_at is None
    assert Event.objects.filter(action="accounts.order.refused", actor=reviewer).exists()

    second = make_account("DISTRICT_REVIEWER", unit_code="4701", position_name="เจ้าพนักงานปกครอง", username="rev2.4701")
    client.force_login(second)
    assert 'คำสั่งมอบหมาย <span class="badge warn">1</span>' in menu_html(client.get(reverse("home")).content.decode())
    page = client.get(reverse("accounts:order-detail", args=[order.pk])).content.decode()
    assert reverse("accounts:order-confirm", args=[order.pk]) in page
    client.post(reverse("accounts:order-confirm", args=[order.pk]))
    assert order.lines.get().confirmed_by == second
    assert Event.objects.filter(action="accounts.order.confirmed", actor=second).exists()

    client.force_login(reviewer)
    sync = client.get(reverse("accounts:rights-sync"))
    change = next(c for c in sync.context["changes"] if c.account == person)
    assert change.action == "grant" and "9/2569" in change.reason
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})  # the log stays Thai whatever the screen's language
    client.post(reverse("accounts:rights-sync"), {"change": [change.key]})
    granted = Event.objects.get(action="accounts.role.granted", actor=reviewer, target_id=str(person.pk))
    assert granted.data["reason"].startswith("ปรับสิทธิ์ตามคำสั่ง: คำสั่งที่ 9/2569 มีผลตั้งแต่")
    assert all(c.account != person for c in client.get(reverse("accounts:rights-sync")).context["changes"])


@pytest.mark.django_db
def test_the_order_form_takes_a_newcomer_off_the_hr_record_with_a_warning(client, reviewer, holder):
    client.force_login(reviewer)
    newcomer = new_national_id()
    post = order_post(holder.official, **{"lines-0-national_id": newcomer})
    refused = client.post(reverse("accounts:order-create"), post)
    assert refused.status_code == 200 and "กรุณากรอกชื่อ-นามสกุลตามคำสั่ง" in refused.content.decode()
    assert not AssignmentOrder.objects.filter(number="9/2569").exists()
    response = client.post(reverse("accounts:order-create"), post | {"lines-0-written_name": "นางสาวมาใหม่ รอทะเบียน"},
                           follow=True)
    page = response.content.decode()
    assert "ไม่พบเลขประจำตัวประชาชน" in page and "บันทึกตามที่เขียนในคำสั่ง" in page  # the warning
    assert "นางสาวมาใหม่ รอทะเบียน" in page and "ไม่พบในทะเบียนบุคคล" in page  # the order's page
    line = AssignmentOrder.objects.get(number="9/2569").lines.get()
    assert (line.official_id, line.written_name) == (newcomer, "นางสาวมาใหม่ รอทะเบียน")


@pytest.mark.django_db
def test_order_refusals(client, make_account, reviewer, holder):
    client.force_login(reviewer)
    response = client.post(reverse("accounts:order-create"), order_post(holder.official, **{"lines-0-unit": unit("4702").pk}))
    assert response.status_code == 200 and not AssignmentOrder.objects.filter(number="9/2569").exists()
    response = client.post(reverse("accounts:order-create"), order_post(holder.official, **{"lines-0-national_id": "1234567890123"}))
    assert "เลขประจำตัวประชาชน" in response.content.decode()
    client.force_login(holder)
    assert client.get(reverse("accounts:order-create")).status_code == 403
    assert client.get(reverse("accounts:rights-sync")).status_code == 403


@pytest.mark.django_db
def test_move_an_account_under_a_new_order(client, make_account, today):
    person = make_account("ISV_USER", unit_code="4701", username="mover")
    # A move between districts is the province office's: it answers for both.
    client.force_login(make_account("PROVINCE_REVIEWER", unit_code="47", position_name="จ่าจังหวัด"))
    client.post(reverse("accounts:order-create"), order_post(person.official, **{
        "issuing_unit": unit("4702").pk, "lines-0-unit": unit("4702").pk, "lines-0-role": role("ISV_USER").pk,
        "lines-0-effective_from": (today - datetime.timedelta(days=1)).isoformat()}))
    order = AssignmentOrder.objects.get(number="9/2569", issuing_unit=unit("4702"))
    page = client.get(reverse("accounts:order-detail", args=[order.pk])).content.decode()
    assert "ย้ายบัญชี mover" not in page  # a pending line moves nobody
    client.force_login(make_account("PROVINCE_REVIEWER", unit_code="47", position_name="จ่าจังหวัด", username="jar2"))
    client.post(reverse("accounts:order-confirm", args=[order.pk]))
    page = client.get(reverse("accounts:order-detail", args=[order.pk])).content.decode()
    assert "ย้ายบัญชี mover (จาก 4701) มาหน่วยงานนี้" in page
    line = order.lines.get()
    client.post(reverse("accounts:account-move", args=[line.pk]), {"account": person.pk})
    person.refresh_from_db()
    assert person.registered_unit.code == "4702"


@pytest.mark.django_db
def test_orders_of_other_units_are_not_found(client, make_account, reviewer, other_reviewer):
    person = make_account("ISV_USER", unit_code="4702")
    client.force_login(other_reviewer)
    client.post(reverse("accounts:order-create"), order_post(person.official, **{
        "issuing_unit": unit("4702").pk, "lines-0-unit": unit("4702").pk}))
    order = AssignmentOrder.objects.get(number="9/2569")
    client.force_login(reviewer)
    assert client.get(reverse("accounts:order-detail", args=[order.pk])).status_code == 404
    assert client.post(reverse("accounts:order-revoke", args=[order.pk]), {"reason": "x"}).status_code == 404
    assert client.post(reverse("accounts:account-move", args=[order.lines.get().pk]), {"account": person.pk}).status_code == 404
    order.refresh_from_db()
    assert order.revoked_at is None


# ---------------------------------------------------------------------------------------------------------------
# Locked accounts


@pytest.mark.django_db
def test_reviewer_unlocks_an_account_in_scope_only(client, make_account, reviewer, other_reviewer):
    locked = make_account("ISV_USER", unit_code="4701", username="locked.4701")
    for attempt in range(3):
        client.post(reverse("login"), {"username": "locked.4701", "password": f"wrong-{attempt}"})
    client.force_login(other_reviewer)
    assert "locked.4701" not in client.get(reverse("accounts:locked-accounts")).content.decode()
    assert client.post(reverse("accounts:account-unlock", args=[locked.pk])).status_code == 404
    client.force_login(reviewer)
    page = client.get(reverse("accounts:locked-accounts")).content.decode()
    assert "locked.4701" in page
    assert re.search(r"บัญชีที่ถูกล็อก <span class=\"badge warn\">1</span>", menu_html(page))
    client.post(reverse("accounts:account-unlock", args=[locked.pk]))
    assert Event.objects.filter(action="accounts.login.unlocked", actor=reviewer).exists()
    client.logout()
    client.post(reverse("login"), {"username": "locked.4701", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(locked.pk)


# ---------------------------------------------------------------------------------------------------------------
# Navigation counts stay one query each


@pytest.mark.django_db
def test_queue_counts_cost_the_same_for_few_and_many_items(client, make_account, central, django_assert_max_num_queries):
    from lifecycle import services as lifecycle
    from rights.scope import account_rights

    def report_some(n):
        accounts = [make_account("ISV_USER", unit_code="4701") for _ in range(n)]
        lifecycle.leaver_report_file(accounts=accounts, reason="retired", left_on=datetime.date(2025, 9, 30),
                                     actor=central, scope=account_rights(central).scope_for("menu_report_leavers"))
        for account in accounts:
            lifecycle.change_request_file(account=account, filed_by=account, position=position("นิติกร"),
                                          level=account.registered_level, unit=account.registered_unit,
                                          order_number="1/2569", order_date=datetime.date(2026, 1, 1))

    client.force_login(central)
    report_some(1)
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("home"))
    report_some(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("home")).content.decode()
    assert re.search(r"ระงับการใช้งานบัญชี <span class=\"badge warn\">11</span>", menu_html(html))
    assert re.search(r"คำขอเปลี่ยนแปลงข้อมูล <span class=\"badge warn\">11</span>", menu_html(html))


@pytest.mark.django_db
def test_menus_follow_the_roles(client, holder, reviewer, central):
    client.force_login(holder)
    links = menu_html(client.get(reverse("home")).content.decode())
    assert reverse("accounts:change-request-mine") in links
    assert reverse("accounts:change-request-queue") not in links and reverse("events:log") not in links
    client.force_login(reviewer)
    links = menu_html(client.get(reverse("home")).content.decode())
    assert reverse("accounts:change-request-queue") in links and reverse("accounts:leaver-queue") not in links
    assert reverse("accounts:locked-accounts") not in links  # shown only while an account in scope is locked
    client.force_login(central)
    assert reverse("accounts:leaver-queue") in menu_html(client.get(reverse("home")).content.decode())


@pytest.mark.django_db
def test_held_but_not_ordered_reviewer_role_opens_no_queue(client, make_account):
    """Menus come from effective rights (held and ordered), not from held roles alone."""
    account = make_account("ISV_USER", unit_code="4701")
    hold(account, "DISTRICT_REVIEWER", "4701")
    client.force_login(account)
    assert client.get(reverse("accounts:change-request-queue")).status_code == 403
    assert reverse("accounts:change-request-queue") not in menu_html(client.get(reverse("home")).content.decode())


# ---------------------------------------------------------------------------------------------------------------
# Actions on the review screens


@pytest.mark.django_db
def test_report_as_leaver_shows_where_a_leaver_flag_shows(client, make_account, reviewer):
    from accounts.models import Official

    retired = make_account("ISV_USER", unit_code="4701", username="old.4701", birth_date=datetime.date(1960, 1, 1))
    moved = make_account("ISV_USER", unit_code="4701", username="gone.4701", status=Official.Status.TRANSFERRED)
    make_account("ISV_USER", unit_code="4701", username="fine.4701")
    client.force_login(reviewer)
    listing = client.get(reverse("audit:account-list", args=["4701"])).content.decode()
    create = reverse("accounts:leaver-report-create")
    assert f'href="{create}?account={retired.pk}&amp;reason=retired"' in listing
    assert f'href="{create}?account={moved.pk}&amp;reason=transferred"' in listing
    assert listing.count('class="leaver-link"') == 2
    page = client.get(reverse("audit:account-detail", args=[retired.pk])).content.decode()
    assert "ดำเนินการกับบัญชีนี้" in page and f"{create}?account={retired.pk}" in page
    assert f"{reverse('accounts:rights-sync')}?account={retired.pk}" in page
    form = client.get(create, {"account": retired.pk, "reason": "retired"})
    assert form.context["form"].initial == {"usernames": "old.4701", "reason": "retired"}
    client.post(create, {"usernames": "old.4701", "reason": "retired", "left_on": "2563-09-30"})
    page = client.get(reverse("audit:account-detail", args=[retired.pk])).content.decode()
    assert "รอส่วนกลางพิจารณา" in page and f"{create}?account={retired.pk}" not in page


@pytest.mark.django_db
def test_the_account_page_offers_unlock_when_locked(client, make_account, reviewer):
    locked = make_account("ISV_USER", unit_code="4701", username="locked.4701")
    for attempt in range(3):
        client.post(reverse("login"), {"username": "locked.4701", "password": f"wrong-{attempt}"})
    client.force_login(reviewer)
    page_url = reverse("audit:account-detail", args=[locked.pk])
    button = '<button type="submit">ปลดล็อกบัญชี locked.4701</button>'
    assert button in client.get(page_url).content.decode()
    response = client.post(reverse("accounts:account-unlock", args=[locked.pk]), {"next": page_url})
    assert response["Location"] == page_url
    assert button not in client.get(page_url).content.decode()
    response = client.post(reverse("accounts:account-unlock", args=[locked.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:locked-accounts")


# ---------------------------------------------------------------------------------------------------------------
# The queues and the order list: search people, sort by column


def file_requests(*accounts):
    from lifecycle import services as lifecycle

    for n, account in enumerate(accounts, start=1):
        lifecycle.change_request_file(account=account, filed_by=account, position=position("นิติกร"),
                                      level=account.registered_level, unit=account.registered_unit,
                                      order_number=f"{n}/2569", order_date=datetime.date(2026, 1, n))


def rows_of(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def order_of(html: str, names: list[str]) -> list[str]:
    body = rows_of(html)
    return sorted((name for name in names if name in body), key=body.index)


@pytest.mark.django_db
def test_change_request_queue_finds_people_by_name_position_and_whole_national_id(client, make_account, reviewer):
    somchai = make_account("ISV_USER", unit_code="4701", username="somchai.4701", first_name="สมชาย",
                           position_name="นักวิชาการเงินและบัญชี")
    kesini = make_account("ISV_USER", unit_code="4701", username="kesini.4701", first_name="เกศินี")
    file_requests(somchai, kesini)
    client.force_login(reviewer)
    queue = reverse("accounts:change-request-queue")
    for query in ("สมชาย", "นักวิชาการเงิน", somchai.national_id, f"{somchai.national_id[:1]}-{somchai.national_id[1:5]}-"
                  f"{somchai.national_id[5:10]}-{somchai.national_id[10:12]}-{somchai.national_id[12]}"):
        body = rows_of(client.get(queue, {"q": query}).content.decode())
        assert "somchai.4701" in body and "kesini.4701" not in body, query
    body = rows_of(client.get(queue, {"q": somchai.national_id[:9]}).content.decode())
    assert "somchai.4701" not in body and "ไม่พบคำขอที่ตรงกับการค้นหา" in body  # never part of an ID


@pytest.mark.django_db
def test_change_request_queue_sorts_by_column_and_ignores_unknown_keys(client, make_account, reviewer):
    accounts = [make_account("ISV_USER", unit_code="4701", username=f"{name}.4701", first_name=first)
                for name, first in (("b", "สมชาย"), ("a", "กมล"), ("c", "ชูใจ"))]
    file_requests(*accounts)  # filed b, a, c: order dates 1, 2, 3 January
    client.force_login(reviewer)
    queue = reverse("accounts:change-request-queue")
    names = ["a.4701", "b.4701", "c.4701"]
    assert order_of(client.get(queue).content.decode(), names) == ["b.4701", "a.4701", "c.4701"]  # oldest first
    assert order_of(client.get(queue, {"sort": "account"}).content.decode(), names) == ["a.4701", "c.4701", "b.4701"]
    assert order_of(client.get(queue, {"sort": "-order"}).content.decode(), names) == ["c.4701", "a.4701", "b.4701"]
    for bad in ("password", "-account__password", "created_at"):
        assert order_of(client.get(queue, {"sort": bad}).content.decode(), names) == ["b.4701", "a.4701", "c.4701"]
    html = client.get(queue, {"sort": "account", "q": "4701", "status": "pending", "page": "1"}).content.decode()
    header = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert 'aria-sort="ascending"' in header and "sort=-account" in header
    assert "status=pending" in header and "q=4701" in header and "page=" not in header


@pytest.mark.django_db
def test_leaver_queue_searches_and_sorts(client, make_account, central):
    from lifecycle import services as lifecycle
    from rights.scope import account_rights

    kamon = make_account("ISV_USER", unit_code="4701", username="kamon.4701", first_name="กมล")
    somchai = make_account("ISV_USER", unit_code="4702", username="somchai.4702", first_name="สมชาย",
                           position_name="นักวิชาการเงินและบัญชี")
    for account in (somchai, kamon):
        lifecycle.leaver_report_file(accounts=[account], reason="retired", left_on=datetime.date(2025, 9, 30),
                                     actor=central, scope=account_rights(central).scope_for("menu_report_leavers"))
    client.force_login(central)
    queue = reverse("accounts:leaver-queue")
    names = ["kamon.4701", "somchai.4702"]
    assert order_of(client.get(queue).content.decode(), names) == ["somchai.4702", "kamon.4701"]  # as reported
    assert order_of(client.get(queue, {"sort": "account"}).content.decode(), names) == ["kamon.4701", "somchai.4702"]
    assert order_of(client.get(queue, {"sort": "-unit"}).content.decode(), names) == ["somchai.4702", "kamon.4701"]
    assert order_of(client.get(queue, {"sort": "nope"}).content.decode(), names) == ["somchai.4702", "kamon.4701"]
    body = rows_of(client.get(queue, {"q": "นักวิชาการเงิน"}).content.decode())
    assert "somchai.4702" in body and "kamon.4701" not in body
    body = rows_of(client.get(queue, {"q": kamon.national_id}).content.decode())
    assert "kamon.4701" in body and "somchai.4702" not in body


@pytest.mark.django_db
def test_order_list_finds_orders_by_the_people_they_name_and_sorts(client, make_account, reviewer):
    from tests.factories import AssignmentOrderFactory, OfficialFactory, OrderLineFactory

    palad = OfficialFactory(unit=unit("4701"), position=position("ปลัดอำเภอ"), level=level("K2"))
    first = AssignmentOrderFactory(number="5/2569", order_date=datetime.date(2026, 1, 5), issuing_unit=unit("4701"),
                                   signer="นายอำเภอเมืองสกลนคร")
    OrderLineFactory(order=first, official=palad, written_name="นายวิชัย ตั้งใจ")
    second = AssignmentOrderFactory(number="17/2569", order_date=datetime.date(2026, 2, 1), issuing_unit=unit("4701"),
                                    signer="ปลัดจังหวัดสกลนคร")
    OrderLineFactory(order=second, official=OfficialFactory(unit=unit("4701"), position=position("นิติกร"),
                                                            level=level("K1")))
    client.force_login(reviewer)
    orders = reverse("accounts:order-list")
    names = [">5/2569<", ">17/2569<"]
    for query in ("วิชัย", palad.national_id, "๕/๒๕๖๙", "นายอำเภอ"):
        body = rows_of(client.get(orders, {"q": query}).content.decode())
        assert ">5/2569<" in body and ">17/2569<" not in body, query
    body = rows_of(client.get(orders, {"q": "นิติกร ปฏิบัติการ"}).content.decode())  # the position and level ordered
    assert ">17/2569<" in body and ">5/2569<" not in body
    assert not any(n in rows_of(client.get(orders, {"q": palad.national_id[:8]}).content.decode()) for n in names)
    assert order_of(client.get(orders).content.decode(), names) == [">17/2569<", ">5/2569<"]  # newest first
    assert order_of(client.get(orders, {"sort": "order_date"}).content.decode(), names) == [">5/2569<", ">17/2569<"]
    # นายอำเภอ... before ปลัดจังหวัด...
    assert order_of(client.get(orders, {"sort": "signer"}).content.decode(), names) == [">5/2569<", ">17/2569<"]
    assert order_of(client.get(orders, {"sort": "-signer"}).content.decode(), names) == [">17/2569<", ">5/2569<"]
    assert order_of(client.get(orders, {"sort": "recorded_by__password"}).content.decode(), names) == [
        ">17/2569<", ">5/2569<"]


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["", "account", "-unit", "order"])
def test_sorted_and_searched_queues_cost_the_same_for_few_and_many(client, make_account, reviewer, sort,
                                                                   django_assert_max_num_queries):
    client.force_login(reviewer)
    queue = reverse("accounts:change-request-queue")
    params = {"sort": sort, "q": "ปลัดอำเภอ"} if sort else {}
    file_requests(make_account("ISV_USER", unit_code="4701"))
    with django_assert_max_num_queries(40) as small:
        client.get(queue, params)
    file_requests(*(make_account("ISV_USER", unit_code="4701") for _ in range(12)))
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(queue, params).content.decode()
    assert rows_of(html).count("<tr>") == 13
