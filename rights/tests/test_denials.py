"""Refusals are counted per account, address and hour, logged twice an hour at most, and shown to reviewers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import DeniedAccess
from events.models import Event
from rights.denials import denied_access_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_account):
    return make_account("ISV_USER", unit_code="4701", username="clerk.denials.4701")


def test_a_403_and_a_404_of_a_page_that_exists_are_counted_a_typo_is_not(client, clerk, settings):
    client.force_login(clerk)
    assert client.get(reverse("accounts:locked-accounts"), REMOTE_ADDR="10.47.1.20").status_code == 403
    assert client.get("/accounts/no-such-page/", REMOTE_ADDR="10.47.1.20").status_code == 404
    assert client.get(reverse("audit:account-detail", args=[999_999]), REMOTE_ADDR="10.47.1.20").status_code in (403, 404)
    row = DeniedAccess.objects.get(account=clerk)
    assert row.ip_address == "10.47.1.20" and row.count == 2 and row.forbidden + row.not_found == 2
    assert row.first_path == reverse("accounts:locked-accounts")


def test_the_event_log_gets_the_first_of_the_hour_and_the_one_that_makes_it_repeated(clerk, settings):
    settings.DENIED_ACCESS_REPEATED = 5
    for _ in range(12):
        denied_access_record(account=clerk, kind=DeniedAccess.Kind.NOT_FOUND, path="/audit/accounts/1/",
                             ip_address="203.0.113.9")
    row = DeniedAccess.objects.get(account=clerk)
    assert row.count == 12 and row.not_found == 12
    logged = list(Event.objects.filter(action="accounts.access.denied").order_by("seq"))
    assert [event.data["count_this_hour"] for event in logged] == [1, 5]
    assert logged[1].data["repeated"] is True and logged[1].ip_address == "203.0.113.9"


def test_another_address_is_another_row(clerk):
    for address in ("10.47.1.20", "203.0.113.9", None):
        denied_access_record(account=clerk, kind=DeniedAccess.Kind.FORBIDDEN, path="/x/", ip_address=address)
    assert sorted(DeniedAccess.objects.values_list("ip_address", flat=True)) == ["", "10.47.1.20", "203.0.113.9"]


def test_a_refused_grant_is_counted_once_as_refused(client, make_account):
    from accounts.models import Unit
    from rights.models import Role
    from rights.rules import AuthorityRefused
    from rights.scope import account_rights
    from rights.services import role_grant

    reviewer = make_account("DISTRICT_REVIEWER", unit_code="4701", username="reviewer.denials.4701")
    scope = account_rights(reviewer).scope_for("menu_review_accounts")
    with pytest.raises(AuthorityRefused):
        role_grant(account=reviewer, role=Role.objects.get(code="CENTRAL_ADMIN"), unit=Unit.objects.get(code="4701"),
                   actor=reviewer, scope=scope, reason="ขอสิทธิ์ส่วนกลางให้ตนเอง", ip_address="10.47.1.21")
    row = DeniedAccess.objects.get(account=reviewer)
    assert row.refused == 1 and row.count == 1 and row.first_path == "role_grant"


def test_reviewers_see_repeated_refusals_of_accounts_in_their_scope_only(client, clerk, make_account, settings):
    settings.DENIED_ACCESS_REPEATED = 3
    outsider = make_account("ISV_USER", unit_code="4901", username="clerk.denials.4901")
    for account in (clerk, outsider):
        for _ in range(3):
            denied_access_record(account=account, kind=DeniedAccess.Kind.NOT_FOUND, path="/audit/accounts/7/",
                                 ip_address="203.0.113.9")
    reviewer = make_account("PROVINCE_REVIEWER", unit_code="47", username="reviewer.denials.47")
    client.force_login(reviewer)
    page = client.get(reverse("accounts:locked-accounts")).content.decode()
    assert "clerk.denials.4701" in page and "203.0.113.9" in page
    assert "clerk.denials.4901" not in page


def test_the_reviewer_page_has_a_fixed_number_of_queries(client, make_account, settings, django_assert_max_num_queries):
    settings.DENIED_ACCESS_REPEATED = 1
    for index in range(15):
        account = make_account("ISV_USER", unit_code="4701", username=f"clerk.many.{index}")
        denied_access_record(account=account, kind=DeniedAccess.Kind.FORBIDDEN, path="/x/", ip_address="10.0.0.1")
    client.force_login(make_account("PROVINCE_REVIEWER", unit_code="47", username="reviewer.many.47"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("accounts:locked-accounts")).status_code == 200
