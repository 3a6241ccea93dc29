"""Reads about accounts, always starting from what the viewer may see."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import AssignmentOrder, Official, OrderLine, User
from accounts.rights import Scope


def account_with_registry(*, pk: int) -> User:
    return User.objects.select_related(
        "official__position", "official__level", "official__unit", "registered_position", "registered_level",
        "registered_unit",
    ).get(pk=pk)


def order_lines_for_account(*, account: User) -> QuerySet[OrderLine]:
    """Every order line naming the account's official, newest first (in force or not)."""
    if not account.official_id:
        return OrderLine.objects.none()
    return (
        OrderLine.objects.filter(official_id=account.official_id)
        .select_related("order__issuing_unit", "role", "unit", "position", "level")
        .latest_first()
    )


def orders_awaiting_confirmation(*, scope: Scope, viewer: User) -> QuerySet[AssignmentOrder]:
    """Orders of the viewer's scope with lines waiting for the second pair of eyes that the viewer could give: not
    recorded by them and naming nobody of theirs (accounts.lifecycle.order_confirm_refusal decides in full, line by
    line, on the order's page). The navigation badge counts these."""
    pending = OrderLine.objects.pending_confirmation().filter(order=OuterRef("pk"))
    own = pending.filter(Q(recorded_by=viewer) | Q(official_id=viewer.official_id or ""))
    return (
        scope.filter(AssignmentOrder.objects.filter(revoked_at__isnull=True), "issuing_unit")
        .exclude(recorded_by=viewer)
        .filter(Exists(pending))
        .exclude(Exists(own))
    )


def people_on_record(*, national_ids, scope: Scope) -> dict[str, Official]:
    """The HR records, by national ID, of those of `national_ids` whose HR unit lies in `scope`.

    An ID missing from the result is, for the caller, not in the HR record: whether it is unknown to the whole
    country or belongs to someone of another office is not the caller's to know (README "Orders and the HR record").
    """
    ids = {national_id for national_id in national_ids if national_id}
    if not ids:
        return {}
    officials = scope.filter(Official.objects.filter(national_id__in=ids), "unit")
    return {official.national_id: official for official in officials.select_related("unit", "position", "level")}
