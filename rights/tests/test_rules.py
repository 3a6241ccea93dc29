"""rights.rules: the rules every path calls, each against its source."""

import datetime

import pytest

from accounts.models import Official
from rights import rules
from rights.models import Role
from rights.scope import Scope
from tests.factories import OrderLineFactory, role, unit

ON = datetime.date(2026, 7, 1)


def test_a_line_is_in_force_between_its_dates_once_confirmed_and_while_its_order_stands():
    base = {"effective_from": datetime.date(2026, 1, 1), "effective_to": datetime.date(2026, 12, 31), "on": ON}
    assert rules.line_in_force(**base)
    assert rules.line_in_force(**{**base, "on": datetime.date(2026, 12, 31)})  # the last day counts
    assert not rules.line_in_force(**{**base, "on": datetime.date(2027, 1, 1)})
    assert not rules.line_in_force(**{**base, "on": datetime.date(2025, 12, 31)})
    assert rules.line_in_force(**{**base, "effective_to": None})
    assert not rules.line_in_force(**base, revoked=True)
    assert not rules.line_in_force(**base, confirmed=False)  # four eyes: recorded only, grants nothing


def test_latest_compares_order_numbers_as_year_then_serial():
    day = datetime.date(2026, 1, 1)
    key = lambda number: rules.line_precedence(  # noqa: E731
        effective_from=day, order_date=day, number_year=rules.order_number_parts(number)[0],
        number_serial=rules.order_number_parts(number)[1], pk=1)
    assert key("12/2569") > key("9/2569")
    assert key("1/2570") > key("99/2569")
    assert rules.order_number_parts("123/2569") == (2569, 123)


@pytest.mark.django_db
def test_the_database_keeps_the_same_year_and_serial_and_latest_first_agrees():
    old = OrderLineFactory(order__number="9/2569")
    new = OrderLineFactory(order__number="12/2569", official=old.official)
    old.order.refresh_from_db()
    assert (old.order.number_year, old.order.number_serial) == rules.order_number_parts("9/2569")
    from rights.models import OrderLine

    assert list(OrderLine.objects.filter(official=old.official).latest_first()) == [new, old]


def test_registration_mismatches_name_each_field_that_differs():
    assert rules.registration_mismatches(registered=(1, 2, 3), ordered=(1, 2, 3)) == []
    assert rules.registration_mismatches(registered=(1, 2, 3), ordered=(9, 2, 8)) == ["POSITION_MISMATCH",
                                                                                        "UNIT_MISMATCH"]
    assert rules.registration_mismatches(registered=(1, 2, 3), ordered=None) == []


def test_separation_follows_the_hr_status_and_the_retirement_date():
    assert rules.separation(status=Official.Status.ACTIVE, retirement_date=datetime.date(2026, 9, 30), on=ON) is None
    assert rules.separation(status=Official.Status.ACTIVE, retirement_date=datetime.date(2026, 6, 30),
                            on=ON) == "RETIRED_ACTIVE"
    assert rules.separation(status=Official.Status.TRANSFERRED, retirement_date=None, on=ON) == "TRANSFERRED_ACTIVE"
    assert rules.separation(status=Official.Status.DECEASED, retirement_date=None, on=ON) == "SEPARATED_ACTIVE"


@pytest.mark.django_db
@pytest.mark.parametrize(("roots", "code", "at", "allowed"), [
    (["4701"], "ISV_FEE_RECEIPT", "4701", True),
    (["4701"], "ISV_FEE_RECEIPT", "4702", False),  # another district
    (["4701"], "DISTRICT_REVIEWER", "4701", False),  # the province's to grant
    (["47"], "DISTRICT_REVIEWER", "4701", True),
    (["47"], "DISTRICT_REVIEWER", "4901", False),  # another province
    (["47"], "PROVINCE_REVIEWER", "47", False),  # the centre's
    (["47"], "CENTRAL_ADMIN", "4701", False),
    (None, "CENTRAL_ADMIN", "DOPA-LEGAL", True),
    (None, "PROVINCE_REVIEWER", "49", True),
])
def test_who_may_grant_which_role_where(roots, code, at, allowed):
    scope = Scope(national=True) if roots is None else Scope(roots=[unit(c) for c in roots])
    assert rules.may_grant(scope, role(code), unit(at)) is allowed
    refusal = rules.grant_refusal(scope, role(code), unit(at))
    assert (refusal is None) is allowed
    if refusal:
        assert code in refusal and "ให้ได้เฉพาะโดย" in refusal


@pytest.mark.django_db
def test_a_national_role_stays_the_centres_whatever_its_granted_by_says():
    central = role("CENTRAL_ADMIN")
    Role.objects.filter(pk=central.pk).update(granted_by=Role.GrantedBy.DISTRICT)
    central.refresh_from_db()
    assert not rules.may_grant(Scope(roots=[unit("4701")]), central, unit("4701"))


@pytest.mark.django_db
def test_granted_by_is_data_the_centre_may_change():
    fee = role("ISV_FEE_RECEIPT")
    district = Scope(roots=[unit("4701")])
    assert rules.may_grant(district, fee, unit("4701"))
    Role.objects.filter(pk=fee.pk).update(granted_by=Role.GrantedBy.PROVINCE)
    fee.refresh_from_db()
    assert not rules.may_grant(district, fee, unit("4701"))
    assert fee not in rules.grantable_roles(district, Role.objects.all())
    assert fee in rules.grantable_roles(Scope(roots=[unit("47")]), Role.objects.all())


@pytest.mark.django_db
def test_self_is_the_account_or_the_person(make_account):
    actor = make_account("DISTRICT_REVIEWER", username="self.rev")
    other = make_account("ISV_USER", username="other.person")
    assert rules.is_self(actor, account=actor)
    assert rules.is_self(actor, national_id=actor.official_id)
    assert not rules.is_self(actor, account=other)
    assert not rules.is_self(None, account=actor)  # the command line is nobody's self
    with pytest.raises(rules.AuthorityRefused) as refused:
        rules.check_not_self(actor, "ห้าม", account=actor)
    assert refused.value.rule == rules.SELF_DEALING
