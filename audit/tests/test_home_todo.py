"""The home page as a reviewer's to-do: what waits in the queues, flagged accounts by flag, the open rounds'
deadlines and progress, and accounts refused again and again; the same number of queries for 10 as for 200."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import DeniedAccess
from audit import rounds
from audit.models import RoundItem
from audit.selectors import office_accounts
from audit.tests.screens import central_admin, district_reviewer, no_menu_account, populate, province_reviewer
from audit.tests.test_views_queries import PROVINCE_47, SIZES
from lifecycle.tests.test_lifecycle import file_request
from rights.denials import denied_access_record
from rights.scope import cached_account_rights

HOME = "/"


def review_card(html: str) -> str:
    match = re.search(r'<section class="card todo" aria-labelledby="todo-review-title">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


def open_round(today, **overrides):
    admin = central_admin()
    values = dict(name="รอบทดสอบปี 2569", as_of=today, deadline=today + datetime.timedelta(days=7), actor=admin,
                  scope=cached_account_rights(admin).scope_for("menu_review_accounts"))
    return rounds.round_open(**(values | overrides))


@pytest.mark.django_db
def test_a_district_reviewer_sees_the_flags_of_the_office_each_linked_to_its_filtered_list(client, today):
    reviewer = district_reviewer("4701")
    populate(30, ("4701",))
    client.force_login(reviewer)
    card = review_card(client.get(HOME).content.decode())
    expected = {flag.code: flag.count for flag in office_accounts(unit=reviewer.registered_unit, as_of=today).flag_counts
                if flag.count}
    assert expected.get("EXCESS_ROLE") == 3  # every tenth of the thirty
    for code, count in expected.items():
        link = reverse("audit:account-list", args=["4701"]) + f"?flag={code}"
        assert re.search(rf'href="{re.escape(link)}".*?<span class="count badge (bad|warn)">{count}</span>', card, re.S), code


@pytest.mark.django_db
def test_the_open_round_shows_its_deadline_in_the_buddhist_era_and_the_progress_in_scope(client, today):
    reviewer = district_reviewer("4701")
    populate(10, ("4701",), problem_every=0)
    populate(5, ("4702",), problem_every=0)  # another district's items are not this reviewer's
    review_round = open_round(today)
    mine = RoundItem.objects.filter(round=review_round, unit__code="4701")
    total = mine.count()
    mine.filter(pk__in=list(mine.values_list("pk", flat=True)[:4])).update(decision=RoundItem.Decision.CONFIRMED)
    client.force_login(reviewer)
    card = review_card(client.get(HOME).content.decode())
    deadline = review_round.deadline
    assert f"{deadline.year + 543}" in card and "รอบทดสอบปี 2569" in card
    assert f'<progress max="{total}" value="4"' in card
    assert f"ตอบแล้ว 4 จาก {total} รายการ" in card and "เหลือ 7 วัน" in card
    assert reverse("audit:round-detail", args=[review_round.pk]) in card


@pytest.mark.django_db
def test_a_round_past_its_deadline_with_items_unanswered_is_marked_overdue(client, today):
    reviewer = district_reviewer("4701")
    populate(3, ("4701",), problem_every=0)
    review_round = open_round(today)
    # Nine days on: the deadline passed two days ago.
    type(review_round).objects.filter(pk=review_round.pk).update(
        as_of=today - datetime.timedelta(days=9), deadline=today - datetime.timedelta(days=2))
    client.force_login(reviewer)
    assert "เลยกำหนด 2 วัน" in review_card(client.get(HOME).content.decode())


@pytest.mark.django_db
def test_queues_waiting_are_listed_and_repeated_refusals_in_scope_are_counted(client, settings, make_account):
    reviewer = district_reviewer("4701")
    staff = make_account("ISV_USER", unit_code="4701", username="staff4701")
    file_request(staff)
    elsewhere = make_account("ISV_USER", unit_code="4702", username="staff4702")
    for account in (staff, elsewhere):
        for _ in range(settings.DENIED_ACCESS_REPEATED):
            denied_access_record(account=account, kind=DeniedAccess.Kind.FORBIDDEN, path="/audit/", ip_address="10.0.0.9")
    client.force_login(reviewer)
    html = client.get(HOME).content.decode()
    waiting = re.search(r'aria-labelledby="todo-title">(.*?)</section>', html, re.S).group(1)
    assert reverse("accounts:change-request-queue") in waiting and '<span class="count">1</span>' in waiting
    card = review_card(html)
    assert '<span class="badge bad">1</span>' in card  # staff4701 only: 4702 is not this reviewer's
    assert reverse("accounts:locked-accounts") + "#denied" in card


@pytest.mark.django_db
def test_an_account_without_the_review_menu_sees_no_review_card(client):
    client.force_login(no_menu_account())
    html = client.get(HOME).content.decode()
    assert review_card(html) == "" and "ไม่มีรายการรอดำเนินการ" in html


@pytest.mark.django_db
def test_the_centre_is_sent_to_the_national_summary_rather_than_auditing_the_country_on_its_home(client):
    client.force_login(central_admin())
    card = review_card(client.get(HOME).content.decode())
    assert reverse("audit:national-summary") in card and "count" not in card


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("viewer, units", [
    (lambda: district_reviewer("4701"), ("4701",)),
    (lambda: province_reviewer("47"), PROVINCE_47),
    (central_admin, PROVINCE_47),
], ids=["district", "province", "centre"])
def test_the_home_page_costs_the_same_queries_for_10_and_200_accounts(
    client, django_assert_max_num_queries, today, size, viewer, units
):
    client.force_login(viewer())
    populate(size, units)
    open_round(today)
    with django_assert_max_num_queries(23):
        response = client.get(HOME)
    assert response.status_code == 200
