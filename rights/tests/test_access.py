"""rights.access: one access policy per model answers which rows a viewer reaches and what they may do with one."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Unit, User
from audit.access import event_access
from events.models import Event
from events.services import event_record
from lifecycle.access import change_request_access
from lifecycle.services import change_request_file
from receipts.access import receipt_access
from rights.access import (
    REVIEW_MENU,
    AccessPolicy,
    account_access,
    menu_scope,
    menu_scope_or_403,
    unit_access,
)
from tests.factories import level, position, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_account):
    return {
        "clerk_4701": make_account("ISV_USER", unit_code="4701", username="clerk.access.4701"),
        "clerk_4702": make_account("ISV_USER", unit_code="4702", username="clerk.access.4702"),
        "clerk_4901": make_account("ISV_USER", unit_code="4901", username="clerk.access.4901"),
        "district": make_account("DISTRICT_REVIEWER", unit_code="4701", username="reviewer.access.4701"),
        "province": make_account("PROVINCE_REVIEWER", unit_code="47", username="reviewer.access.47"),
        "centre": make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", username="admin.access"),
    }


def names(queryset) -> set[str]:
    return {account.username for account in queryset if account.username.startswith(("clerk.access", "reviewer.access"))}


def test_a_list_starts_from_the_policy_and_holds_only_the_viewers_units(world):
    assert names(account_access.instances_for(world["district"], "review")) == {"clerk.access.4701",
                                                                                  "reviewer.access.4701"}
    assert names(account_access.instances_for(world["province"], "review")) == {
        "clerk.access.4701", "clerk.access.4702", "reviewer.access.4701", "reviewer.access.47"}
    assert "clerk.access.4901" in names(account_access.instances_for(world["centre"], "review"))
    assert not account_access.instances_for(world["clerk_4701"], "review").exists()


def test_one_row_outside_the_scope_is_a_404_like_a_missing_one(world):
    district = world["district"]
    assert account_access.get_for(district, "review", world["clerk_4701"].pk) == world["clerk_4701"]
    for pk in (world["clerk_4702"].pk, world["clerk_4901"].pk, 10**9):
        with pytest.raises(Http404):
            account_access.get_for(district, "review", pk)


def test_allows_follows_the_declared_unit_path(world, make_account):
    clerk = world["clerk_4702"]
    request = change_request_file(account=clerk, filed_by=clerk, position=position("ปลัดอำเภอ"), level=level("K2"),
                                  unit=unit("4702"), order_number="3/2569",
                                  order_date=datetime.date(2026, 1, 5))
    assert change_request_access.unit_of(request) == unit("4702")
    assert change_request_access.allows(world["province"], "decide", request)
    assert not change_request_access.allows(world["district"], "decide", request)
    assert not change_request_access.allows(clerk, "decide", request)
    assert account_access.allows(world["district"], "review", world["clerk_4701"])
    assert not account_access.allows(world["district"], "review", world["clerk_4901"])


def test_an_action_the_policy_does_not_declare_is_a_programming_error(world):
    with pytest.raises(ValueError, match="no action"):
        account_access.allows(world["district"], "delete", world["clerk_4701"])


def test_several_menus_give_the_union_of_their_scopes(world):
    # Receipts are seen where one issues them and where one reviews: a district reviewer sees 4701's.
    scope = receipt_access.scope_for(world["district"], "view")
    assert scope.contains(unit("4701")) and not scope.contains(unit("4702"))
    assert menu_scope(world["centre"], ("menu_issue_receipts", REVIEW_MENU)).national


def test_a_viewer_without_the_menu_is_refused_with_403(world):
    with pytest.raises(PermissionDenied):
        menu_scope_or_403(world["clerk_4701"], REVIEW_MENU)
    with pytest.raises(PermissionDenied):
        menu_scope_or_403(world["province"], REVIEW_MENU, national_only=True)
    assert menu_scope_or_403(world["centre"], REVIEW_MENU, national_only=True).national


def test_a_policy_on_a_stored_path_reads_the_event_log_by_unit(world):
    event_record(action="accounts.policy.changed", target_label="at 4701", unit=unit("4701"))
    event_record(action="accounts.policy.changed", target_label="at 4901", unit=unit("4901"))
    event_record(action="accounts.policy.changed", target_label="nowhere")
    seen = {e.target_label for e in event_access.filter(Event.objects.all(), menu_scope(world["province"],
                                                                                         REVIEW_MENU))}
    assert "at 4701" in seen and "at 4901" not in seen and "nowhere" not in seen
    national = {e.target_label for e in event_access.filter(Event.objects.all(), menu_scope(world["centre"],
                                                                                            REVIEW_MENU))}
    assert {"at 4701", "at 4901", "nowhere"} <= national
    assert event_access.unit_of(Event.objects.get(target_label="at 4701")) == unit("4701")


def test_the_unit_policy_treats_a_unit_as_its_own_place(world):
    scope = menu_scope(world["province"], REVIEW_MENU)
    assert set(unit_access.filter(Unit.objects.filter(code__in=["4701", "4901"]), scope)) == {
        unit("4701")}
    assert unit_access.unit_of(unit("4701")) == unit("4701")


def test_every_policy_names_a_real_path_to_a_unit():
    from audit.access import round_item_access
    from lifecycle.access import leaver_report_access
    from receipts.access import payin_slip_access
    from rights.access import delegation_access, denial_access, official_access, order_access, order_line_access

    policies = [account_access, official_access, order_access, order_line_access, denial_access, unit_access,
                change_request_access, leaver_report_access, round_item_access, receipt_access, payin_slip_access,
                event_access, delegation_access]
    for policy in policies:
        assert isinstance(policy, AccessPolicy)
        lookup = f"{policy.unit_path}__startswith" if policy.stores_path else f"{policy.unit_path}__path__startswith"
        str(policy.model._default_manager.filter(**{lookup: "/"}).query)  # raises FieldError on a wrong path
    assert User in {policy.model for policy in policies}
