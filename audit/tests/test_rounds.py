"""Review rounds: opening, answers checked against the facts, completion per office, reminders and escalation."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.models import UnitUserObjectPermission, User
from audit import rounds
from audit.models import CLEAN, ReviewRound, RoundItem, RoundReminder
from events.models import Event
from lifecycle import services as lifecycle
from rights.rules import AuthorityRefused
from rights.scope import account_rights
from tests.factories import level, unit

D = RoundItem.Decision


def scope(user, menu="menu_review_accounts"):
    return account_rights(user).scope_for(menu)


@pytest.fixture
def world(make_account, today):
    people = {
        "rev4701": make_account("DISTRICT_REVIEWER", unit_code="4701", position_name="เจ้าพนักงานปกครอง", username="rev4701"),
        "rev4702": make_account("DISTRICT_REVIEWER", unit_code="4702", position_name="เจ้าพนักงานปกครอง", username="rev4702"),
        "rev47": make_account("PROVINCE_REVIEWER", unit_code="47", position_name="จ่าจังหวัด", username="rev47"),
        "central": make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4",
                                username="central"),
        "clean": make_account("ISV_USER", unit_code="4701", username="clean4701"),
        "mismatch": make_account("ISV_USER", unit_code="4701", username="mismatch4701"),
        "retired": make_account("ISV_USER", unit_code="4701", username="retired4701", birth_date=datetime.date(1960, 3, 1)),
        "other": make_account("ISV_USER", unit_code="4702", username="clean4702"),
    }
    User.objects.filter(pk=people["mismatch"].pk).update(registered_level=level("K2"))
    for key in ("rev4701", "rev4702", "rev47"):
        User.objects.filter(pk=people[key].pk).update(email=f"{key}@example.go.th")
    return people


def open_round(world, today, **overrides):
    values = dict(name="รอบทดสอบ", as_of=today, deadline=today + datetime.timedelta(days=7), actor=world["central"],
                  scope=scope(world["central"]))
    return rounds.round_open(**(values | overrides))


def item(review_round, username, code):
    return RoundItem.objects.get(round=review_round, account__username=username, code=code)


@pytest.mark.django_db
def test_opening_makes_one_item_per_problem_and_one_to_confirm_per_clean_account(world, today):
    review_round = open_round(world, today)
    codes = dict(RoundItem.objects.filter(round=review_round).values_list("account__username", "code"))
    assert codes["clean4701"] == CLEAN
    assert codes["mismatch4701"] == "LEVEL_MISMATCH"
    assert codes["retired4701"] == "RETIRED_ACTIVE"
    assert item(review_round, "mismatch4701", "LEVEL_MISMATCH").unit == unit("4701")
    assert set(RoundItem.objects.filter(round=review_round).values_list("decision", flat=True)) == {D.NOT_VERIFIED}
    assert Event.objects.get(action="audit.round.opened").data["items"] == RoundItem.objects.count()


@pytest.mark.django_db
def test_a_round_opened_on_the_english_interface_keeps_its_findings_in_thai(world, today):
    from django.utils import translation

    with translation.override("en"):
        review_round = open_round(world, today)
    explanation = item(review_round, "mismatch4701", "LEVEL_MISMATCH").explanation
    assert explanation.startswith("ระดับที่ลงทะเบียน (") and "differs" not in explanation


@pytest.mark.django_db
def test_only_the_centre_opens_and_dates_are_checked(world, today):
    with pytest.raises(PermissionDenied):
        open_round(world, today, actor=world["rev47"], scope=scope(world["rev47"]))
    with pytest.raises(ValidationError, match="ไม่ก่อนวันที่ของข้อมูล"):
        open_round(world, today, deadline=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="กรุณาตั้งชื่อรอบ"):
        open_round(world, today, name=" ")
    assert not ReviewRound.objects.exists()


@pytest.mark.django_db
def test_completion_counts_per_office_roll_up_to_the_province_and_the_country(world, today):
    review_round = open_round(world, today)
    rev4701 = world["rev4701"]
    rounds.round_item_decide(item=item(review_round, "clean4701", CLEAN), decision=D.CONFIRMED, actor=rev4701,
                             scope=scope(rev4701))
    # Province view, drilled into the province: its own office first, then each district.
    offices, total = rounds.round_progress(review_round=review_round, scope=scope(world["rev47"]), parent=unit("47"))
    by_code = {o.unit.code: (o.total, o.decided, o.not_verified) for o in offices}
    assert by_code["47"] == (1, 0, 1)  # the province reviewer's own account
    assert by_code["4701"] == (4, 1, 3)  # rev4701, clean, mismatch, retired
    assert by_code["4702"] == (2, 0, 2)
    assert offices[0].unit.code == "47" and offices[0].own_items == 1
    assert (total.total, total.decided) == (7, 1)
    # The centre's first page: one row per province (and bureau), everything below rolled up.
    offices, total = rounds.round_progress(review_round=review_round, scope=scope(world["central"]), parent=None)
    by_code = {o.unit.code: (o.total, o.decided) for o in offices}
    assert by_code == {"47": (7, 1), "DOPA-LEGAL": (1, 0)}
    # A district reviewer sees only their office.
    offices, total = rounds.round_progress(review_round=review_round, scope=scope(rev4701), parent=None)
    assert [(o.unit.code, o.total, o.decided, o.percent) for o in offices] == [("4701", 4, 1, 25)]


@pytest.mark.django_db
def test_overdue_offices_are_flagged_and_counted_for_the_office_above(world, today):
    review_round = open_round(world, today)
    answer_4702(world, review_round)
    late = review_round.deadline + datetime.timedelta(days=1)
    offices, _ = rounds.round_progress(review_round=review_round, scope=scope(world["rev47"]), parent=unit("47"), on=late)
    overdue = {o.unit.code: o.overdue for o in offices}
    assert overdue == {"47": True, "4701": True, "4702": False}
    offices, _ = rounds.round_progress(review_round=review_round, scope=scope(world["central"]), parent=None, on=late)
    province = next(o for o in offices if o.unit.code == "47")
    assert province.overdue and province.overdue_below == 1  # 4701 (the province's own office is not "below")


def answer_4702(world, review_round) -> None:
    """Office 4702 answers all its items: its reviewer the clean account, the province the reviewer's own."""
    rounds.round_item_decide(item=item(review_round, "clean4702", CLEAN), decision=D.CONFIRMED,
                             actor=world["rev4702"], scope=scope(world["rev4702"]))
    rounds.round_item_decide(item=item(review_round, "rev4702", CLEAN), decision=D.CONFIRMED,
                             actor=world["rev47"], scope=scope(world["rev47"]))


@pytest.mark.django_db
def test_nobody_answers_the_item_of_their_own_account(world, today):
    review_round = open_round(world, today)
    own = item(review_round, "rev4701", CLEAN)
    with pytest.raises(AuthorityRefused, match="บัญชีของท่านเอง"):
        rounds.round_item_decide(item=own, decision=D.CONFIRMED, actor=world["rev4701"], scope=scope(world["rev4701"]))
    own.refresh_from_db()
    assert own.decision == D.NOT_VERIFIED and own.decided_by is None
    refusal = Event.objects.get(action="audit.round.refused")
    assert refusal.actor == world["rev4701"] and refusal.data["rule"] == "self_dealing"


@pytest.mark.django_db
def test_answers_are_checked_against_the_facts(world, today):
    review_round = open_round(world, today)
    rev4701, s = world["rev4701"], scope(world["rev4701"])
    mismatch = item(review_round, "mismatch4701", "LEVEL_MISMATCH")
    with pytest.raises(ValidationError, match="ยังพบปัญหานี้อยู่"):
        rounds.round_item_decide(item=mismatch, decision=D.FIXED, actor=rev4701, scope=s)
    with pytest.raises(ValidationError, match="ยังไม่มีคำขอเปลี่ยนแปลงข้อมูล"):
        rounds.round_item_decide(item=mismatch, decision=D.CHANGE_REQUEST, actor=rev4701, scope=s)
    with pytest.raises(ValidationError, match="ใช้กับปัญหา"):
        rounds.round_item_decide(item=mismatch, decision=D.LEAVER, actor=rev4701, scope=s)
    with pytest.raises(ValidationError, match="ใช้กับปัญหา"):
        rounds.round_item_decide(item=mismatch, decision=D.CONFIRMED, actor=rev4701, scope=s)
    holder = world["mismatch"]
    request = lifecycle.change_request_file(account=holder, filed_by=holder, position=holder.registered_position,
                                           level=level("K3"), unit=holder.registered_unit, order_number="1/2569",
                                           order_date=datetime.date(2026, 1, 1))
    rounds.round_item_decide(item=mismatch, decision=D.CHANGE_REQUEST, actor=rev4701, scope=s)
    lifecycle.change_request_decide(change_request=request, actor=rev4701, approve=True, reason="", scope=scope(rev4701, "menu_decide_change_requests"))
    rounds.round_item_decide(item=mismatch, decision=D.FIXED, actor=rev4701, scope=s)
    assert RoundItem.objects.get(pk=mismatch.pk).decision == D.FIXED
    decided = Event.objects.filter(action="audit.round.decided").order_by("seq").last()
    assert decided.data["before"]["decision"] == D.CHANGE_REQUEST and decided.data["after"]["decision"] == D.FIXED

    retired = item(review_round, "retired4701", "RETIRED_ACTIVE")
    with pytest.raises(ValidationError, match="ยังไม่มีรายงานผู้พ้นจากหน้าที่"):
        rounds.round_item_decide(item=retired, decision=D.LEAVER, actor=rev4701, scope=s)
    lifecycle.leaver_report_file(accounts=[world["retired"]], reason="retired", left_on=datetime.date(2020, 9, 30),
                                 actor=rev4701, scope=scope(rev4701, "menu_report_leavers"))
    rounds.round_item_decide(item=retired, decision=D.LEAVER, actor=rev4701, scope=s)


@pytest.mark.django_db
def test_an_exception_needs_a_reason_and_an_end_date(world, today):
    review_round = open_round(world, today)
    rev4701, s = world["rev4701"], scope(world["rev4701"])
    retired = item(review_round, "retired4701", "RETIRED_ACTIVE")
    with pytest.raises(ValidationError, match="เหตุผล"):
        rounds.round_item_decide(item=retired, decision=D.EXCEPTION, actor=rev4701, scope=s,
                                 exception_until=today + datetime.timedelta(days=30))
    with pytest.raises(ValidationError, match="วันสิ้นสุด"):
        rounds.round_item_decide(item=retired, decision=D.EXCEPTION, actor=rev4701, scope=s, reason="ต่ออายุราชการ")
    with pytest.raises(ValidationError, match="วันสิ้นสุด"):
        rounds.round_item_decide(item=retired, decision=D.EXCEPTION, actor=rev4701, scope=s, reason="ต่ออายุราชการ",
                                 exception_until=today - datetime.timedelta(days=1))
    rounds.round_item_decide(item=retired, decision=D.EXCEPTION, actor=rev4701, scope=s, reason="ต่ออายุราชการ",
                             exception_until=today + datetime.timedelta(days=30))
    retired.refresh_from_db()
    assert (retired.decision, retired.exception_until) == (D.EXCEPTION, today + datetime.timedelta(days=30))


@pytest.mark.django_db
def test_out_of_scope_and_closed_rounds_are_refused_and_nothing_is_decided_by_default(world, today):
    review_round = open_round(world, today)
    clean = item(review_round, "clean4701", CLEAN)
    with pytest.raises(PermissionDenied):
        rounds.round_item_decide(item=clean, decision=D.CONFIRMED, actor=world["rev4702"], scope=scope(world["rev4702"]))
    held_before = UnitUserObjectPermission.objects.count()
    with pytest.raises(PermissionDenied):
        rounds.round_close(review_round=review_round, actor=world["rev47"], scope=scope(world["rev47"]))
    rounds.round_close(review_round=review_round, actor=world["central"], scope=scope(world["central"]))
    with pytest.raises(ValidationError, match="ปิดแล้ว"):
        rounds.round_item_decide(item=clean, decision=D.CONFIRMED, actor=world["rev4701"], scope=scope(world["rev4701"]))
    assert set(RoundItem.objects.values_list("decision", flat=True)) == {D.NOT_VERIFIED}
    assert UnitUserObjectPermission.objects.count() == held_before
    assert User.objects.get(pk=world["retired"].pk).is_active


# ---------------------------------------------------------------------------------------------------------------
# Reminders


@pytest.mark.django_db
def test_reminders_before_the_deadline_go_to_unfinished_offices_once_a_day(world, today, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    review_round = open_round(world, today, deadline=today + datetime.timedelta(days=3))
    answer_4702(world, review_round)
    call_command("send_round_reminders", days="3", base_url="https://rights.example.go.th/")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["rev4701@example.go.th", "rev47@example.go.th"]  # 4702 has finished
    to_4701 = next(m for m in mail.outbox if m.to == ["rev4701@example.go.th"])
    assert "อีก 3 วัน" in to_4701.subject
    assert "ยังไม่ได้ตรวจสอบ 4 จาก 4 รายการ" in to_4701.body
    assert f"https://rights.example.go.th/audit/rounds/{review_round.pk}/offices/4701/" in to_4701.body
    call_command("send_round_reminders", days="3")
    assert len(mail.outbox) == 2  # not twice the same day
    assert RoundReminder.objects.count() == 2
    assert Event.objects.filter(action="audit.round.reminded").count() == 2
    mail.outbox.clear()
    call_command("send_round_reminders", days="7", date=(today + datetime.timedelta(days=1)).isoformat())
    assert mail.outbox == []  # two days left is not a reminder day


@pytest.mark.django_db
def test_after_the_deadline_the_office_above_is_alerted(world, today, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    review_round = open_round(world, today, deadline=today + datetime.timedelta(days=1))
    # The province reviewer's own account is answered by the centre: nobody reviews themselves.
    rounds.round_item_decide(item=item(review_round, "rev47", CLEAN), decision=D.CONFIRMED, actor=world["central"],
                             scope=scope(world["central"]))
    late = today + datetime.timedelta(days=2)
    plans = rounds.round_reminders_send(review_round=review_round, on=late, days_before=[7, 3, 1])
    kinds = sorted((p.kind, p.unit.code) for p in plans)
    assert ("overdue", "4701") in kinds and ("overdue", "4702") in kinds
    assert ("escalation", "47") in kinds
    escalation = next(m for m in mail.outbox if "หน่วยงานในสังกัด" in m.subject)
    assert escalation.to == ["rev47@example.go.th"]
    assert "อำเภอเมืองสกลนคร: ยังไม่ได้ตรวจสอบ 4 จาก 4 รายการ" in escalation.body
    assert not any(p.kind == "overdue" and p.unit.code == "47" for p in plans)  # the province office finished its own


@pytest.mark.django_db
def test_reviewers_whose_role_is_not_ordered_get_no_mail(world, make_account, today):
    from tests.factories import hold

    stray = make_account("ISV_USER", unit_code="4701", username="stray")
    User.objects.filter(pk=stray.pk).update(email="stray@example.go.th")
    hold(stray, "DISTRICT_REVIEWER", "4701")  # held without an order
    reviewers = rounds.reviewers_of([unit("4701")], on=today)
    assert [u.username for u in reviewers[unit("4701").pk]] == ["rev4701"]


# ---------------------------------------------------------------------------------------------------------------
# Screens


@pytest.mark.django_db
def test_round_screens_for_the_centre_and_an_office(client, world, today):
    client.force_login(world["central"])
    response = client.post(reverse("audit:round-open"), {"name": "รอบ 1/2570", "as_of": "", "deadline": "2400-01-01"})
    assert response.status_code == 200 and not ReviewRound.objects.exists()
    deadline = today + datetime.timedelta(days=10)
    response = client.post(reverse("audit:round-open"), {
        "name": "รอบ 1/2570", "as_of": f"{today.year + 543}-{today:%m-%d}", "deadline": deadline.isoformat()})
    review_round = ReviewRound.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("audit:round-detail", args=[review_round.pk])).content.decode()
    assert "ที่ทำการปกครองจังหวัดสกลนคร" in page

    client.force_login(world["rev4701"])
    assert "รอบ 1/2570" in client.get(reverse("audit:round-list")).content.decode()
    assert client.post(reverse("audit:round-open"), {"name": "x"}).status_code == 403
    office = client.get(reverse("audit:round-office", args=[review_round.pk, "4701"]))
    assert office.status_code == 200 and "mismatch4701" in office.content.decode()
    date_boxes = re.findall(r'<input[^>]*name="exception_until"[^>]*>', office.content.decode())
    assert date_boxes and all("data-thai-date" in box and 'placeholder="15/06/2569"' in box for box in date_boxes)
    assert client.get(reverse("audit:round-office", args=[review_round.pk, "4702"])).status_code == 404
    target = item(review_round, "clean4701", CLEAN)
    client.post(reverse("audit:round-item-decide", args=[target.pk]), {"decision": D.CONFIRMED})
    assert RoundItem.objects.get(pk=target.pk).decision == D.CONFIRMED
    other = item(review_round, "clean4702", CLEAN)
    assert client.post(reverse("audit:round-item-decide", args=[other.pk]), {"decision": D.CONFIRMED}).status_code == 404
    response = client.post(reverse("audit:round-item-decide", args=[item(review_round, "retired4701", "RETIRED_ACTIVE").pk]),
                           {"decision": D.EXCEPTION, "reason": ""}, follow=True)
    assert "retired4701" in response.content.decode() and "กรุณาระบุเหตุผล" in response.content.decode()

    client.force_login(world["clean"])
    assert client.get(reverse("audit:round-list")).status_code == 403


@pytest.mark.django_db
def test_office_page_costs_the_same_for_few_and_many_accounts(client, world, make_account, today,
                                                             django_assert_max_num_queries):
    review_round = open_round(world, today)
    client.force_login(world["rev4701"])
    url = reverse("audit:round-office", args=[review_round.pk, "4701"])
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    for _ in range(20):
        account = make_account("ISV_USER", unit_code="4701")
        RoundItem.objects.create(round=review_round, account=account, unit=unit("4701"), code=CLEAN)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(url).context["rows"]) == 24


@pytest.mark.django_db
def test_the_navigation_counts_unanswered_items_for_the_office(client, world, today):
    open_round(world, today)
    client.force_login(world["rev4701"])
    menu = client.get(reverse("home")).context["menu"]
    assert next(m for m in menu if m["url_name"] == "audit:round-list")["count"] == 4
    client.force_login(world["central"])  # the centre follows completion; it has nothing to answer itself
    menu = client.get(reverse("home")).context["menu"]
    assert next(m for m in menu if m["url_name"] == "audit:round-list")["count"] == 0


@pytest.mark.django_db
def test_an_office_confirms_all_its_clean_accounts_at_once(client, world, today):
    review_round = open_round(world, today)
    client.force_login(world["rev4701"])
    url = reverse("audit:round-office", args=[review_round.pk, "4701"])
    assert "ยังไม่ได้ยืนยัน 2 บัญชี" in client.get(url).content.decode()  # rev4701 and clean4701
    assert client.post(reverse("audit:round-confirm-clean", args=[review_round.pk, "4702"])).status_code == 404
    client.post(reverse("audit:round-confirm-clean", args=[review_round.pk, "4701"]))
    decided = dict(RoundItem.objects.filter(round=review_round, unit=unit("4701")).values_list("account__username", "decision"))
    # The reviewer's own account is left for someone else to answer.
    assert decided == {"rev4701": D.NOT_VERIFIED, "clean4701": D.CONFIRMED, "mismatch4701": D.NOT_VERIFIED,
                       "retired4701": D.NOT_VERIFIED}
    assert RoundItem.objects.get(round=review_round, account__username="clean4702").decision == D.NOT_VERIFIED
    assert Event.objects.filter(action="audit.round.decided", data__bulk=True).count() == 1
    rounds.round_close(review_round=review_round, actor=world["central"], scope=scope(world["central"]))
    with pytest.raises(ValidationError):
        rounds.round_confirm_clean(review_round=review_round, unit=unit("4702"), actor=world["rev4702"],
                                   scope=scope(world["rev4702"]))


def bulk(client, review_round, unit_code="4701", **data):
    return client.post(reverse("audit:round-items-decide", args=[review_round.pk, unit_code]), data, follow=True)


@pytest.mark.django_db
def test_many_ticked_items_take_one_answer_and_one_reason_and_each_is_logged(client, world, today):
    review_round = open_round(world, today)
    client.force_login(world["rev4701"])
    ticked = [item(review_round, "clean4701", CLEAN).pk, item(review_round, "rev4701", CLEAN).pk]
    page = bulk(client, review_round, target="selected", items=ticked, decision=D.CONFIRMED, reason="ตรวจกับคำสั่งแล้ว")
    html = page.content.decode()
    assert "บันทึกผลการตรวจสอบแล้ว 1 รายการ" in html and "รายการของบัญชีท่านเอง 1 รายการยังไม่ได้บันทึก" in html
    answered = item(review_round, "clean4701", CLEAN)
    assert (answered.decision, answered.reason, answered.decided_by) == (D.CONFIRMED, "ตรวจกับคำสั่งแล้ว", world["rev4701"])
    assert item(review_round, "rev4701", CLEAN).decision == D.NOT_VERIFIED  # for another reviewer
    assert Event.objects.filter(action="audit.round.decided", data__item=answered.pk).count() == 1


@pytest.mark.django_db
def test_a_batch_with_one_item_that_cannot_take_the_answer_saves_nothing_and_names_it(client, world, today):
    review_round = open_round(world, today)
    client.force_login(world["rev4701"])
    mismatch = RoundItem.objects.get(round=review_round, account__username="mismatch4701")
    ticked = [item(review_round, "clean4701", CLEAN).pk, mismatch.pk]
    html = bulk(client, review_round, target="selected", items=ticked, decision=D.FIXED).content.decode()
    # A clean account cannot be "fixed", and the level mismatch is still there: both named, neither saved.
    assert "ไม่ได้บันทึกรายการใดเลย: 2 รายการรับผลการตรวจสอบนี้ไม่ได้" in html
    assert "clean4701 · ไม่พบปัญหา" in html and "mismatch4701 · ระดับไม่ตรงกับคำสั่ง: ยังพบปัญหานี้อยู่" in html
    assert set(RoundItem.objects.filter(pk__in=ticked).values_list("decision", flat=True)) == {D.NOT_VERIFIED}
    assert not Event.objects.filter(action="audit.round.decided").exists()
    # An item of another office is no choice of this office's form: nothing saved either.
    other = item(review_round, "clean4702", CLEAN).pk
    bulk(client, review_round, target="selected", items=[other], decision=D.CONFIRMED)
    assert RoundItem.objects.get(pk=other).decision == D.NOT_VERIFIED
    client.force_login(world["rev4702"])
    assert client.post(reverse("audit:round-items-decide", args=[review_round.pk, "4701"]),
                       {"target": "selected", "items": ticked, "decision": D.CONFIRMED}).status_code == 404


@pytest.mark.django_db
def test_every_unanswered_item_of_one_problem_takes_one_exception_at_once(client, world, today):
    review_round = open_round(world, today)
    client.force_login(world["rev4701"])
    url = reverse("audit:round-office", args=[review_round.pk, "4701"])
    page = client.get(url, {"code": "LEVEL_MISMATCH"}).content.decode()
    assert "ทุกรายการที่ยังไม่ได้ตอบของปัญหา “ระดับไม่ตรงกับคำสั่ง” (1 รายการ)" in page
    until = today + datetime.timedelta(days=30)
    html = bulk(client, review_round, target="all_of_problem", code="LEVEL_MISMATCH", decision=D.EXCEPTION,
                reason="รอคำสั่งเลื่อนระดับ", exception_until=f"{until.day}/{until.month}/{until.year + 543}").content.decode()
    assert "บันทึกผลการตรวจสอบแล้ว 1 รายการ" in html
    answered = RoundItem.objects.get(round=review_round, account__username="mismatch4701", code="LEVEL_MISMATCH")
    assert (answered.decision, answered.exception_until) == (D.EXCEPTION, until)
    assert item(review_round, "clean4701", CLEAN).decision == D.NOT_VERIFIED  # another problem: untouched


# ---------------------------------------------------------------------------------------------------------------
# Changes only: what changed since the office's last closed round, the rest carried forward


def close_round(world, review_round):
    rounds.round_close(review_round=review_round, actor=world["central"], scope=scope(world["central"]))


@pytest.mark.django_db
def test_a_changes_only_round_carries_the_answers_of_unchanged_accounts_and_asks_again_for_changed_ones(
        world, today, make_account):
    first = open_round(world, today, name="รอบที่ 1")
    rev4701 = world["rev4701"]
    for username in ("clean4701", "mismatch4701"):
        code = CLEAN if username == "clean4701" else "LEVEL_MISMATCH"
        decision = D.CONFIRMED if code == CLEAN else D.EXCEPTION
        rounds.round_item_decide(item=item(first, username, code), decision=decision, actor=rev4701,
                                 scope=scope(rev4701), reason="ตรวจแล้ว",
                                 exception_until=today + datetime.timedelta(days=60) if decision == D.EXCEPTION
                                 else None)
    rounds.round_item_decide(item=item(first, "clean4702", CLEAN), decision=D.CONFIRMED, actor=world["rev4702"],
                             scope=scope(world["rev4702"]))
    close_round(world, first)
    # Since then: one account's HR record changed position, one account is new.
    changed = world["other"].official
    from accounts.models import Position
    changed.position = Position.objects.get(name_th="เจ้าพนักงานปกครอง")
    changed.save()
    make_account("ISV_USER", unit_code="4701", username="newcomer4701")

    second = open_round(world, today, name="รอบที่ 2", changes_only=True)
    full = open_round(world, today, name="รอบเต็ม")

    confirmed = item(second, "clean4701", CLEAN)
    assert (confirmed.decision, confirmed.reason, confirmed.decided_by) == (D.CONFIRMED, "ตรวจแล้ว", rev4701)
    assert confirmed.carried_from == item(first, "clean4701", CLEAN) and confirmed.changes == []
    excepted = item(second, "mismatch4701", "LEVEL_MISMATCH")
    assert excepted.decision == D.EXCEPTION and excepted.is_carried
    # The changed account is answered again and its item says what changed, old and new.
    again = item(second, "clean4702", CLEAN)
    assert again.decision == D.NOT_VERIFIED and not again.is_carried
    assert {"field": "hr_position", "old": "ปลัดอำเภอ", "new": "เจ้าพนักงานปกครอง"} in again.changes
    assert [change["field"] for change in again.changes] == ["hr_position"]
    # A new account has no earlier snapshot: every field is shown as new, and nothing is carried.
    newcomer = item(second, "newcomer4701", CLEAN)
    assert newcomer.decision == D.NOT_VERIFIED and len(newcomer.changes) == len(rounds.SNAPSHOT_FIELDS)
    # A full round of the same day asks everything again.
    assert set(full.items.values_list("decision", flat=True)) == {D.NOT_VERIFIED}
    assert full.items.count() == second.items.count()
    assert not full.items.filter(carried_from__isnull=False).exists()
    data = Event.objects.filter(action="audit.round.opened").order_by("seq")[1].data
    assert data["changes_only"] and data["carried_items"] == 2
    assert data["changed_accounts"] == second.items.exclude(changes=[]).values("account").distinct().count()


@pytest.mark.django_db
def test_an_exception_that_ended_and_a_fixed_answer_are_not_carried(world, today):
    first = open_round(world, today, name="รอบที่ 1")
    rounds.round_item_decide(item=item(first, "mismatch4701", "LEVEL_MISMATCH"), decision=D.EXCEPTION,
                             actor=world["rev4701"], scope=scope(world["rev4701"]), reason="รอคำสั่ง",
                             exception_until=today + datetime.timedelta(days=5))
    close_round(world, first)
    # The next round reads the accounts after the exception's end date: it is answered again.
    later = today + datetime.timedelta(days=6)
    second = open_round(world, later, name="รอบที่ 2", changes_only=True, deadline=later + datetime.timedelta(days=7))
    assert item(second, "mismatch4701", "LEVEL_MISMATCH").decision == D.NOT_VERIFIED
    # The retired account's RETIRED_ACTIVE was never answered: nothing to carry.
    assert item(second, "retired4701", "RETIRED_ACTIVE").decision == D.NOT_VERIFIED


@pytest.mark.django_db
def test_without_a_closed_round_a_changes_only_round_asks_everything(world, today):
    open_round(world, today, name="ยังไม่ปิด")
    second = open_round(world, today, name="เฉพาะที่เปลี่ยน", changes_only=True)
    assert set(second.items.values_list("decision", flat=True)) == {D.NOT_VERIFIED}
    assert all(changes for changes in second.items.values_list("changes", flat=True))


@pytest.mark.django_db
def test_the_office_page_shows_what_changed_and_what_was_carried(client, world, today, django_assert_max_num_queries):
    first = open_round(world, today, name="รอบที่ 1")
    rounds.round_item_decide(item=item(first, "clean4701", CLEAN), decision=D.CONFIRMED, actor=world["rev4701"],
                             scope=scope(world["rev4701"]))
    close_round(world, first)
    User.objects.filter(username="mismatch4701").update(registered_level=level("K3"))
    second = open_round(world, today, name="รอบที่ 2", changes_only=True)
    client.force_login(world["rev4701"])
    url = reverse("audit:round-office", args=[second.pk, "4701"])
    with django_assert_max_num_queries(30):
        page = client.get(url).content.decode()
    assert "ยกผลมาจากรอบก่อน" in page and "รอบนี้ตรวจเฉพาะบัญชีที่เปลี่ยนแปลง" in page
    assert "ระดับที่ลงทะเบียน: <del>K2</del> → <ins>K3</ins>" in page
