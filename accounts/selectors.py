"""Reads about accounts, always starting from what the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import OrderLine, User


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
        OrderLine.objects.filter(official__national_id=account.official_id)
        .select_related("order__issuing_unit", "role", "unit", "position", "level")
        .latest_first()
    )
