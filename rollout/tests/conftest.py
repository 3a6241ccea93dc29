"""A rollout of the e-Bill kind, relative to today: nominations due in 5 days, registration from day 10 to 20,
trial from day 12 to 30, purge on day 35, go-live on day 40."""

import datetime

import pytest

from rights.scope import Scope


@pytest.fixture
def national():
    return Scope(national=True)


@pytest.fixture
def central(make_account):
    return make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", username="central.one")


@pytest.fixture
def central_two(make_account):
    return make_account("CENTRAL_ADMIN", unit_code="DOPA-FINANCE", position_name="นักวิชาการเงินและบัญชี",
                        username="central.two")


@pytest.fixture
def reviewer_4701(make_account):
    return make_account("DISTRICT_REVIEWER", unit_code="4701", position_name="เจ้าพนักงานปกครอง",
                        username="rev.4701")


@pytest.fixture
def scope_4701():
    from accounts.models import Unit

    return Scope(roots=[Unit.objects.get(code="4701")])


@pytest.fixture
def calendar(today):
    def day(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    return {"nomination_deadline": day(5), "registration_from": day(10), "registration_to": day(20),
            "trial_from": day(12), "trial_to": day(30), "purge_on": day(35), "go_live_on": day(40)}


@pytest.fixture
def rollout(central, national, calendar):
    from rights.models import Role
    from rollout.services import rollout_create

    return rollout_create(actor=central, scope=national, name="e-Bill ทดสอบ",
                          roles=Role.objects.filter(code__in=["ISV_AUCTION_RECEIPT", "ISV_FEE_RECEIPT"]),
                          trainees_per_office=1, max_users_per_office=2, **calendar)


@pytest.fixture
def person():
    """An official of 4701's HR record, K3 ปลัดอำเภอ: meets the auction policy."""
    from tests.factories import OfficialFactory, level, position, unit

    def make(unit_code="4701", level_code="K3", position_name="ปลัดอำเภอ"):
        return OfficialFactory(unit=unit(unit_code), level=level(level_code), position=position(position_name))

    return make


@pytest.fixture
def nominate(rollout, reviewer_4701, scope_4701):
    from accounts.models import Unit
    from rights.models import Role
    from rollout.services import nomination_file

    def file(official, role="ISV_AUCTION_RECEIPT", *, unit="4701", actor=None, scope=None, **kwargs):
        return nomination_file(rollout=kwargs.pop("rollout", rollout), national_id=official.national_id,
                               role=Role.objects.get(code=role), unit=Unit.objects.get(code=unit),
                               actor=actor or reviewer_4701, scope=scope or scope_4701, **kwargs)

    return file
