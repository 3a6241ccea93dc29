from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Event
from receipts.models import PayInSlip, Receipt, ReceiptOffice


@pytest.mark.django_db
def test_demo_receipts_build_once_through_the_services():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_receipts", stdout=out)
    assert "Demo receipts built" in out.getvalue()
    assert Receipt.objects.filter(unit__code="4701", trial=False).count() == 7
    assert Receipt.objects.filter(unit__code="4701", voided_at__isnull=False).count() == 1
    assert set(Receipt.objects.filter(unit__code="4701").values_list("category", flat=True)) == {"AUCTION", "SCRAP", "FEE"}
    assert Receipt.objects.filter(unit__code="4702", trial=True).count() == 1
    assert PayInSlip.objects.count() == 2
    assert Event.objects.filter(action="receipts.receipt.refused", actor__username="palad.k2.4701").count() == 1
    call_command("seed_demo_receipts", stdout=StringIO())
    assert Receipt.objects.count() == 8


@pytest.mark.django_db
def test_demo_receipts_need_the_demo_world():
    out = StringIO()
    call_command("seed_demo_receipts", stdout=out)
    assert "run seed_demo first" in out.getvalue() and not Receipt.objects.exists()


@pytest.mark.django_db
def test_receipt_office_command_switches_trial_mode_and_logs_it():
    call_command("receipt_office", "4701", "--trial", "on", stdout=StringIO())
    assert ReceiptOffice.objects.get(unit__code="4701").trial_mode
    event = Event.objects.get(action="receipts.office.updated")
    assert event.data["before"]["trial_mode"] is False and event.data["after"]["trial_mode"] is True
    with pytest.raises(CommandError):
        call_command("receipt_office", "4701", "--biller-tax-id", "123", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("receipt_office", "9999", stdout=StringIO())
