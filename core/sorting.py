"""Lists sorted by the column the viewer clicks: `?sort=<key>` ascending, `?sort=-<key>` descending.

Each list declares its columns once (`SortableColumns`). Only a declared key is read from the URL: anything else falls
back to the list's default order, so a URL can neither break the page nor ask the database for an ordering the list
does not offer (an ordering on a hidden or masked field, for one). Querysets sort in the database with the primary key
last, so that rows with equal values keep their place from one page to the next; lists built in memory sort in
Python with a stable sort.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

SORT_PARAM = "sort"


@dataclass(frozen=True)
class SortColumn:
    """One way a list can be sorted.

    `fields`: the database ordering of the ascending order (a field may carry its own "-"); `value`: the key of one
    row, for lists in memory. `descending_first`: the first click sorts newest or largest first (dates, amounts).
    """

    key: str
    fields: tuple[str, ...] = ()
    value: Callable[[Any], Any] | None = None
    descending_first: bool = False


@dataclass(frozen=True)
class SortOrder:
    """The order a list is shown in: one of its columns, ascending or descending."""

    columns: SortableColumns
    key: str
    descending: bool

    @property
    def column(self) -> SortColumn:
        return self.columns.by_key[self.key]

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def order_queryset(self, qs: QuerySet) -> QuerySet:
        fields = [*self.column.fields, "pk"]
        return qs.order_by(*(_flip(name) if self.descending else name for name in fields))

    def sort_rows(self, rows: Iterable) -> list:
        return sorted(rows, key=self.column.value, reverse=self.descending)

    def link_param(self, key: str) -> str:
        """The `sort` value of a column header's link: the other direction for the current column, else the
        column's first direction."""
        if key == self.key:
            return key if self.descending else f"-{key}"
        return f"-{key}" if self.columns.by_key[key].descending_first else key

    def aria_sort(self, key: str) -> str:
        if key != self.key:
            return ""
        return "descending" if self.descending else "ascending"


@dataclass(frozen=True)
class SortableColumns:
    """The columns a list may be sorted by, and its order when the URL names none (e.g. "-issued")."""

    columns: tuple[SortColumn, ...]
    default: str
    by_key: dict[str, SortColumn] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_key", {column.key: column for column in self.columns})
        if self.default.removeprefix("-") not in self.by_key:
            raise ValueError(f"default sort {self.default!r} is not one of the columns")

    def read(self, params: Mapping[str, str], *, default: str | None = None) -> SortOrder:
        """The order asked for in `params`, or the default when the key is missing or not one of the columns."""
        wanted = (params.get(SORT_PARAM) or "").strip()
        key = wanted.removeprefix("-")
        if key not in self.by_key:
            wanted = default or self.default
            key = wanted.removeprefix("-")
        return SortOrder(columns=self, key=key, descending=wanted.startswith("-"))


def _flip(name: str) -> str:
    return name[1:] if name.startswith("-") else f"-{name}"
