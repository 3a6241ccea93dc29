"""Fixtures for the receipts tests: a settable clock and a one-call way to issue a receipt."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def clock(monkeypatch):
    """Set "now" (and so today in Asia/Bangkok) for everything that asks django.utils.timezone."""

    def set_day(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BANGKOK)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_day


@pytest.fixture
def fee_type():
    from receipts.models import FeeType

    return FeeType.objects.get(code="IDCARD")


@pytest.fixture
def issue(fee_type):
    """Issue a receipt through the service with sensible defaults; keyword arguments override them."""
    from accounts.models import Unit
    from receipts.services import ItemInput, receipt_issue

    def _issue(account, category: str = "FEE", *, unit_code: str = "4701", items=None, **overrides):
        values = {
            "issuer": account,
            "unit": Unit.objects.get(code=unit_code),
            "category": category,
            "payer_name": "นายผู้ชำระ ทดสอบ",
            "items": items or [ItemInput("ค่าธรรมเนียมออกบัตรใหม่", Decimal("1"), Decimal("100.00"))],
            "payment_method": "cash",
            "fee_type": fee_type if category == "FEE" else None,
        }
        values.update(overrides)
        return receipt_issue(**values)

    return _issue
