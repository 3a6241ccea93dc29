"""Review rounds, their items and reminders in the admin: looked up by central admins, never added, changed or deleted."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import ReviewRound, RoundItem, RoundReminder
from audit.tests.factories import ReviewRoundFactory, RoundItemFactory, RoundReminderFactory
from rights.tests.admin_pages import admin_url, assert_pages_keep_their_query_count, assert_writes_are_refused
from tests.factories import UserFactory, unit


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def closed_rounds(n: int) -> None:
    for _ in range(n):
        ReviewRoundFactory(closed_by=UserFactory(), closed_at=timezone.now())


def answered_items(n: int) -> None:
    for _ in range(n):
        RoundItemFactory(decision=RoundItem.Decision.CONFIRMED, decided_by=UserFactory(), decided_at=timezone.now())


def reminders(n: int) -> None:
    for _ in range(n):
        RoundReminderFactory()


@pytest.mark.django_db
@pytest.mark.parametrize("model, make_rows", [
    (ReviewRound, closed_rounds),
    (RoundItem, answered_items),
    (RoundReminder, reminders),
])
def test_pages_keep_their_query_count(superuser_client, django_assert_max_num_queries, model, make_rows):
    assert_pages_keep_their_query_count(superuser_client, django_assert_max_num_queries, model, make_rows)


@pytest.mark.django_db
def test_round_cannot_be_added_changed_or_deleted(superuser_client):
    review_round = ReviewRoundFactory()
    assert_writes_are_refused(superuser_client, review_round, {
        "name": "แก้ชื่อ", "as_of": "2025-10-01", "deadline": "2026-01-31",
    })
    review_round.refresh_from_db()
    assert review_round.deadline == datetime.date(2025, 10, 31)


@pytest.mark.django_db
def test_item_cannot_be_answered_or_deleted_in_the_admin(superuser_client):
    item = RoundItemFactory()
    assert_writes_are_refused(superuser_client, item, {
        "decision": RoundItem.Decision.EXCEPTION, "reason": "แก้ในหน้าผู้ดูแล", "exception_until": "2026-12-31",
    })
    item.refresh_from_db()
    assert item.decision == RoundItem.Decision.NOT_VERIFIED


@pytest.mark.django_db
def test_reminder_cannot_be_added_changed_or_deleted(superuser_client):
    reminder = RoundReminderFactory()
    assert_writes_are_refused(superuser_client, reminder, {"kind": "due-1", "recipients": "0"})


@pytest.mark.django_db
def test_items_show_the_problem_label_and_filter_by_round_decision_and_province(superuser_client):
    review_round = ReviewRoundFactory()
    sakon = RoundItemFactory(round=review_round)
    other_round = RoundItemFactory(account__official__unit=unit("4901"), decision=RoundItem.Decision.CONFIRMED)
    url = admin_url(RoundItem, "changelist")

    def found(**params) -> set[int]:
        response = superuser_client.get(url, params)
        assert response.status_code == 200, params
        html = response.content.decode()
        return {pk for pk in (sakon.pk, other_round.pk) if admin_url(RoundItem, "change", pk) in html}

    assert "ไม่พบปัญหา" in superuser_client.get(url).content.decode()
    assert found(round__id__exact=review_round.pk) == {sakon.pk}
    assert found(decision__exact="confirmed") == {other_round.pk}
    assert found(province="47") == {sakon.pk}
    assert found(q=other_round.account.official_id) == {other_round.pk}


@pytest.mark.django_db
def test_reminder_columns_are_headed_in_thai(superuser_client):
    RoundReminderFactory()
    html = superuser_client.get(admin_url(RoundReminder, "changelist")).content.decode()
    for header in ("วันที่ส่ง", "รอบ", "หน่วยงาน", "ประเภท", "จำนวนผู้รับ"):
        assert f">{header}<" in html, header
