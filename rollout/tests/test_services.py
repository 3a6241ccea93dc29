"""The rules of a rollout: nominations checked at once (policy, quota, deadline, self, scope), the centre's
decisions, the order compiled for four eyes, the registration window, and the calendar at its boundary dates."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import Unit, User
from events.models import Event
from receipts.models import Receipt, ReceiptOffice
from receipts.rollout_calendar import rollout_apply_calendar
from rights.models import OrderLine
from rights.rules import AuthorityRefused
from rollout import services
from rollout.models import Nomination
from rollout.selectors import registration_window_refusal, rollout_completion


def with_email(account, email):
    account.email = email
    account.save(update_fields=["email"])
    return account


def actions():
    return list(Event.objects.order_by("seq").values_list("action", flat=True))


@pytest.mark.django_db
def test_dates_out_of_order_are_refused_naming_the_field(central, national, calendar):
    calendar["purge_on"] = calendar["trial_to"]
    with pytest.raises(ValidationError) as caught:
        services.rollout_create(actor=central, scope=national, name="x", roles=[], **calendar)
    assert "วันลบข้อมูลช่วงทดลอง ต้องอยู่หลังสิ้นสุดการทดลองใช้งาน" in caught.value.message_dict["purge_on"]


@pytest.mark.django_db
def test_only_the_centre_keeps_the_plan(reviewer_4701, scope_4701, calendar):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.rollout_create(actor=reviewer_4701, scope=scope_4701, name="x", roles=[], **calendar)


@pytest.mark.django_db
def test_rollout_update_logs_before_and_after(rollout, central, national, calendar):
    services.rollout_update(rollout=rollout, actor=central, scope=national, roles=rollout.roles.all(),
                            max_users_per_office=5)
    event = Event.objects.filter(action="rollout.rollout.changed").get()
    assert event.data["before"]["max_users_per_office"] == 2 and event.data["after"]["max_users_per_office"] == 5


@pytest.mark.django_db
def test_a_nomination_is_filed_pending_and_logged(nominate, person):
    nomination = nominate(person(), reason="ผู้รับผิดชอบงานขายทอดตลาด", trainee=True)
    assert nomination.status == Nomination.Status.PENDING and nomination.trainee
    assert actions()[-1] == "rollout.nomination.filed"


@pytest.mark.django_db
def test_a_nomination_the_policy_refuses_says_why(nominate, person):
    with pytest.raises(ValidationError) as caught:
        nominate(person(level_code="K2"))
    message = caught.value.messages[0]
    assert "“จำหน่ายใบเสร็จรับเงินงานขายทอดตลาด”" in message and "ชำนาญการพิเศษ" in message
    assert not Nomination.objects.exists()
    refused = Event.objects.get(action="rollout.nomination.refused")
    assert refused.data["rule"] == "policy"


@pytest.mark.django_db
def test_the_office_quota_and_the_trainee_quota(nominate, person):
    nominate(person(), trainee=True)
    with pytest.raises(ValidationError, match="ผู้เข้ารับการอบรมครบ 1 คน"):
        nominate(person(), trainee=True)
    nominate(person(), "ISV_FEE_RECEIPT")
    with pytest.raises(ValidationError, match="เสนอชื่อครบ 2 คน"):
        nominate(person(), "ISV_FEE_RECEIPT")
    assert Nomination.objects.count() == 2


@pytest.mark.django_db
def test_a_withdrawn_nomination_frees_its_place(nominate, person, reviewer_4701, scope_4701):
    first = nominate(person(), "ISV_FEE_RECEIPT")
    nominate(person(), "ISV_FEE_RECEIPT")
    services.nomination_withdraw(nomination=first, actor=reviewer_4701, scope=scope_4701)
    nominate(person(), "ISV_FEE_RECEIPT")
    assert "rollout.nomination.withdrawn" in actions()


@pytest.mark.django_db
def test_filing_after_the_deadline_is_refused(nominate, person, rollout):
    with pytest.raises(ValidationError, match="เลยกำหนดส่งรายชื่อแล้ว"):
        nominate(person(), on=rollout.nomination_deadline + datetime.timedelta(days=1))
    nominate(person(), on=rollout.nomination_deadline)  # the deadline itself still counts


@pytest.mark.django_db
def test_nobody_nominates_themselves(nominate, reviewer_4701):
    with pytest.raises(AuthorityRefused) as caught:
        nominate(reviewer_4701.official, "ISV_FEE_RECEIPT")
    assert caught.value.rule == "self_dealing"
    assert Event.objects.get(action="rollout.nomination.refused").data["rule"] == "self_dealing"


@pytest.mark.django_db
def test_a_person_of_another_office_is_unknown_to_the_office(nominate, person):
    with pytest.raises(ValidationError, match="ไม่พบบุคคล"):
        nominate(person(unit_code="4702"))


@pytest.mark.django_db
def test_an_office_outside_the_scope_is_refused(nominate, person):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        nominate(person(unit_code="4702"), unit="4702")


@pytest.mark.django_db
def test_the_centre_decides_and_refusing_needs_a_reason(nominate, person, central, national):
    nomination = nominate(person())
    with pytest.raises(ValidationError, match="เหตุผล"):
        services.nomination_decide(nomination=nomination, accept=False, actor=central, scope=national)
    services.nomination_decide(nomination=nomination, accept=True, actor=central, scope=national)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ACCEPTED and nomination.decided_by == central
    with pytest.raises(ValidationError):
        services.nomination_decide(nomination=nomination, accept=False, reason="x", actor=central, scope=national)


@pytest.mark.django_db
def test_completion_counts_offices_per_province(nominate, person, rollout):
    nominate(person())
    rows, total = rollout_completion(rollout=rollout)
    row = next(r for r in rows if r.code == "47")
    assert row.nominated == 1 and row.offices > 1 and total.nominated == 1
    rows, _ = rollout_completion(rollout=rollout, province=Unit.objects.get(code="47"))
    assert [r.nominated for r in rows if r.code == "4701"] == [1]


@pytest.mark.django_db
def test_reminders_go_to_offices_that_have_not_nominated(nominate, person, rollout, make_account, central):
    for code in ("4702", "4701"):
        with_email(make_account("DISTRICT_REVIEWER", unit_code=code, position_name="เจ้าพนักงานปกครอง"),
                   f"r{code}@dopa.go.th")
    nominate(person())
    sent = services.rollout_reminders_send(rollout=rollout, actor=central)
    assert sent == {"4702": ["r4702@dopa.go.th"]}
    assert len(mail.outbox) == 1 and "4702" not in mail.outbox[0].subject
    assert Event.objects.filter(action="rollout.reminders.sent").count() == 1
    assert services.rollout_reminders_send(
        rollout=rollout, actor=central, on=rollout.nomination_deadline + datetime.timedelta(days=1)) == {}


@pytest.fixture
def accepted(nominate, person, central, national, reviewer_4701):
    nominations = [nominate(person()), nominate(person(), "ISV_FEE_RECEIPT")]
    for nomination in nominations:
        services.nomination_decide(nomination=nomination, accept=True, actor=central, scope=national)
    return nominations


@pytest.mark.django_db
def test_compile_makes_one_order_pending_confirmation(rollout, accepted, central, central_two, national, today):
    from lifecycle.services import order_confirm

    order = services.rollout_order_compile(rollout=rollout, number="77/2569", order_date=today,
                                           signer="อธิบดีกรมการปกครอง", actor=central, scope=national)
    rollout.refresh_from_db()
    assert rollout.order == order and order.issuing_unit.code == "DOPA-FINANCE"
    assert order.scan.name.endswith(".pdf") and order.scan.read(4) == b"%PDF"
    lines = list(order.lines.order_by("pk"))
    assert [line.official_id for line in lines] == [n.official_id for n in accepted]
    assert all(line.confirmed_at is None for line in lines)
    assert all(line.effective_from == rollout.registration_from for line in lines)
    with pytest.raises(AuthorityRefused):
        order_confirm(order=order, actor=central, scope=national)  # the recorder is not the second pair of eyes
    assert order_confirm(order=order, actor=central_two, scope=national) == 2
    assert OrderLine.objects.filter(order=order, confirmed_by=central_two).count() == 2
    with pytest.raises(ValidationError, match="ออกคำสั่งมอบหมายแล้ว"):
        services.rollout_order_compile(rollout=rollout, number="78/2569", order_date=today, signer="x",
                                       actor=central, scope=national)


@pytest.mark.django_db
def test_compile_waits_for_every_decision(rollout, nominate, person, central, national, today):
    nominate(person())
    with pytest.raises(ValidationError, match="รอพิจารณา 1 รายการ"):
        services.rollout_order_compile(rollout=rollout, number="77/2569", order_date=today, signer="x",
                                       actor=central, scope=national)


# ---------------------------------------------------------------------------------------------------------------
# The registration window


@pytest.mark.django_db
def test_activation_is_refused_outside_the_window_and_allowed_inside(rollout, accepted, reviewer_4701, scope_4701,
                                                                     monkeypatch):
    from signin import activation

    official = accepted[0].official
    account = User.objects.create(username="nominee", official=official, registered_unit=official.unit,
                                  registered_position=official.position, registered_level=official.level)
    account.set_unusable_password()
    account.save()
    monkeypatch.setattr(activation, "today", lambda: rollout.registration_from - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        activation.activation_issue(account=account, actor=reviewer_4701, scope=scope_4701, channel="printed")
    assert "ยังไม่อยู่ในช่วงลงทะเบียน" in caught.value.messages[0]
    for day in (rollout.registration_from, rollout.registration_to):
        monkeypatch.setattr(activation, "today", lambda day=day: day)
        assert activation.activation_issue(account=account, actor=reviewer_4701, scope=scope_4701,
                                           channel="printed").secret
    monkeypatch.setattr(activation, "today", lambda: rollout.registration_to + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        activation.activation_issue(account=account, actor=reviewer_4701, scope=scope_4701, channel="printed")


@pytest.mark.django_db
def test_someone_never_nominated_is_not_concerned(person, rollout):
    assert registration_window_refusal(national_id=person().national_id, on=rollout.go_live_on) is None


# ---------------------------------------------------------------------------------------------------------------
# The calendar


def trial(code="4701") -> bool:
    return ReceiptOffice.objects.filter(unit__code=code, trial_mode=True).exists()


@pytest.mark.django_db
def test_the_calendar_at_its_boundary_dates(rollout, accepted, make_account, monkeypatch):
    from receipts.models import FeeType
    from receipts.services import ItemInput, receipt_issue

    days = datetime.timedelta(days=1)
    assert rollout_apply_calendar(on=rollout.trial_from - days) == [] and not trial()
    assert [step for _, step in rollout_apply_calendar(on=rollout.trial_from)] == ["trial"] and trial()
    assert not trial("4702")  # no nomination there
    assert rollout_apply_calendar(on=rollout.trial_from) == []  # idempotent
    assert rollout_apply_calendar(on=rollout.trial_to) == [] and trial()
    clerk = make_account("ISV_FEE_RECEIPT")
    receipt = receipt_issue(issuer=clerk, unit=Unit.objects.get(code="4701"), category="FEE", payer_name="ก",
                            fee_type=FeeType.objects.get(code="IDCARD"), payment_method="cash",
                            items=[ItemInput("ค่าธรรมเนียม", 1, 100)])
    assert receipt.trial
    assert rollout_apply_calendar(on=rollout.purge_on - days) == [] and Receipt.objects.filter(pk=receipt.pk).exists()
    assert [step for _, step in rollout_apply_calendar(on=rollout.purge_on)] == ["purge"]
    assert not Receipt.objects.filter(pk=receipt.pk).exists() and trial()
    assert rollout_apply_calendar(on=rollout.purge_on) == []
    assert rollout_apply_calendar(on=rollout.go_live_on - days) == [] and trial()
    assert [step for _, step in rollout_apply_calendar(on=rollout.go_live_on)] == ["go_live"] and not trial()
    assert rollout_apply_calendar(on=rollout.go_live_on) == []
    steps = [e.data["step"] for e in Event.objects.filter(action="rollout.calendar.applied").order_by("seq")]
    assert steps == ["trial", "purge", "go_live"]
    rollout.refresh_from_db()
    assert rollout.trial_started_at and rollout.purged_at and rollout.went_live_at


@pytest.mark.django_db
def test_a_missed_run_purges_before_going_live(rollout, accepted):
    rollout_apply_calendar(on=rollout.trial_from)
    assert [step for _, step in rollout_apply_calendar(on=rollout.go_live_on)] == ["purge", "go_live"]


@pytest.mark.django_db
def test_the_calendar_command(rollout, accepted):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rollout_calendar", "--date", rollout.trial_from.isoformat(), stdout=out)
    assert "trial" in out.getvalue() and trial()


@pytest.mark.django_db
def test_the_remind_command(rollout, make_account):
    from io import StringIO

    from django.core.management import call_command

    with_email(make_account("DISTRICT_REVIEWER", unit_code="4702", position_name="เจ้าพนักงานปกครอง"), "r@dopa.go.th")
    out = StringIO()
    call_command("rollout_remind", stdout=out)
    assert "4702 -> 1" in out.getvalue() and mail.outbox
