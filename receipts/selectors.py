"""Reads about receipts and pay-in slips, always starting from what the viewer may see.

Who sees what: an issuer sees the receipts of the unit where a receipt role gives them the menu (and below it);
a reviewer sees those of the units under review (a province reviewer: the province office and all its districts);
central admins the whole country. Everything else is a 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Unit, User
from core.sorting import SortableColumns, SortColumn, SortOrder
from receipts.access import payin_slip_access, receipt_access
from receipts.models import CATEGORY_ROLE, Category, PayInSlip, Receipt
from rights.scope import RoleAtUnit, Scope, cached_account_rights
from rights.selectors import person_search


def receipt_scope(user: User) -> Scope:
    """The units whose receipts `user` may look at: where they issue, and where they review."""
    return receipt_access.scope_for(user, "view")


def receipt_roles_held(user: User) -> list[RoleAtUnit]:
    """The receipt roles the account holds, effective or not: the issue form offers them and the service decides."""
    codes = set(CATEGORY_ROLE.values())
    return [item for item in cached_account_rights(user).items if item.held and item.role.code in codes]


# The columns of the receipt list; its default, newest first, is what an office checks at the end of the day.
RECEIPT_SORT = SortableColumns(columns=(
    SortColumn("number", fields=("unit__code", "fiscal_year", "trial", "number")),
    SortColumn("issued", fields=("issued_at",), descending_first=True),
    SortColumn("category", fields=("category", "fee_type__name_th")),
    SortColumn("payer", fields=("payer_name",)),
    SortColumn("total", fields=("total",), descending_first=True),
    SortColumn("issuer", fields=("issuer_name",)),
), default="-issued")


def receipt_list(
    *,
    viewer: User,
    unit: Unit | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    category: str | None = None,
    issuer_id: int | None = None,
    voided: bool | None = None,
    trial: bool | None = None,
    search: str = "",
    order: SortOrder | None = None,
) -> QuerySet[Receipt]:
    """Receipts in the viewer's scope, filtered, newest first unless `order` says otherwise. `unit` narrows to
    that unit and below."""
    qs = receipt_access.filter(Receipt.objects.all(), receipt_scope(viewer))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if date_from:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(issued_on__lte=date_to)
    if category:
        qs = qs.filter(category=category)
    if issuer_id:
        qs = qs.filter(issued_by_id=issuer_id)
    if voided is not None:
        qs = qs.filter(voided_at__isnull=not voided)
    if trial is not None:
        qs = qs.filter(trial=trial)
    if search := search.strip():
        condition = Q(payer_name__icontains=search) | _payer_national_id_condition(search)
        parts = search.split("/")
        if parts[-1].isdigit():  # "123", "000123" or "4701/2570/000123"
            number = Q(number=int(parts[-1]))
            if len(parts) == 3 and parts[1].isdigit():
                number &= Q(unit__code=parts[0], fiscal_year=int(parts[1]))
            condition |= number
        qs = qs.filter(condition)
    return (order or RECEIPT_SORT.read({})).order_queryset(qs.select_related("unit", "fee_type"))


def _payer_national_id_condition(search: str) -> Q:
    """A payer found by national ID only when the search is a whole one (dashes, spaces or Thai digits allowed),
    as every search of people: lists mask the IDs, and a part would give their hidden digits away."""
    national_id = person_search(search).national_id
    return Q(payer_national_id=national_id) if national_id else Q(pk__in=[])


def receipt_get(*, viewer: User, pk: int) -> Receipt:
    """One receipt in the viewer's scope with what its page and PDF show; Receipt.DoesNotExist otherwise."""
    qs = receipt_access.filter(Receipt.objects.all(), receipt_scope(viewer))
    return qs.select_related("unit", "fee_type", "voided_by", "payin_slip").prefetch_related("items").get(pk=pk)


def receipt_issuers(*, viewer: User) -> list[tuple[int, str]]:
    """(account id, name as printed) of everyone who issued a receipt in the viewer's scope, for the filter."""
    qs = receipt_access.filter(Receipt.objects.all(), receipt_scope(viewer))
    pairs = dict(qs.order_by("issuer_name").values_list("issued_by_id", "issuer_name").distinct())
    return sorted(pairs.items(), key=lambda pair: pair[1])


def units_with_receipts(*, viewer: User) -> QuerySet[Unit]:
    """Units in scope that hold receipts, where the viewer issues, or the top of the viewer's scope (a province
    reviewer's whole province): the choices of the unit filters, each meaning that unit and the units below it."""
    scope = receipt_scope(viewer)
    issuing = [item.unit.pk for item in receipt_roles_held(viewer)]
    roots = [root.pk for root in scope.roots]
    return scope.units().filter(
        Q(Exists(Receipt.objects.filter(unit=OuterRef("pk")))) | Q(pk__in=issuing) | Q(pk__in=roots)
    )


# ---------------------------------------------------------------------------------------------------------------
# The daily summary (รายงานสรุปการรับเงินประจำวัน)


@dataclass
class SummaryRow:
    category: str
    trial: bool
    count: int = 0
    voided: int = 0
    total: Decimal = Decimal("0.00")

    @property
    def label(self) -> str:
        # Read when shown: the screen's language on screen, Thai on the printed summary.
        return str(Category(self.category).label)


@dataclass
class DailySummary:
    unit: Unit
    day: datetime.date
    rows: list[SummaryRow]
    receipts: list[Receipt]
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def real_rows(self) -> list[SummaryRow]:
        return [row for row in self.rows if not row.trial]

    @property
    def total(self) -> Decimal:
        """Money received that day: real receipts that are not voided."""
        return sum((row.total for row in self.real_rows), Decimal("0.00"))

    @property
    def count(self) -> int:
        return sum(row.count for row in self.real_rows)

    @property
    def voided(self) -> int:
        return sum(row.voided for row in self.real_rows)


def receipt_daily_summary(*, viewer: User, unit: Unit, day: datetime.date) -> DailySummary:
    """Per category: receipts issued on `day` at `unit` and below, the voided ones apart. Two queries.

    Every category has a row even with no receipt; trial receipts get rows of their own, outside the totals.
    """
    qs = receipt_list(viewer=viewer, unit=unit, date_from=day, date_to=day)
    live = Q(voided_at__isnull=True)
    aggregates = {
        (row["category"], row["trial"]): row
        for row in qs.order_by().values("category", "trial").annotate(
            n=Count("pk", filter=live), n_voided=Count("pk", filter=~live), amount=Sum("total", filter=live)
        )
    }
    rows = []
    for trial in (False, True):
        for category in Category:
            found = aggregates.get((category.value, trial))
            if trial and found is None:
                continue
            row = SummaryRow(category=category.value, trial=trial)
            if found:
                row.count, row.voided = found["n"], found["n_voided"]
                row.total = found["amount"] or Decimal("0.00")
            rows.append(row)
    receipts = list(qs.order_by("unit__code", "trial", "number"))
    return DailySummary(unit=unit, day=day, rows=rows, receipts=receipts)


# ---------------------------------------------------------------------------------------------------------------
# Pay-in slips


def payin_slip_list(*, viewer: User, paid: bool | None = None, search: str = "") -> QuerySet[PayInSlip]:
    qs = payin_slip_access.filter(PayInSlip.objects.all(), receipt_scope(viewer)).annotate(
        is_paid=Exists(Receipt.objects.filter(payin_slip=OuterRef("pk"), voided_at__isnull=True))
    )
    if paid is not None:
        qs = qs.filter(is_paid=paid)
    if search := search.strip():
        qs = qs.filter(Q(reference1=search.upper()) | Q(payer_name__icontains=search)
                       | _payer_national_id_condition(search))
    return qs.select_related("unit", "fee_type").order_by("-created_at", "-pk")


def payin_slip_get(*, viewer: User, pk: int) -> PayInSlip:
    return payin_slip_list(viewer=viewer).get(pk=pk)


def payin_slip_receipts(slip: PayInSlip) -> list[Receipt]:
    return list(slip.receipts.select_related("unit").order_by("issued_at"))
