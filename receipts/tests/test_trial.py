"""The e-Bill trial period: separate numbering, and a purge before go-live that leaves real receipts alone."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Unit
from events.models import Event
from receipts.models import PayInSlip, Receipt, ReceiptCounter, ReceiptItem, ReceiptOffice
from receipts.services import payin_slip_create, receipt_office_update, receipt_void, trial_receipts_purge


@pytest.fixture
def mixed(clock, issue, make_account, fee_type):
    """4701: two real receipts (one voided), then trial mode with three trial receipts and a trial slip; 4702 in
    trial mode with one trial receipt."""
    clock(datetime.date(2026, 11, 2))
    u4701, u4702 = Unit.objects.get(code="4701"), Unit.objects.get(code="4702")
    receipt_office_update(unit=Unit.objects.get(code="DOPA"), actor=None, biller_tax_id="0994000999992",
                          biller_suffix="01")
    clerk = make_account("ISV_FEE_RECEIPT")
    other = make_account("ISV_FEE_RECEIPT", unit_code="4702")
    real = [issue(clerk), issue(clerk)]
    receipt_void(receipt=real[1], actor=clerk, reason="ผิด")
    receipt_office_update(unit=u4701, actor=None, trial_mode=True)
    receipt_office_update(unit=u4702, actor=None, trial_mode=True)
    trial = [issue(clerk) for _ in range(3)] + [issue(other, unit_code="4702")]
    slip = payin_slip_create(issuer=clerk, unit=u4701, fee_type=fee_type, amount=Decimal("100"), payer_name="ก")
    return {"clerk": clerk, "real": real, "trial": trial, "slip": slip}


@pytest.mark.django_db
def test_trial_receipts_are_marked_and_numbered_apart(mixed):
    assert [r.number for r in mixed["trial"][:3]] == [1, 2, 3]
    assert all(r.trial for r in mixed["trial"]) and not any(r.trial for r in mixed["real"])
    assert mixed["slip"].trial


@pytest.mark.django_db
def test_purge_removes_trial_data_and_leaves_real_receipts(mixed):
    real_before = list(Receipt.objects.filter(trial=False).order_by("pk").values())
    real_items = ReceiptItem.objects.filter(receipt__trial=False).count()
    summary = trial_receipts_purge()
    assert summary.total_receipts == 4 and summary.receipts == {"4701": 3, "4702": 1} and summary.total_slips == 1
    assert not Receipt.objects.filter(trial=True).exists()
    assert not PayInSlip.objects.filter(trial=True).exists()
    assert not ReceiptCounter.objects.filter(trial=True).exists()
    assert list(Receipt.objects.filter(trial=False).order_by("pk").values()) == real_before  # untouched, voided too
    assert ReceiptItem.objects.count() == real_items
    events = Event.objects.filter(action="receipts.trial.purged").order_by("seq")
    assert [(e.target_label, e.data["receipts"]) for e in events] == [("เมืองสกลนคร", 3), ("กุสุมาลย์", 1)]
    assert ReceiptCounter.objects.get(unit__code="4701", trial=False, kind="receipt").last_number == 2


@pytest.mark.django_db
def test_purge_of_one_unit_and_go_live(mixed, issue):
    trial_receipts_purge(unit=Unit.objects.get(code="4701"), go_live=True)
    assert list(Receipt.objects.filter(trial=True).values_list("unit__code", flat=True)) == ["4702"]
    assert not ReceiptOffice.objects.get(unit__code="4701").trial_mode
    assert ReceiptOffice.objects.get(unit__code="4702").trial_mode
    assert issue(mixed["clerk"]).number_display == "4701/2570/000003"  # the real series goes on


@pytest.mark.django_db
def test_purge_dry_run_changes_nothing(mixed):
    count, events = Receipt.objects.count(), Event.objects.count()
    summary = trial_receipts_purge(dry_run=True, go_live=True)
    assert summary.total_receipts == 4 and summary.went_live == ["4701", "4702"]
    assert Receipt.objects.count() == count and Event.objects.count() == events
    assert ReceiptOffice.objects.filter(trial_mode=True).count() == 2


@pytest.mark.django_db
def test_purge_command(mixed):
    out = StringIO()
    call_command("purge_trial_receipts", "--dry-run", stdout=out)
    assert "Would remove 4 trial receipts" in out.getvalue()
    assert Receipt.objects.filter(trial=True).count() == 4
    out = StringIO()
    call_command("purge_trial_receipts", "--go-live", stdout=out)
    assert "Removed 4 trial receipts" in out.getvalue() and "4701, 4702" in out.getvalue()
    assert Receipt.objects.filter(trial=False).count() == 2 and not Receipt.objects.filter(trial=True).exists()
