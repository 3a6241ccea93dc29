"""Change requests, leaver reports, deactivation and transfers: happy paths and refusals, at the service level."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from guardian.shortcuts import get_perms

from accounts.models import UnitUserObjectPermission, User
from core.national_id import format_national_id
from events.models import Event
from lifecycle import services as lifecycle
from lifecycle.models import ChangeRequest, LeaverReport
from rights.scope import account_rights
from rights.services import REASON_REQUIRED
from tests.factories import (
    AssignmentOrderFactory,
    OfficialFactory,
    OrderLineFactory,
    level,
    new_national_id,
    position,
    role,
    unit,
)


def scope_of(user, menu):
    return account_rights(user).scope_for(menu)


def file_request(account, **overrides):
    values = dict(
        account=account, filed_by=account, position=position("เจ้าพนักงานปกครอง"), level=level("K2"),
        unit=account.registered_unit, order_number="12/2569", order_date=datetime.date(2026, 1, 5),
    )
    return lifecycle.change_request_file(**(values | overrides))


@pytest.fixture
def holder(make_account):
    return make_account("ISV_USER", unit_code="4701", position_name="ปลัดอำเภอ", level_code="K3")


@pytest.fixture
def reviewer_4701(make_account):
    return make_account("DISTRICT_REVIEWER", unit_code="4701", position_name="เจ้าพนักงานปกครอง")


@pytest.fixture
def reviewer_4702(make_account):
    return make_account("DISTRICT_REVIEWER", unit_code="4702", position_name="เจ้าพนักงานปกครอง")


@pytest.fixture
def central(make_account):
    return make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4")


# ---------------------------------------------------------------------------------------------------------------
# Change requests


@pytest.mark.django_db
def test_approval_changes_the_registration_and_keeps_the_old_value(holder, reviewer_4701):
    request = file_request(holder)
    decided = lifecycle.change_request_decide(
        change_request=request, actor=reviewer_4701, approve=True, reason="ตรงกับคำสั่ง",
        scope=scope_of(reviewer_4701, "menu_decide_change_requests"), acknowledge_flags=True,
    )
    holder.refresh_from_db()
    assert (holder.registered_position.name_th, holder.registered_level.code) == ("เจ้าพนักงานปกครอง", "K2")
    assert decided.status == ChangeRequest.Status.APPROVED
    assert (decided.previous_position.name_th, decided.previous_level.code) == ("ปลัดอำเภอ", "K3")
    event = Event.objects.get(action="accounts.change_request.approved")
    assert event.data["before"] == {"position": "ปลัดอำเภอ", "level": "K3", "unit": "4701"}
    assert event.data["after"] == {"position": "เจ้าพนักงานปกครอง", "level": "K2", "unit": "4701"}
    assert event.actor_id == reviewer_4701.pk
    assert Event.objects.filter(action="accounts.change_request.filed", target_id=str(holder.pk)).count() == 1


@pytest.mark.django_db
def test_rejection_needs_a_reason_and_leaves_the_data(holder, reviewer_4701):
    request = file_request(holder)
    scope = scope_of(reviewer_4701, "menu_decide_change_requests")
    with pytest.raises(ValidationError, match=REASON_REQUIRED):
        lifecycle.change_request_decide(change_request=request, actor=reviewer_4701, approve=False, reason="  ", scope=scope)
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING
    lifecycle.change_request_decide(change_request=request, actor=reviewer_4701, approve=False, reason="คำสั่งไม่ตรง",
                                    scope=scope)
    holder.refresh_from_db()
    assert holder.registered_level.code == "K3"
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.REJECTED
    assert Event.objects.get(action="accounts.change_request.rejected").data["reason"] == "คำสั่งไม่ตรง"


@pytest.mark.django_db
def test_a_reviewer_outside_the_scope_cannot_decide(holder, reviewer_4702):
    request = file_request(holder)
    with pytest.raises(PermissionDenied):
        lifecycle.change_request_decide(change_request=request, actor=reviewer_4702, approve=True, reason="",
                                        scope=scope_of(reviewer_4702, "menu_decide_change_requests"))
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.PENDING


@pytest.mark.django_db
def test_nobody_decides_their_own_request(reviewer_4701):
    request = file_request(reviewer_4701)
    with pytest.raises(PermissionDenied, match="ของตนเอง"):
        lifecycle.change_request_decide(change_request=request, actor=reviewer_4701, approve=True, reason="",
                                        scope=scope_of(reviewer_4701, "menu_decide_change_requests"))
    reviewer_4701.refresh_from_db()
    assert reviewer_4701.registered_position.name_th == "เจ้าพนักงานปกครอง"
    assert reviewer_4701.registered_level.code == "K3"


@pytest.mark.django_db
def test_a_decided_request_cannot_be_decided_again(holder, reviewer_4701):
    request = file_request(holder)
    scope = scope_of(reviewer_4701, "menu_decide_change_requests")
    lifecycle.change_request_decide(change_request=request, actor=reviewer_4701, approve=False, reason="ไม่ตรง", scope=scope)
    with pytest.raises(ValidationError, match="ไม่อยู่ในสถานะรอพิจารณา"):
        lifecycle.change_request_decide(change_request=request, actor=reviewer_4701, approve=True, reason="", scope=scope)
    holder.refresh_from_db()
    assert holder.registered_level.code == "K3"


@pytest.mark.django_db
def test_filing_refusals(holder, reviewer_4701):
    with pytest.raises(PermissionDenied):
        file_request(holder, filed_by=reviewer_4701)
    with pytest.raises(ValidationError, match="ไม่มีสิ่งใดต้องเปลี่ยน"):
        file_request(holder, position=holder.registered_position, level=holder.registered_level)
    with pytest.raises(ValidationError):
        file_request(holder, order_number="สิบสอง")
    file_request(holder)
    with pytest.raises(ValidationError, match="รอพิจารณาอยู่แล้ว"):
        file_request(holder, level=level("K1"))
    assert ChangeRequest.objects.count() == 1


@pytest.mark.django_db
def test_the_holder_may_withdraw_a_pending_request_but_nobody_else(holder, reviewer_4701):
    request = file_request(holder)
    with pytest.raises(PermissionDenied):
        lifecycle.change_request_withdraw(change_request=request, actor=reviewer_4701)
    lifecycle.change_request_withdraw(change_request=request, actor=holder)
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.WITHDRAWN
    file_request(holder)  # a new one may follow


# ---------------------------------------------------------------------------------------------------------------
# Leavers and deactivation


def report(accounts, actor, **overrides):
    values = dict(accounts=accounts, reason=LeaverReport.Reason.RETIRED, left_on=datetime.date(2025, 9, 30), actor=actor,
                  scope=scope_of(actor, "menu_report_leavers"))
    return lifecycle.leaver_report_file(**(values | overrides))


@pytest.mark.django_db
def test_report_then_accept_deactivates_without_deleting(client, make_account, reviewer_4701, central):
    first = make_account("ISV_FEE_RECEIPT", unit_code="4701")
    second = make_account("ISV_USER", unit_code="4701")
    reports = report([first, second], reviewer_4701)
    assert [r.status for r in reports] == [LeaverReport.Status.PENDING] * 2
    assert lifecycle.leaver_reports_accept(reports=reports, actor=central, scope=scope_of(central, "menu_deactivate_accounts")) == 2
    first.refresh_from_db()
    assert first.is_active is False and first.deactivated_at is not None
    assert "เกษียณอายุราชการ" in first.deactivation_reason
    assert not UnitUserObjectPermission.objects.filter(user=first).exists()
    assert get_perms(User.objects.get(pk=first.pk), unit("4701")) == []
    assert User.objects.filter(pk__in=[first.pk, second.pk]).count() == 2  # never deleted
    assert set(LeaverReport.objects.values_list("status", flat=True)) == {LeaverReport.Status.ACCEPTED}
    assert Event.objects.filter(action="accounts.account.deactivated").count() == 2
    assert Event.objects.filter(action="accounts.leaver_report.accepted").count() == 2
    # The deactivated holder cannot log in any more.
    response = client.post(reverse("login"), {"username": first.username, "password": "correct-horse-2569"})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


@pytest.mark.django_db
def test_one_scan_serves_a_whole_batch(make_account, reviewer_4701, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    accounts = [make_account("ISV_USER", unit_code="4701") for _ in range(3)]
    reports = report(accounts, reviewer_4701, evidence=SimpleUploadedFile("order.pdf", b"%PDF-1.4 x"))
    names = {LeaverReport.objects.get(pk=r.pk).evidence.name for r in reports}
    assert len(names) == 1 and names != {""}
    assert len(list(tmp_path.rglob("*.pdf"))) == 1


@pytest.mark.django_db
def test_a_logged_in_session_ends_when_the_account_is_deactivated(client, make_account, reviewer_4701, central):
    account = make_account("ISV_USER", unit_code="4701")
    client.force_login(account)
    assert client.get(reverse("home")).status_code == 200
    lifecycle.leaver_reports_accept(reports=report([account], reviewer_4701), actor=central,
                                    scope=scope_of(central, "menu_deactivate_accounts"))
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_reporting_is_all_or_nothing_and_names_each_refused_account(make_account, reviewer_4701):
    inside = make_account("ISV_USER", unit_code="4701", username="inside.4701")
    outside = make_account("ISV_USER", unit_code="4702", username="outside.4702")
    with pytest.raises(ValidationError) as caught:
        report([inside, outside], reviewer_4701)
    assert caught.value.messages == ["บัญชี outside.4702 อยู่นอกขอบเขตหน่วยงานของท่าน"]
    assert not LeaverReport.objects.exists()
    report([inside], reviewer_4701)
    with pytest.raises(ValidationError, match="inside.4701 มีรายงานที่รอ"):
        report([inside], reviewer_4701)
    with pytest.raises(ValidationError, match="อนาคต"):
        report([make_account("ISV_USER")], reviewer_4701, left_on=datetime.date.today() + datetime.timedelta(days=2))


@pytest.mark.django_db
def test_only_the_centre_decides_reports(make_account, reviewer_4701, central):
    account = make_account("ISV_USER", unit_code="4701")
    reports = report([account], reviewer_4701)
    province_reviewer = make_account("PROVINCE_REVIEWER", unit_code="47")
    with pytest.raises(PermissionDenied):
        lifecycle.leaver_reports_accept(reports=reports, actor=province_reviewer,
                                        scope=scope_of(province_reviewer, "menu_report_leavers"))
    with pytest.raises(PermissionDenied):
        lifecycle.leaver_report_return(report=reports[0], actor=province_reviewer, reason="x",
                                       scope=scope_of(province_reviewer, "menu_report_leavers"))
    account.refresh_from_db()
    assert account.is_active


@pytest.mark.django_db
def test_return_needs_a_reason_and_keeps_the_account(make_account, reviewer_4701, central):
    account = make_account("ISV_USER", unit_code="4701")
    [filed] = report([account], reviewer_4701)
    scope = scope_of(central, "menu_deactivate_accounts")
    with pytest.raises(ValidationError, match=REASON_REQUIRED):
        lifecycle.leaver_report_return(report=filed, actor=central, reason="", scope=scope)
    lifecycle.leaver_report_return(report=filed, actor=central, reason="ไม่มีหลักฐานคำสั่งย้าย", scope=scope)
    filed.refresh_from_db()
    account.refresh_from_db()
    assert filed.status == LeaverReport.Status.RETURNED and account.is_active
    with pytest.raises(ValidationError, match="ไม่อยู่ในสถานะรอพิจารณา"):
        lifecycle.leaver_reports_accept(reports=[filed], actor=central, scope=scope)
    report([account], reviewer_4701)  # it may be reported again


# ---------------------------------------------------------------------------------------------------------------
# Transfers inside the department


@pytest.mark.django_db
def test_move_follows_the_new_order_and_its_roles(make_account, today):
    account = make_account("ISV_USER", "ISV_FEE_RECEIPT", unit_code="4701")
    # A move between two districts is decided by the province office, which answers for both.
    receiving = make_account("PROVINCE_REVIEWER", unit_code="47", position_name="จ่าจังหวัด")
    order = AssignmentOrderFactory(issuing_unit=unit("47"), number="88/2569")
    line = OrderLineFactory(order=order, official=account.official, role=role("ISV_USER"), unit=unit("4702"),
                            effective_from=today - datetime.timedelta(days=1))
    lifecycle.account_move(account=account, line=line, actor=receiving,
                           scope=scope_of(receiving, "menu_record_orders"))
    account.refresh_from_db()
    assert account.registered_unit.code == "4702"
    held = set(UnitUserObjectPermission.objects.filter(user=account).values_list("permission__role__code", "content_object__code"))
    assert held == {("ISV_USER", "4702")}
    moved = Event.objects.get(action="accounts.account.moved")
    assert moved.data["before"]["unit"] == "4701" and moved.data["after"]["unit"] == "4702"
    assert Event.objects.filter(action="accounts.role.revoked").count() == 2
    assert Event.objects.filter(action="accounts.role.granted").count() == 1


@pytest.mark.django_db
def test_move_refusals(make_account, today):
    account = make_account("ISV_USER", unit_code="4701")
    stranger = make_account("ISV_USER", unit_code="4702")
    receiving = make_account("PROVINCE_REVIEWER", unit_code="47", position_name="จ่าจังหวัด")
    scope = scope_of(receiving, "menu_record_orders")
    future = OrderLineFactory(official=account.official, unit=unit("4702"), effective_from=today + datetime.timedelta(days=5))
    with pytest.raises(ValidationError, match="ไม่มีผล"):
        lifecycle.account_move(account=account, line=future, actor=receiving, scope=scope)
    other = OrderLineFactory(official=stranger.official, unit=unit("4702"))
    with pytest.raises(ValidationError, match="ไม่ได้ระบุผู้ถือบัญชีนี้"):
        lifecycle.account_move(account=account, line=other, actor=receiving, scope=scope)
    elsewhere = OrderLineFactory(official=account.official, unit=unit("4901"))
    with pytest.raises(PermissionDenied):
        lifecycle.account_move(account=account, line=elsewhere, actor=receiving, scope=scope)
    # The receiving district alone cannot take an account registered at another office, even under its own order.
    district = make_account("DISTRICT_REVIEWER", unit_code="4702", position_name="เจ้าพนักงานปกครอง")
    incoming = OrderLineFactory(official=account.official, unit=unit("4702"), effective_from=today - datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        lifecycle.account_move(account=account, line=incoming, actor=district, scope=scope_of(district, "menu_record_orders"))
    account.refresh_from_db()
    assert account.registered_unit.code == "4701"


# ---------------------------------------------------------------------------------------------------------------
# Orders


def line_input(official, role_code="ISV_USER", unit_code="4701", **overrides):
    values = dict(national_id=official.national_id, role=role(role_code), unit=unit(unit_code),
                  position=official.position, level=official.level, effective_from=datetime.date(2026, 1, 1))
    return lifecycle.OrderLineInput(**(values | overrides))


@pytest.mark.django_db
def test_record_an_order_in_scope(make_account, reviewer_4701):
    person = make_account(held=False, unit_code="4701")
    scope = scope_of(reviewer_4701, "menu_record_orders")
    order = lifecycle.order_record(number="5/2569", order_date=datetime.date(2025, 12, 20), issuing_unit=unit("4701"),
                                   signer="นายอำเภอ", lines=[line_input(person.official)], actor=reviewer_4701, scope=scope)
    assert order.lines.get().official == person.official
    assert Event.objects.get(action="accounts.order.recorded").data["lines"][0]["role"] == "ISV_USER"
    with pytest.raises(ValidationError, match="บันทึกไว้แล้ว"):
        lifecycle.order_record(number="5/2569", order_date=datetime.date(2025, 12, 20), issuing_unit=unit("4701"),
                               signer="", lines=[line_input(person.official)], actor=reviewer_4701, scope=scope)
    with pytest.raises(PermissionDenied):
        lifecycle.order_record(number="6/2569", order_date=datetime.date(2025, 12, 20), issuing_unit=unit("4701"),
                               signer="", lines=[line_input(person.official, unit_code="4702")], actor=reviewer_4701,
                               scope=scope)
    with pytest.raises(ValidationError, match="รายการที่ 1"):
        lifecycle.order_record(number="7/2569", order_date=datetime.date(2025, 12, 20), issuing_unit=unit("4701"),
                               signer="", actor=reviewer_4701, scope=scope,
                               lines=[line_input(person.official, effective_to=datetime.date(2025, 1, 1))])
    assert person.official.order_lines.count() == 1


@pytest.mark.django_db
def test_revoking_an_order_stops_its_grants(make_account, reviewer_4701):
    person = make_account("ISV_FEE_RECEIPT", unit_code="4701")
    order = person.official.order_lines.get().order  # issued by the province office
    with pytest.raises(PermissionDenied, match="นอกขอบเขต"):
        lifecycle.order_revoke(order=order, actor=reviewer_4701, reason="ไม่ใช่ของอำเภอ", typed_number=order.number,
                               scope=scope_of(reviewer_4701, "menu_record_orders"))
    province = make_account("PROVINCE_REVIEWER", unit_code="47", position_name="จ่าจังหวัด")
    scope = scope_of(province, "menu_record_orders")
    with pytest.raises(ValidationError):
        lifecycle.order_revoke(order=order, actor=province, reason="", typed_number=order.number, scope=scope)
    with pytest.raises(ValidationError, match="พิมพ์เลขที่คำสั่ง"):
        lifecycle.order_revoke(order=order, actor=province, reason="บันทึกผิดฉบับ", typed_number="", scope=scope)
    serial, year = order.number.split("/")
    thai = f"{serial}/{year}".translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    lifecycle.order_revoke(order=order, actor=province, reason="บันทึกผิดฉบับ", typed_number=thai, scope=scope)
    assert account_rights(person).to_revoke[0].role.code == "ISV_FEE_RECEIPT"
    with pytest.raises(ValidationError, match="ยกเลิกแล้ว"):
        lifecycle.order_revoke(order=order, actor=province, reason="ซ้ำ", typed_number=order.number, scope=scope)
    order.refresh_from_db()
    assert order.revoked_at is not None


@pytest.mark.django_db
def test_nobody_revokes_the_order_behind_their_own_role_or_one_above_their_authority(make_account, reviewer_4701):
    scope = scope_of(reviewer_4701, "menu_record_orders")
    own = AssignmentOrderFactory(number="8/2569", issuing_unit=unit("4701"))
    OrderLineFactory(order=own, official=reviewer_4701.official, role=role("ISV_USER"), unit=unit("4701"))
    with pytest.raises(PermissionDenied, match="ระบุท่านเอง"):
        lifecycle.order_revoke(order=own, actor=reviewer_4701, reason="ทดสอบ", typed_number="8/2569", scope=scope)
    colleague = make_account(held=False, unit_code="4701")
    above = AssignmentOrderFactory(number="9/2569", issuing_unit=unit("4701"))
    OrderLineFactory(order=above, official=colleague.official, role=role("DISTRICT_REVIEWER"), unit=unit("4701"))
    with pytest.raises(PermissionDenied, match="รายการที่ 1"):
        lifecycle.order_revoke(order=above, actor=reviewer_4701, reason="ทดสอบ", typed_number="9/2569", scope=scope)
    own.refresh_from_db(), above.refresh_from_db()
    assert own.revoked_at is None and above.revoked_at is None
    assert Event.objects.filter(action="accounts.order.refused", actor=reviewer_4701).count() == 2


@pytest.mark.django_db
def test_an_order_number_typed_in_thai_digits_is_stored_as_the_import_stores_it(make_account, reviewer_4701):
    person = make_account(held=False, unit_code="4701")
    order = lifecycle.order_record(number="๐๑๒/๒๕๖๙", order_date=datetime.date(2025, 12, 20), issuing_unit=unit("4701"),
                                   signer="", lines=[line_input(person.official)], actor=reviewer_4701,
                                   scope=scope_of(reviewer_4701, "menu_record_orders"))
    assert order.number == "12/2569" and (order.number_year, order.number_serial) == (2569, 12)


@pytest.mark.django_db
def test_an_order_naming_someone_off_the_record_is_kept_as_written(make_account, reviewer_4701):
    """A newcomer the HR record does not have yet: the order is recorded with the name typed in, and a warning."""
    scope = scope_of(reviewer_4701, "menu_record_orders")
    clerk = make_account(held=False, unit_code="4701")
    newcomer = new_national_id()
    lines = [line_input(clerk.official, national_id=newcomer)]
    with pytest.raises(ValidationError, match="กรุณากรอกชื่อ-นามสกุลตามคำสั่ง"):
        lifecycle.order_record(number="6/2569", order_date=datetime.date(2025, 12, 20), issuing_unit=unit("4701"),
                               signer="นายอำเภอ", lines=lines, actor=reviewer_4701, scope=scope)
    lines = [line_input(clerk.official, national_id=newcomer, written_name="นางสาวมาใหม่ ยังไม่มีทะเบียน")]
    order = lifecycle.order_record(number="6/2569", order_date=datetime.date(2025, 12, 20), issuing_unit=unit("4701"),
                                   signer="นายอำเภอ", lines=lines, actor=reviewer_4701, scope=scope)
    line = order.lines.get()
    assert (line.official_id, line.written_name, line.hr_record) == (newcomer, "นางสาวมาใหม่ ยังไม่มีทะเบียน", None)
    [warning] = lifecycle.order_people_not_on_record(lines=lines, scope=scope)
    assert warning.startswith("รายการที่ 1: ไม่พบเลขประจำตัวประชาชน") and "ของหน่วยงานในขอบเขตของท่าน" in warning
    # The HR record arriving later is reached through the ID: nothing to relink.
    official = OfficialFactory(national_id=newcomer, unit=unit("4701"))
    line.refresh_from_db()
    assert line.hr_record == official


@pytest.mark.django_db
def test_an_order_tells_nothing_of_people_on_another_offices_record(make_account, reviewer_4701):
    """Someone on the HR record of 4901 is, to the office of 4701, exactly like someone unknown to the country:
    the same refusal without a name, the same warning with one, and the order's page shows the written name."""
    scope = scope_of(reviewer_4701, "menu_record_orders")
    outsider = make_account(held=False, unit_code="4901")
    unknown = new_national_id()
    messages = []
    for national_id in (outsider.official.national_id, unknown):
        with pytest.raises(ValidationError) as refused:
            lifecycle.order_record(number="6/2569", order_date=datetime.date(2025, 12, 20), issuing_unit=unit("4701"),
                                   signer="", lines=[line_input(outsider.official, national_id=national_id)],
                                   actor=reviewer_4701, scope=scope)
        lines = [line_input(outsider.official, national_id=national_id, written_name="ชื่อตามคำสั่ง")]
        messages.append((refused.value.messages, lifecycle.order_people_not_on_record(lines=lines, scope=scope)))
    (refusal_known, warning_known), (refusal_unknown, warning_unknown) = messages
    digits = [(outsider.official.national_id, unknown)]
    for known_text, unknown_text in [(refusal_known, refusal_unknown), (warning_known, warning_unknown)]:
        assert [_without_id(t, *digits[0]) for t in known_text] == [_without_id(t, *digits[0]) for t in unknown_text]
    order = lifecycle.order_record(
        number="6/2569", order_date=datetime.date(2025, 12, 20), issuing_unit=unit("4701"), signer="",
        lines=[line_input(outsider.official, written_name="ชื่อตามคำสั่ง")], actor=reviewer_4701, scope=scope,
    )
    assert order.lines.get().official == outsider.official


def _without_id(text: str, *national_ids: str) -> str:
    for national_id in national_ids:
        text = text.replace(format_national_id(national_id), "<ID>")
    return text


@pytest.mark.django_db
def test_approval_cannot_send_an_account_outside_the_deciders_scope(make_account, reviewer_4701):
    holder = make_account("ISV_USER", unit_code="4701")
    request = lifecycle.change_request_file(
        account=holder, filed_by=holder, position=holder.registered_position, level=holder.registered_level,
        unit=unit("4901"), order_number="9/2569", order_date=datetime.date(2026, 1, 5),
    )
    with pytest.raises(PermissionDenied):
        lifecycle.change_request_decide(change_request=request, actor=reviewer_4701, approve=True, reason="",
                                        scope=scope_of(reviewer_4701, "menu_decide_change_requests"))
    holder.refresh_from_db()
    assert holder.registered_unit.code == "4701"
    # Rejecting it stays possible: the decider answers for the account.
    lifecycle.change_request_decide(change_request=request, actor=reviewer_4701, approve=False, reason="หน่วยงานปลายทางต้องพิจารณา",
                                    scope=scope_of(reviewer_4701, "menu_decide_change_requests"))
