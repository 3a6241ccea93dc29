"""Rights follow orders: the plan across start and end dates, policies, quotas, and applying it (logged)."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from events.models import Event
from rights.scope import Scope, account_rights
from rights.sync import GRANT, REFUSED, REVOKE, rights_apply, rights_plan
from tests.factories import OrderLineFactory, hold, role, unit

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
CIRCULAR = datetime.date(2026, 6, 15)  # the auction/scrap rank rule takes effect


def plan_for(*accounts, on):
    return [(c.account.username, c.role.code, c.unit.code, c.action) for c in
            rights_plan(accounts=User.objects.filter(pk__in=[a.pk for a in accounts]), on=on)]


@pytest.mark.django_db
def test_a_held_role_is_revoked_before_its_line_starts_and_after_it_ends(make_account):
    account = make_account("ISV_FEE_RECEIPT", username="fee.4701", effective_from=START, effective_to=END)
    revoke = [("fee.4701", "ISV_FEE_RECEIPT", "4701", REVOKE)]
    assert plan_for(account, on=START - datetime.timedelta(days=1)) == revoke
    assert plan_for(account, on=START) == []
    assert plan_for(account, on=END) == []
    assert plan_for(account, on=END + datetime.timedelta(days=1)) == revoke


@pytest.mark.django_db
def test_an_ordered_role_is_granted_from_its_first_day(make_account):
    account = make_account("ISV_FEE_RECEIPT", username="new.4701", effective_from=START, held=False)
    assert plan_for(account, on=START - datetime.timedelta(days=1)) == []
    assert plan_for(account, on=START) == [("new.4701", "ISV_FEE_RECEIPT", "4701", GRANT)]


@pytest.mark.django_db
def test_a_policy_refuses_from_its_effective_date(make_account):
    k2_held = make_account("ISV_AUCTION_RECEIPT", username="k2.held", level_code="K2", effective_from=START)
    k2_new = make_account("ISV_AUCTION_RECEIPT", username="k2.new", level_code="K2", effective_from=START, held=False)
    k3_new = make_account("ISV_AUCTION_RECEIPT", username="k3.new", level_code="K3", effective_from=START, held=False)
    before = plan_for(k2_held, k2_new, k3_new, on=CIRCULAR - datetime.timedelta(days=1))
    assert before == [("k2.new", "ISV_AUCTION_RECEIPT", "4701", GRANT), ("k3.new", "ISV_AUCTION_RECEIPT", "4701", GRANT)]
    after = rights_plan(accounts=User.objects.filter(username__in=["k2.held", "k2.new", "k3.new"]), on=CIRCULAR)
    assert [(c.account.username, c.action) for c in after] == [("k2.held", REVOKE), ("k2.new", REFUSED), ("k3.new", GRANT)]
    assert "ชำนาญการพิเศษ" in after[0].reason and after[0].line is not None
    assert after[1].applicable is False


@pytest.mark.django_db
def test_a_role_held_without_any_order_is_revoked(make_account):
    account = make_account("ISV_USER", username="plain.4701")
    hold(account, "ISV_SCRAP_RECEIPT", "4701")
    [change] = rights_plan(accounts=User.objects.filter(pk=account.pk), on=START)
    assert (change.role.code, change.action, change.line) == ("ISV_SCRAP_RECEIPT", REVOKE, None)
    assert "ไม่มีคำสั่งมอบหมายที่มีผล" in change.reason


@pytest.mark.django_db
def test_grants_stop_at_the_quota(make_account):
    accounts = [make_account("DEBT_REPORTER", unit_code="4702", username=f"debt{n}", held=False,
                             position_name="พนักงานปกครอง", level_code="O2") for n in range(3)]
    plan = plan_for(*accounts, on=START)
    assert [p[3] for p in plan] == [GRANT, GRANT, REFUSED]
    changes = rights_plan(accounts=User.objects.filter(username__startswith="debt"), on=START)
    assert "ครบ 2 คน" in changes[2].reason


@pytest.mark.django_db
def test_the_plan_matches_account_rights_for_each_account(make_account, today):
    population = [
        make_account("ISV_USER", "ISV_FEE_RECEIPT"),
        make_account("ISV_AUCTION_RECEIPT", level_code="K2", held=False),
        make_account("ISV_SCRAP_RECEIPT", level_code="K2"),
        make_account("ISV_USER", held=False, unit_code="4702"),
        make_account("ISV_FEE_RECEIPT", effective_to=today - datetime.timedelta(days=1)),
    ]
    hold(population[0], "DISTRICT_REVIEWER", "4701")
    changes = rights_plan(accounts=User.objects.filter(pk__in=[a.pk for a in population]), on=today)
    for account in population:
        rights = account_rights(account, on=today)
        expected = {(i.role.code, i.unit.code, GRANT) for i in rights.to_grant} | {
            (i.role.code, i.unit.code, REVOKE) for i in rights.to_revoke}
        assert {(c.role.code, c.unit.code, c.action) for c in changes
                if c.account == account and c.applicable} == expected, account.username


@pytest.mark.django_db
def test_the_plan_costs_the_same_queries_for_few_and_many_accounts(make_account, django_assert_max_num_queries):
    def build(n):
        for _ in range(n):
            account = make_account("ISV_USER", "ISV_FEE_RECEIPT", held=False)
            hold(account, "ISV_SCRAP_RECEIPT", "4701")

    build(2)
    with django_assert_max_num_queries(8) as small:
        assert len(rights_plan(accounts=User.objects.all(), on=START)) == 6
    build(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(rights_plan(accounts=User.objects.all(), on=START)) == 66


@pytest.mark.django_db
def test_a_scope_on_units_keeps_only_changes_there(make_account):
    account = make_account("ISV_USER", held=False)
    OrderLineFactory(official=account.official, role=role("ISV_USER"), unit=unit("4702"), effective_from=START)
    plan = rights_plan(accounts=User.objects.filter(pk=account.pk), on=START, units=Scope(roots=[unit("4701")]))
    assert [(c.unit.code, c.action) for c in plan] == [("4701", GRANT)]


@pytest.mark.django_db
def test_apply_grants_and_revokes_through_the_logged_services_then_nothing_is_left(make_account, today):
    granted = make_account("ISV_FEE_RECEIPT", held=False)
    revoked = make_account("ISV_USER")
    hold(revoked, "ISV_SCRAP_RECEIPT", "4701")
    accounts = User.objects.filter(pk__in=[granted.pk, revoked.pk])
    applied = rights_apply(changes=rights_plan(accounts=accounts, on=today), actor=None, scope=Scope(national=True))
    assert (applied.granted, applied.revoked, applied.refused) == (1, 1, [])
    assert account_rights(granted).has_role_at("ISV_FEE_RECEIPT", unit("4701")).effective
    assert Event.objects.filter(action="accounts.role.granted", target_id=str(granted.pk)).count() == 1
    assert "คำสั่งที่" in Event.objects.get(action="accounts.role.granted").data["reason"]
    assert Event.objects.filter(action="accounts.role.revoked", target_id=str(revoked.pk)).count() == 1
    assert rights_plan(accounts=accounts, on=today) == []


@pytest.mark.django_db
def test_sync_rights_command_shows_then_applies(make_account, capsys):
    make_account("ISV_FEE_RECEIPT", held=False, username="fee.4701")
    make_account("ISV_FEE_RECEIPT", held=False, username="fee.4702", unit_code="4702")
    call_command("sync_rights", unit="4701")
    out = capsys.readouterr().out
    assert "+ fee.4701 ISV_FEE_RECEIPT@4701" in out and "fee.4702" not in out
    assert "ยังไม่ได้ปรับ" in out
    assert not Event.objects.filter(action="accounts.role.granted").exists()
    call_command("sync_rights", apply=True)
    assert "ให้สิทธิ์ 2" in capsys.readouterr().out
    assert Event.objects.filter(action="accounts.role.granted", actor__isnull=True).count() == 2
    call_command("sync_rights", account="fee.4702")
    assert "ให้สิทธิ์ 0 ถอนสิทธิ์ 0" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("sync_rights", unit="NOPE")
    with pytest.raises(CommandError):
        call_command("sync_rights", apply=True, as_of="2020-01-01")
