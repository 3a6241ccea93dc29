"""Acting officials (รักษาราชการแทน / ปฏิบัติราชการแทน): an order line appointing someone to act in a position is
judged on that position and level during its dates, and on the HR record's outside them."""

import datetime

import pytest

from audit.engine import audit_account
from rights.models import OrderLine
from rights.scope import account_right_at, account_rights
from rights.sync import rights_plan
from tests.factories import AssignmentOrderFactory, OrderLineFactory, hold, level, role, unit

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 7, 31)
AUCTION = "ISV_AUCTION_RECEIPT"  # from 15 June 2569 only a ปลัดอำเภอ or เจ้าพนักงานปกครอง at K3 or above


@pytest.fixture
def k2_palad(make_account):
    """A ปลัดอำเภอ at K2, ordered to act in a K3 post for July 2026 and holding the auction-receipt role."""
    account = make_account(level_code="K2", username="palad.k2.acting")
    order = AssignmentOrderFactory(issuing_unit=unit("47"), number="44/2569", order_date=datetime.date(2026, 6, 25))
    OrderLineFactory(order=order, official=account.official, role=role(AUCTION), unit=unit("4701"),
                     level=level("K3"), effective_from=START, effective_to=END, acting=OrderLine.Acting.ACTING)
    hold(account, AUCTION, unit("4701"))
    return account


def item(account, on):
    return next(i for i in account_rights(account, on=on).items if i.role.code == AUCTION)


@pytest.mark.parametrize(("on", "effective"), [
    (START - datetime.timedelta(days=1), False),  # the day before: no line in force, nothing granted
    (START, True),
    (END, True),
    (END + datetime.timedelta(days=1), False),  # the day after: back to the HR record's K2, and no line
])
def test_the_acting_level_counts_only_during_the_lines_dates(k2_palad, on, effective):
    assert item(k2_palad, on).effective is effective
    at = account_right_at(k2_palad, AUCTION, unit("4701"), on=on)
    assert bool(at and at.effective) is effective


def test_a_line_in_ones_own_position_is_judged_on_the_hr_record_whatever_it_says(make_account):
    account = make_account(level_code="K2", username="palad.k2.own")
    OrderLineFactory(official=account.official, role=role(AUCTION), unit=unit("4701"), level=level("K3"),
                     effective_from=START, effective_to=END)
    hold(account, AUCTION, unit("4701"))
    refused = item(account, START)
    assert not refused.effective and "ระดับตามทะเบียนบุคคลคือ" in refused.refusal


def test_the_audit_and_rights_sync_judge_the_acting_post(k2_palad):
    assert "POLICY_VIOLATION" not in audit_account(account=k2_palad, as_of=START).codes
    assert "POLICY_VIOLATION" not in {flag.code for flag in audit_account(account=k2_palad, as_of=END).flags}
    assert not [c for c in rights_plan(accounts=type(k2_palad).objects.filter(pk=k2_palad.pk), on=START)
                if c.role.code == AUCTION]


def test_an_acting_line_in_a_post_it_does_not_qualify_for_is_refused_in_the_acting_words(make_account):
    account = make_account(level_code="K2", username="palad.k2.acting.low")
    OrderLineFactory(official=account.official, role=role(AUCTION), unit=unit("4701"), level=level("K2"),
                     effective_from=START, effective_to=END, acting=OrderLine.Acting.DEPUTISING)
    hold(account, AUCTION, unit("4701"))
    refused = item(account, START)
    assert not refused.effective and "ระดับที่รักษาราชการแทนตามคำสั่งคือ" in refused.refusal
