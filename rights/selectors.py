"""Reads about accounts, always starting from what the viewer may see."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Official, User
from core.national_id import normalize_national_id
from core.sorting import SortableColumns, SortColumn
from core.thai import thai_digits_to_arabic
from rights.access import official_access, order_access
from rights.models import AssignmentOrder, OrderLine
from rights.scope import Scope


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
    recorded by them and naming nobody of theirs (lifecycle.services.order_confirm_refusal decides in full, line by
    line, on the order's page). The navigation badge counts these."""
    pending = OrderLine.objects.pending_confirmation().filter(order=OuterRef("pk"))
    own = pending.filter(Q(recorded_by=viewer) | Q(official_id=viewer.official_id or ""))
    return (
        order_access.filter(AssignmentOrder.objects.filter(revoked_at__isnull=True), scope)
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
    officials = official_access.filter(Official.objects.filter(national_id__in=ids), scope)
    return {official.national_id: official for official in officials.select_related("unit", "position", "level")}


# ---------------------------------------------------------------------------------------------------------------
# The search boxes of the lists of people


@dataclass(frozen=True)
class PersonSearch:
    """What a search box asked for: a whole national ID, or words that must each be found somewhere."""

    national_id: str  # the 13 digits when the search is a whole national ID, else ""
    words: tuple[str, ...]


def person_search(query: str) -> PersonSearch:
    """Read a search: 1-2345-67890-12-1 (dashes, spaces, Thai digits) is a national ID; anything else is words,
    Thai digits read as Arabic (a username such as clerk.๔๗๐๑)."""
    digits = normalize_national_id(query)
    if len(digits) == 13 and digits.isdigit():
        return PersonSearch(national_id=digits, words=())
    return PersonSearch(national_id="", words=tuple(thai_digits_to_arabic(query).casefold().split()))


# What finds an account: its names as registered and in the HR record, its username, its position and level as
# registered and in the HR record. Never part of a national ID: matching on some digits would let a viewer who
# sees masked IDs recover the hidden ones a search at a time, so only a whole ID finds a person by number.
ACCOUNT_SEARCH_FIELDS = (
    "username", "first_name", "last_name", "official__first_name", "official__last_name",
    "registered_position__name_th", "registered_level__name_th", "official__position__name_th",
    "official__level__name_th",
)


def account_search_condition(query: str, *, through: str = "") -> Q:
    """The filter of a queryset search, on accounts or on rows pointing at one (`through="account__"`): a whole
    national ID, or every word found in one of ACCOUNT_SEARCH_FIELDS (a name and a position narrow together)."""
    search = person_search(query)
    if search.national_id:
        return Q(**{f"{through}official_id": search.national_id})
    condition = Q()
    for word in search.words:
        condition &= reduce(operator.or_, (Q(**{f"{through}{name}__icontains": word}) for name in ACCOUNT_SEARCH_FIELDS))
    return condition


def account_search_texts(account: User) -> list[str]:
    """The texts of ACCOUNT_SEARCH_FIELDS for an account already loaded with its relations, plus the full names
    as shown (with the title), so that "นายสมชาย" finds the row that reads so."""
    texts = [account.username, account.first_name, account.last_name, account.get_full_name()]
    for related in (account.registered_position, account.registered_level):
        if related is not None:
            texts.append(related.name_th)
    official = getattr(account, "official", None)  # None too when the HR record lacks the ID
    if official is not None:
        texts += [official.first_name, official.last_name, official.full_name, official.position.name_th,
                  official.level.name_th]
    return texts


def account_matches(account: User, query: str) -> bool:
    """account_search_condition for an account in memory (the audit's lists are built in Python)."""
    search = person_search(query)
    if search.national_id:
        return account.official_id == search.national_id
    # Joined by a line break: a word has no whitespace in it, so it cannot match across two texts.
    haystack = "\n".join(text for text in account_search_texts(account) if text).casefold()
    return all(word in haystack for word in search.words)


def order_line_search_condition(query: str) -> Q:
    """Order lines naming a person, found the way accounts are: a whole national ID, or every word in the name as
    written on the order or in the position or level the order names. Not by the HR record's name, which the
    order's page shows only for people of the viewer's scope."""
    search = person_search(query)
    if search.national_id:
        return Q(official_id=search.national_id)
    fields = ("written_name", "position__name_th", "level__name_th")
    condition = Q()
    for word in search.words:
        condition &= reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in fields))
    return condition


def order_search_condition(query: str) -> Q:
    """Orders found by their number or signer, or by a person they name (order_line_search_condition)."""
    text = thai_digits_to_arabic(query).strip()
    naming = OrderLine.objects.filter(order=OuterRef("pk")).filter(order_line_search_condition(query))
    return Q(number__icontains=text) | Q(signer__icontains=text) | Q(Exists(naming))


# ---------------------------------------------------------------------------------------------------------------
# The columns the lifecycle lists sort by (core.sorting)

ORDER_SORT = SortableColumns(columns=(
    SortColumn("number", fields=("number",)),
    SortColumn("order_date", fields=("order_date",), descending_first=True),
    SortColumn("issuing_unit", fields=("issuing_unit__code",)),
    SortColumn("signer", fields=("signer",)),
), default="-order_date")

# Pending requests oldest first (the queue is worked in the order it was filed); decided ones latest decision first.
CHANGE_REQUEST_SORT = SortableColumns(columns=(
    SortColumn("account", fields=("account__first_name", "account__last_name", "account__username")),
    SortColumn("unit", fields=("account__registered_unit__code",)),
    SortColumn("order", fields=("order_date", "order_number"), descending_first=True),
    SortColumn("created", fields=("created_at",)),
    SortColumn("decided", fields=("decided_at",), descending_first=True),
), default="created")

LEAVER_QUEUE_SORT = SortableColumns(columns=(
    SortColumn("account", fields=("account__official__first_name", "account__official__last_name", "account__username")),
    SortColumn("unit", fields=("unit__code",)),
    SortColumn("reason", fields=("reason", "left_on")),
    SortColumn("reported", fields=("created_at",)),
), default="reported")


def signer_of(user) -> dict:
    """The signer's name and position as the HR record has them for the signature block of a
    printed report (the viewer's own account is not loaded with it)."""
    official = (
        Official.objects.filter(national_id=user.official_id).select_related("position", "level", "unit").first()
        if user.official_id else None
    )
    if official is None:
        return {"reviewer_name": user.get_full_name() or user.username, "reviewer_position": ""}
    position = " ".join(part for part in (
        official.position.name_th if official.position else "",
        official.level.name_th if official.level else "",
    ) if part)
    if official.unit is not None:
        position = f"{position} {official.unit.display_name}".strip()
    return {"reviewer_name": official.full_name, "reviewer_position": position}
