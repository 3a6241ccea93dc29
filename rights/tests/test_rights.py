"""One role at one unit, read on its own for the check at the moment of an action, says what the account's whole
rights say: held, the grant (the latest in-force order line), the policy refusal."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from rights.models import AssignmentOrder
from rights.scope import account_right_at, account_rights
from tests.factories import AssignmentOrderFactory, OrderLineFactory, hold, role, unit

DAY = datetime.date(2026, 6, 15)  # the circular's rank rule for auction and scrap receipts applies from this day


def read_alone(account, code, unit_code, on):
    item = account_right_at(User.objects.get(pk=account.pk), code, unit(unit_code), on=on)
    return item and (item.role.code, item.unit.code, item.held, item.grant and item.grant.pk, item.refusal)


def read_with_the_rest(account, code, unit_code, on):
    item = account_rights(User.objects.get(pk=account.pk), on=on).has_role_at(code, unit(unit_code))
    return item and (item.role.code, item.unit.code, item.held, item.grant and item.grant.pk, item.refusal)


@pytest.mark.django_db
def test_account_right_at_agrees_with_account_rights(make_account):
    day_before, day_after = DAY - datetime.timedelta(days=1), DAY + datetime.timedelta(days=1)
    both = make_account("ISV_FEE_RECEIPT", "ISV_AUCTION_RECEIPT", level_code="K2")  # the rank rule refuses auctions
    held_only = make_account("ISV_FEE_RECEIPT", ordered=False)
    ordered_only = make_account("ISV_FEE_RECEIPT", held=False)
    ends_before = make_account("ISV_FEE_RECEIPT", effective_to=day_before)
    ends_that_day = make_account("ISV_FEE_RECEIPT", effective_to=DAY)
    starts_after = make_account("ISV_FEE_RECEIPT", effective_from=day_after)
    starts_that_day = make_account("ISV_FEE_RECEIPT", effective_from=DAY)
    revoked = make_account("ISV_FEE_RECEIPT")
    AssignmentOrder.objects.filter(lines__official=revoked.official).update(revoked_at=timezone.now())
    # Three in-force lines: the latest effective_from wins, then the latest order date.
    several = make_account("ISV_SCRAP_RECEIPT", effective_from=datetime.date(2025, 10, 1))
    for order_date in (datetime.date(2026, 1, 5), datetime.date(2026, 1, 20)):
        OrderLineFactory(order=AssignmentOrderFactory(order_date=order_date), official=several.official,
                         role=role("ISV_SCRAP_RECEIPT"), unit=unit("4701"), effective_from=datetime.date(2026, 2, 1))
    elsewhere = make_account("ISV_FEE_RECEIPT", unit_code="4702")
    hold(elsewhere, "ISV_FEE_RECEIPT", "4701")
    not_in_hr_record = make_account("ISV_FEE_RECEIPT")
    User.objects.filter(pk=not_in_hr_record.pk).update(official_id="1999999999999")
    inactive = make_account("ISV_FEE_RECEIPT")
    User.objects.filter(pk=inactive.pk).update(is_active=False)

    cases = [
        (account, code, unit_code, on)
        for account in (both, held_only, ordered_only, ends_before, ends_that_day, starts_after, starts_that_day,
                        revoked, several, elsewhere, not_in_hr_record, inactive)
        for code in ("ISV_FEE_RECEIPT", "ISV_AUCTION_RECEIPT", "ISV_SCRAP_RECEIPT")
        for unit_code in ("4701", "4702")
        for on in (day_before, DAY)
    ]
    for case in cases:
        assert read_alone(*case) == read_with_the_rest(*case), case
    # The cases cover each outcome, not only agreeing Nones.
    outcomes = {read_alone(*case) for case in cases} - {None}
    assert {(held, grant is not None, refusal is not None) for _, _, held, grant, refusal in outcomes} == {
        (True, True, False), (True, False, False), (False, True, False), (True, True, True),
    }
    latest = several.official.order_lines.get(order__order_date=datetime.date(2026, 1, 20))
    assert read_alone(several, "ISV_SCRAP_RECEIPT", "4701", DAY)[3] == latest.pk


@pytest.mark.django_db
def test_the_grant_is_the_specs_latest_line_with_order_numbers_compared_as_numbers(make_account):
    """12/2569 comes after 9/2569 (and 1/2570 after both): the account's rights, the check at the moment of an action
    and the audit engine name the same line."""
    from audit.engine import audit_account

    account = make_account("ISV_FEE_RECEIPT", effective_from=datetime.date(2025, 1, 1))
    lines = {
        number: OrderLineFactory(
            order=AssignmentOrderFactory(number=number, issuing_unit=unit("4701"), order_date=datetime.date(2025, 12, 20)),
            official=account.official, role=role("ISV_FEE_RECEIPT"), unit=unit("4701"),
            effective_from=datetime.date(2026, 1, 1),
        )
        for number in ("9/2569", "12/2569", "100/2568")
    }
    on = datetime.date(2026, 1, 10)
    fresh = User.objects.get(pk=account.pk)
    assert account_right_at(fresh, "ISV_FEE_RECEIPT", unit("4701"), on=on).grant.pk == lines["12/2569"].pk
    assert account_rights(fresh, on=on).has_role_at("ISV_FEE_RECEIPT", unit("4701")).grant.pk == lines["12/2569"].pk
    engine = next(item for item in audit_account(account=account, as_of=on).role_items() if item.role.code == "ISV_FEE_RECEIPT")
    assert engine.grant.pk == lines["12/2569"].pk
