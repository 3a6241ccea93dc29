"""The circular's rank rule and the other rights checked when a receipt is issued or voided."""

import datetime

import pytest

from accounts.models import Level, Official, Position, Unit
from events.models import Event
from receipts.models import Receipt, ReceiptCounter
from receipts.services import (
    ACCOUNT_INACTIVE,
    ALREADY_VOIDED,
    REASON_REQUIRED,
    ReceiptRefused,
    receipt_void,
)
from rights.models import Role

BEFORE_CIRCULAR = datetime.date(2026, 6, 14)
CIRCULAR_DAY = datetime.date(2026, 6, 15)
CIRCULAR = "มท ๐๓๐๗/ว๑๓๕๐๗"
ROLE_OF = {"AUCTION": "ISV_AUCTION_RECEIPT", "SCRAP": "ISV_SCRAP_RECEIPT", "FEE": "ISV_FEE_RECEIPT"}


def refusals():
    return Event.objects.filter(action="receipts.receipt.refused").order_by("seq")


@pytest.mark.django_db
@pytest.mark.parametrize("category", ["AUCTION", "SCRAP"])
@pytest.mark.parametrize(
    "position_name, level_code, day, allowed",
    [
        # The date edge: the day before the circular applies, anyone holding the role may issue.
        ("ปลัดอำเภอ", "K2", BEFORE_CIRCULAR, True),
        ("ปลัดอำเภอ", "K2", CIRCULAR_DAY, False),
        # The level edge, on the day it applies.
        ("ปลัดอำเภอ", "K3", CIRCULAR_DAY, True),
        ("เจ้าพนักงานปกครอง", "K2", CIRCULAR_DAY, False),
        ("เจ้าพนักงานปกครอง", "K3", CIRCULAR_DAY, True),
        ("ปลัดอำเภอ", "K4", CIRCULAR_DAY, True),  # "or above"
        # The position edge: a chief district officer (M1) and a K3 of another position are not allowed.
        ("นายอำเภอ", "M1", CIRCULAR_DAY, False),
        ("นักจัดการงานทั่วไป", "K3", CIRCULAR_DAY, False),
        ("นายอำเภอ", "M1", BEFORE_CIRCULAR, True),
    ],
)
def test_rank_rule_at_its_edges(clock, issue, make_account, category, position_name, level_code, day, allowed):
    account = make_account(ROLE_OF[category], position_name=position_name, level_code=level_code)
    clock(day)
    if allowed:
        receipt = issue(account, category)
        assert receipt.issued_on == day
        assert not refusals().exists()
        return
    with pytest.raises(ReceiptRefused) as refused:
        issue(account, category)
    message = str(refused.value)
    assert refused.value.rule == "policy"
    assert "15 มิถุนายน 2569" in message and CIRCULAR in message  # says since when, quoting the circular
    assert f"“{Role.objects.get(code=ROLE_OF[category]).name_th}”" in message and ROLE_OF[category] not in message
    assert ("ตำแหน่ง" in message) if position_name not in ("ปลัดอำเภอ", "เจ้าพนักงานปกครอง") else ("ระดับ" in message)
    assert not Receipt.objects.exists()
    assert not ReceiptCounter.objects.filter(last_number__gt=0).exists()  # the refused issue took no number
    event = refusals().get()
    assert event.actor_id == account.pk
    assert event.data["rule"] == "policy" and event.data["action"] == "issue" and event.data["reason"] == message
    assert event.target_label == f"ออกใบเสร็จรับเงิน{dict(AUCTION='งานขายทอดตลาด', SCRAP='ค่าของเก่า')[category]} ที่ 4701"


@pytest.mark.django_db
def test_fee_receipts_have_no_rank_rule(clock, issue, make_account):
    clerk = make_account("ISV_FEE_RECEIPT", position_name="เจ้าพนักงานธุรการ", level_code="O2")
    clock(CIRCULAR_DAY)
    assert issue(clerk, "FEE").number == 1


@pytest.mark.django_db
def test_hr_record_decides_not_the_registration(clock, issue, make_account):
    """A K2 who registered as K3 is refused; a K3 who registered as K2 may issue."""
    clock(CIRCULAR_DAY)
    claims_more = make_account("ISV_AUCTION_RECEIPT", level_code="K2")
    claims_more.registered_level = Level.objects.get(code="K3")
    claims_more.save()
    with pytest.raises(ReceiptRefused, match="ระดับตามทะเบียนบุคคลคือ ชำนาญการ"):
        issue(claims_more, "AUCTION")

    claims_less = make_account("ISV_AUCTION_RECEIPT", level_code="K3")
    claims_less.registered_level = Level.objects.get(code="K2")
    claims_less.registered_position = Position.objects.get(name_th="เจ้าพนักงานธุรการ")
    claims_less.save()
    assert issue(claims_less, "AUCTION").number == 1


@pytest.mark.django_db
def test_hr_record_change_takes_effect_at_once(clock, issue, make_account):
    clock(CIRCULAR_DAY)
    account = make_account("ISV_SCRAP_RECEIPT", level_code="K3")
    issue(account, "SCRAP")
    Official.objects.filter(pk=account.official.pk).update(level=Level.objects.get(code="K2"))
    account.refresh_from_db()
    with pytest.raises(ReceiptRefused):
        issue(account, "SCRAP")


@pytest.mark.django_db
def test_role_at_another_unit_is_refused(clock, issue, make_account):
    clock(CIRCULAR_DAY)
    account = make_account("ISV_FEE_RECEIPT", unit_code="4702")
    with pytest.raises(ReceiptRefused) as refused:
        issue(account, "FEE", unit_code="4701")
    assert refused.value.rule == "role_not_held"
    assert "ออกใบเสร็จรับเงินค่าธรรมเนียมอื่น" in str(refused.value) and "เมืองสกลนคร" in str(refused.value)
    assert refusals().get().unit_path == Unit.objects.get(code="4701").path
    assert issue(account, "FEE", unit_code="4702").unit.code == "4702"


@pytest.mark.django_db
def test_role_for_another_category_is_refused(clock, issue, make_account):
    clock(CIRCULAR_DAY)
    clerk = make_account("ISV_FEE_RECEIPT", position_name="เจ้าพนักงานธุรการ", level_code="O2")
    with pytest.raises(ReceiptRefused, match="ไม่ได้ถือบทบาท จำหน่ายใบเสร็จรับเงินงานขายทอดตลาด"):
        issue(clerk, "AUCTION")


@pytest.mark.django_db
def test_held_role_without_an_in_force_order_is_refused(clock, issue, make_account):
    clock(CIRCULAR_DAY)
    no_order = make_account("ISV_FEE_RECEIPT", ordered=False)
    with pytest.raises(ReceiptRefused) as refused:
        issue(no_order, "FEE")
    assert refused.value.rule == "no_order"
    assert "ไม่มีคำสั่งมอบหมายที่มีผลในวันที่ 15 มิถุนายน 2569" in str(refused.value)

    ended = make_account("ISV_FEE_RECEIPT", effective_to=CIRCULAR_DAY - datetime.timedelta(days=1))
    with pytest.raises(ReceiptRefused, match="ไม่มีคำสั่งมอบหมาย"):
        issue(ended, "FEE")


@pytest.mark.django_db
def test_ordered_but_not_held_is_refused(clock, issue, make_account):
    clock(CIRCULAR_DAY)
    account = make_account("ISV_FEE_RECEIPT", held=False)
    with pytest.raises(ReceiptRefused) as refused:
        issue(account, "FEE")
    assert refused.value.rule == "role_not_held"


@pytest.mark.django_db
def test_inactive_account_and_official_out_of_service_are_refused(clock, issue, make_account):
    clock(CIRCULAR_DAY)
    inactive = make_account("ISV_FEE_RECEIPT")
    inactive.is_active = False
    inactive.save()
    with pytest.raises(ReceiptRefused, match=ACCOUNT_INACTIVE):
        issue(inactive, "FEE")

    transferred = make_account("ISV_FEE_RECEIPT", status=Official.Status.TRANSFERRED)
    with pytest.raises(ReceiptRefused, match="ย้าย"):
        issue(transferred, "FEE")

    past_retirement = make_account("ISV_FEE_RECEIPT", birth_date=datetime.date(1965, 5, 1))  # retired 30 Sep 2025
    with pytest.raises(ReceiptRefused, match="เกษียณอายุราชการ"):
        issue(past_retirement, "FEE")
    assert refusals().count() == 3


@pytest.mark.django_db
def test_refusal_log_survives_an_outer_rollback_of_the_refused_action(clock, issue, make_account):
    """The refused action's own transaction rolls back; the log entry is written after it."""
    clock(CIRCULAR_DAY)
    account = make_account("ISV_AUCTION_RECEIPT", level_code="K2")
    with pytest.raises(ReceiptRefused):
        issue(account, "AUCTION")
    assert refusals().count() == 1
    assert not Event.objects.filter(action="receipts.receipt.issued").exists()


# ---------------------------------------------------------------------------------------------------------------
# Voiding


@pytest.mark.django_db
def test_voiding_follows_the_same_rank_rule(clock, issue, make_account):
    k2 = make_account("ISV_AUCTION_RECEIPT", level_code="K2")
    k3 = make_account("ISV_AUCTION_RECEIPT", level_code="K3")
    clock(BEFORE_CIRCULAR)
    receipt = issue(k2, "AUCTION")  # allowed on 14 June 2026

    clock(CIRCULAR_DAY)
    with pytest.raises(ReceiptRefused) as refused:
        receipt_void(receipt=receipt, actor=k2, reason="ออกผิดรายการ")
    assert refused.value.rule == "policy" and CIRCULAR in str(refused.value)
    receipt.refresh_from_db()
    assert receipt.voided_at is None
    event = refusals().get()
    assert event.data["action"] == "void" and event.target_id == str(receipt.pk)

    voided = receipt_void(receipt=receipt, actor=k3, reason="ออกผิดรายการ")
    assert voided.is_voided and voided.voided_by == k3 and voided.void_reason == "ออกผิดรายการ"
    assert voided.number == 1 and voided.number_display == "4701/2569/000001"  # keeps its number
    assert Event.objects.filter(action="receipts.receipt.voided", target_id=str(receipt.pk)).count() == 1


@pytest.mark.django_db
def test_voiding_at_another_unit_is_refused(clock, issue, make_account):
    clock(CIRCULAR_DAY)
    receipt = issue(make_account("ISV_FEE_RECEIPT"), "FEE")
    elsewhere = make_account("ISV_FEE_RECEIPT", unit_code="4702")
    with pytest.raises(ReceiptRefused, match="เมืองสกลนคร"):
        receipt_void(receipt=receipt, actor=elsewhere, reason="ผิด")


@pytest.mark.django_db
def test_void_needs_a_reason_and_happens_once(clock, issue, make_account):
    from django.core.exceptions import ValidationError

    clock(CIRCULAR_DAY)
    account = make_account("ISV_FEE_RECEIPT")
    receipt = issue(account, "FEE")
    with pytest.raises(ValidationError, match=REASON_REQUIRED):
        receipt_void(receipt=receipt, actor=account, reason="  ")
    receipt_void(receipt=receipt, actor=account, reason="ผู้ชำระขอยกเลิก")
    with pytest.raises(ValidationError, match=ALREADY_VOIDED):
        receipt_void(receipt=receipt, actor=account, reason="อีกครั้ง")
    receipt.refresh_from_db()
    assert receipt.void_reason == "ผู้ชำระขอยกเลิก"
