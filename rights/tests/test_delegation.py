"""Review delegated to an acting reviewer for dates: who may, where, until when; nobody for themselves."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Event
from rights import delegation
from rights.models import ReviewDelegation
from rights.rules import AuthorityRefused
from rights.scope import DELEGABLE_MENU, account_rights
from signin.second_factor import second_factor_required
from tests.factories import unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_account):
    return {
        "reviewer": make_account("DISTRICT_REVIEWER", unit_code="4701", username="rev.deleg.4701"),
        "colleague": make_account("ISV_USER", unit_code="4701", username="palad.deleg.4701"),
        "outsider": make_account("ISV_USER", unit_code="4901", username="palad.deleg.4901"),
        "other_reviewer": make_account("DISTRICT_REVIEWER", unit_code="4702", username="rev.deleg.4702"),
    }


def delegate(people, today, **overrides):
    values = dict(actor=people["reviewer"], delegate=people["colleague"], unit=unit("4701"), starts_on=today,
                  ends_on=today + datetime.timedelta(days=13), reason="ไปราชการ ตามคำสั่งที่ 12/2569")
    return delegation.review_delegate(**(values | overrides))


def review_scope(user, on):
    return account_rights(user, on=on).scope_for(DELEGABLE_MENU)


def test_the_delegate_reviews_the_unit_for_the_dates_only(people, today):
    colleague = people["colleague"]
    assert not review_scope(colleague, today)
    d = delegate(people, today)
    assert review_scope(colleague, today).contains(unit("4701"))
    assert review_scope(colleague, d.ends_on).contains(unit("4701"))
    assert not review_scope(colleague, d.ends_on + datetime.timedelta(days=1))
    assert not review_scope(colleague, today).contains(unit("4702"))
    # Delegated review is not the delegate's own: it cannot be handed on.
    assert not account_rights(colleague, on=today).scope_for(DELEGABLE_MENU, own_only=True)
    assert Event.objects.get(action="rights.review.delegated").data["unit"] == "4701"


def test_the_delegate_needs_the_second_factor_while_it_lasts(people, today):
    colleague = people["colleague"]
    assert not second_factor_required(colleague)
    delegate(people, today)
    colleague._account_rights = None
    assert second_factor_required(colleague)


def test_nobody_delegates_to_themselves_or_beyond_their_own_scope(people, today):
    with pytest.raises(AuthorityRefused):
        delegate(people, today, delegate=people["reviewer"])
    with pytest.raises(AuthorityRefused):
        delegate(people, today, unit=unit("4702"))
    with pytest.raises(ValidationError, match="ลงทะเบียนในหน่วยงานที่อยู่ในขอบเขต"):
        delegate(people, today, delegate=people["outsider"])
    with pytest.raises(AuthorityRefused):  # a clerk holds no review of their own
        delegate(people, today, actor=people["colleague"], delegate=people["reviewer"])
    assert not ReviewDelegation.objects.exists()
    assert Event.objects.filter(action="rights.review.delegation_refused").count() == 3


@pytest.mark.parametrize(("starts", "ends", "message"), [
    (0, -1, "ไม่ก่อนวันที่เริ่ม"), (-1, 3, "ไม่เป็นวันที่ผ่านมาแล้ว"), (0, 90, "ไม่เกิน 90 วัน"),
])
def test_dates_are_checked(people, today, starts, ends, message):
    with pytest.raises(ValidationError, match=message):
        delegate(people, today, starts_on=today + datetime.timedelta(days=starts),
                 ends_on=today + datetime.timedelta(days=ends))


def test_a_delegation_of_the_longest_allowed_length_is_accepted(people, today):
    assert delegate(people, today, ends_on=today + datetime.timedelta(days=89))


def test_ending_early_is_recorded_and_only_by_the_delegator_or_a_reviewer_above(people, today, make_account):
    d = delegate(people, today)
    with pytest.raises(ValidationError):
        delegation.review_delegation_end(delegation=d, actor=people["other_reviewer"])
    province = make_account("PROVINCE_REVIEWER", unit_code="47", username="rev.deleg.47")
    delegation.review_delegation_end(delegation=d, actor=province)
    d.refresh_from_db()
    assert d.ended_by == province and d.ended_at is not None
    assert not review_scope(people["colleague"], today)
    with pytest.raises(ValidationError, match="สิ้นสุดแล้ว"):
        delegation.review_delegation_end(delegation=d, actor=people["reviewer"])
    assert ReviewDelegation.objects.count() == 1  # ended, never deleted


def test_the_delegate_opens_the_review_of_the_unit_and_the_page_shows_it(client, people, today,
                                                                          django_assert_max_num_queries):
    colleague = people["colleague"]
    client.force_login(colleague)
    assert client.get(reverse("audit:account-list", args=["4701"])).status_code == 403
    delegate(people, today)
    assert client.get(reverse("audit:account-list", args=["4701"])).status_code == 200
    assert client.get(reverse("audit:account-list", args=["4702"])).status_code == 404
    with django_assert_max_num_queries(20):
        page = client.get(reverse("audit:delegations")).content.decode()
    assert "ตรวจสอบแทน" in page and "มอบหมายใหม่" not in page  # the delegate cannot hand it on


def test_a_reviewer_delegates_from_the_page(client, people, today):
    client.force_login(people["reviewer"])
    response = client.post(reverse("audit:delegations"), {
        "delegate": "palad.deleg.4701", "unit": unit("4701").pk, "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=3)).isoformat(), "reason": "ลาพักผ่อน",
    })
    assert response.status_code == 302
    assert ReviewDelegation.objects.get().delegate == people["colleague"]
    response = client.post(reverse("audit:delegations"), {
        "delegate": "palad.deleg.4901", "unit": unit("4701").pk, "starts_on": today.isoformat(),
        "ends_on": today.isoformat(), "reason": "ลา",
    })
    assert "ไม่พบบัญชีผู้ใช้งานนี้ในขอบเขตหน่วยงานของท่าน" in response.content.decode()
