"""Reads for the review screens: the audit of one office's accounts, summaries per office, one account's page.

Every function starts from a unit the caller has already checked against the viewer's scope, and reads through
the audit engine, which costs a fixed number of queries whatever the number of accounts. Summaries are one pass
in Python over the engine's result: no query per office, per account or per flag.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext, gettext_noop

from accounts.models import Official, Unit, User
from audit.engine import AccountAudit, audit_accounts
from core.national_id import format_national_id, mask_national_id
from core.sorting import (
    SortableColumns,
    SortColumn,
    SortOrder,
)
from core.templatetags.thai import be_datetime
from core.thai import format_be_date, thai_sort_key
from rights.access import account_access, official_access, order_line_access
from rights.flags import FLAG_CODES, FLAGS
from rights.models import OrderLine
from rights.reference_cache import reference_objects
from rights.rules import order_line_in_force
from rights.scope import Scope
from rights.selectors import account_matches, order_lines_for_account

# Filter values beside the flag codes: every account with at least one flag, and every account with none.
ANY_PROBLEM = "ANY"
NO_PROBLEM = "CLEAN"

def flag_choices() -> list[tuple[str, str]]:
    return [(code, FLAGS[code].label) for code in FLAG_CODES]


# ---------------------------------------------------------------------------------------------------------------
# One office's accounts


def account_display_name(account: User) -> str:
    """The name in the HR record when the person is in it, else the name the account was registered with."""
    official = account.official
    return official.full_name if official is not None else (account.get_full_name() or account.username)


def shown_national_id(account: User, *, masked: bool) -> str:
    """The national ID as lists print it: masked (1-2345-xxxxx-xx-1) unless the viewer sees the whole country."""
    value = account.national_id
    if not value:
        return ""
    return mask_national_id(value) if masked else format_national_id(value)


def _matches(audit: AccountAudit, query: str) -> bool:
    """Name, username, position or level (as registered or in the HR record), or a whole national ID: the rule of
    every search of people (rights.selectors.account_matches)."""
    return account_matches(audit.account, query)


def _name_key(audit: AccountAudit) -> tuple:
    """The name as lists show it, without its title (นาย, นางสาว...): Thai name lists are ordered by first name,
    then last name. The username settles equal names."""
    account = audit.account
    official = account.official
    first, last = (official.first_name, official.last_name) if official is not None else (
        account.first_name or account.username, account.last_name)
    return thai_sort_key(first), thai_sort_key(last), account.username


def _position_key(audit: AccountAudit) -> tuple:
    account = audit.account
    position, level = account.registered_position, account.registered_level
    return (position is None, thai_sort_key(position.name_th) if position else "",
            level.name_th if level else "", account.username)


def _last_login_key(audit: AccountAudit) -> tuple:
    # Never logged in sorts first: the account the reviewer most needs to look at.
    last_login = audit.account.last_login
    return last_login is not None, last_login.timestamp() if last_login else 0.0, audit.account.username


# The columns of one office's account list. Not the national ID: its order would tell a viewer of masked IDs
# something of the hidden digits.
OFFICE_ACCOUNT_SORT = SortableColumns(columns=(
    SortColumn("username", value=lambda audit: audit.account.username),
    SortColumn("name", value=_name_key),
    SortColumn("position", value=_position_key),
    SortColumn("last_login", value=_last_login_key),
    SortColumn("problems", value=lambda audit: (len(audit.flags), audit.account.username), descending_first=True),
), default="username")


def _has_flag(audit: AccountAudit, flag: str) -> bool:
    if flag == ANY_PROBLEM:
        return bool(audit.flags)
    if flag == NO_PROBLEM:
        return not audit.flags
    return flag in audit.codes


@dataclass
class FlagCount:
    code: str
    label: str
    severity: str
    count: int

    @property
    def help(self) -> str:
        return FLAGS[self.code].help


@dataclass
class OfficeAccounts:
    """The audit of the active accounts registered at one office, whole and after the viewer's filters."""

    unit: Unit
    as_of: datetime.date
    audits: list[AccountAudit]  # every active account of the office
    rows: list[AccountAudit]  # those that pass the filter and search

    @property
    def total(self) -> int:
        return len(self.audits)

    @property
    def with_problems(self) -> int:
        return sum(1 for audit in self.audits if audit.flags)

    @property
    def flag_counts(self) -> list[FlagCount]:
        counts = _count_flags(self.audits)
        return [FlagCount(code, FLAGS[code].label, FLAGS[code].severity, counts[code]) for code in FLAG_CODES]


def _count_flags(audits: Iterable[AccountAudit]) -> dict[str, int]:
    """Accounts per flag (an account with two EXCESS_ROLE flags counts once)."""
    counts = dict.fromkeys(FLAG_CODES, 0)
    for audit in audits:
        for code in audit.codes:
            counts[code] += 1
    return counts


def office_accounts(
    *, unit: Unit, as_of: datetime.date, flag: str = "", query: str = "", order: SortOrder | None = None
) -> OfficeAccounts:
    """Audit the active accounts registered at `unit` itself (not the offices below it), then filter, search and
    sort (by username when `order` is None, as the engine returns them).

    A district office has no office below it, so this is the district's list; for a province office it is the
    province office's own staff, the first row of the province summary.
    """
    audits = [a for a in audit_accounts(scope=Scope(roots=[unit]), as_of=as_of) if a.account.registered_unit_id == unit.pk]
    rows = audits
    if flag:
        rows = [audit for audit in rows if _has_flag(audit, flag)]
    if query.strip():
        rows = [audit for audit in rows if _matches(audit, query.strip())]
    if order is not None:
        rows = order.sort_rows(rows)
    return OfficeAccounts(unit=unit, as_of=as_of, audits=audits, rows=rows)


def office_accounts_export_rows(office: OfficeAccounts, *, masked: bool) -> tuple[list[str], list[list]]:
    """Header and rows of the list export: every filtered account, not one page of them."""
    header = [gettext(name) for name in (
        "รหัสหน่วยงาน", "หน่วยงาน", "ชื่อผู้ใช้งาน", "เลขประจำตัวประชาชน", "ชื่อ-นามสกุล", "ตำแหน่งที่ลงทะเบียน",
        "ระดับที่ลงทะเบียน", "เข้าใช้งานล่าสุด", gettext_noop("รหัสปัญหา"), "ปัญหาที่พบ", "คำอธิบาย",
    )]
    rows = []
    for audit in office.rows:
        account = audit.account
        rows.append([
            office.unit.code,
            office.unit.display_name,
            account.username,
            shown_national_id(account, masked=masked),
            account_display_name(account),
            account.registered_position.name_th if account.registered_position else "",
            account.registered_level.name_th if account.registered_level else "",
            _login_text(account),
            ";".join(audit.codes),
            "; ".join(dict.fromkeys(flag.label for flag in audit.flags)),
            " / ".join(flag.explanation for flag in audit.flags),
        ])
    return header, rows


def _login_text(account: User) -> str:
    return be_datetime(account.last_login) if account.last_login else gettext("ไม่เคยเข้าใช้งาน")


# ---------------------------------------------------------------------------------------------------------------
# Summaries


@dataclass
class SummaryRow:
    """One office (or one province) of a summary: accounts, accounts with problems, accounts per flag."""

    unit: Unit | None
    label: str
    export_label: str = ""
    accounts: int = 0
    with_problems: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FLAG_CODES, 0))

    def add(self, audit: AccountAudit) -> None:
        self.accounts += 1
        if audit.flags:
            self.with_problems += 1
        for code in audit.codes:
            self.counts[code] += 1

    def absorb(self, other: SummaryRow) -> None:
        self.accounts += other.accounts
        self.with_problems += other.with_problems
        for code in FLAG_CODES:
            self.counts[code] += other.counts[code]

    @property
    def flag_counts(self) -> list[int]:
        """The counts in FLAG_CODES order, for table cells."""
        return [self.counts[code] for code in FLAG_CODES]

    @property
    def flag_cells(self) -> list[tuple[str, int]]:
        """(code, count) in FLAG_CODES order: a cell that links to the office's list filtered by its flag."""
        return [(code, self.counts[code]) for code in FLAG_CODES]

    @property
    def code(self) -> str:
        return self.unit.code if self.unit is not None else ""

    @property
    def full_label(self) -> str:
        """The name exports print: the office's full name where the screen shows a short one."""
        return self.export_label or self.label


@dataclass
class Problem:
    """One flag of one account, for the printed form's list of problems."""

    audit: AccountAudit
    code: str
    label: str
    explanation: str


@dataclass
class Summary:
    as_of: datetime.date
    rows: list[SummaryRow]
    total: SummaryRow
    audits: list[AccountAudit]
    extra_rows: list[SummaryRow] = field(default_factory=list)  # national: central units, not a province

    @property
    def flag_totals(self) -> list[FlagCount]:
        return [FlagCount(code, FLAGS[code].label, FLAGS[code].severity, self.total.counts[code])
                for code in FLAG_CODES]

    @property
    def problems(self) -> list[Problem]:
        return [
            Problem(audit, flag.code, flag.label, flag.explanation)
            for audit in self.audits
            for flag in audit.flags
        ]

    @property
    def chart(self) -> list[dict]:
        """Bars of accounts with problems per office, as a width class in steps of 5% (no inline style: CSP)."""
        top = max((row.with_problems for row in self.rows), default=0)
        bars = []
        for row in self.rows:
            step = 0
            if top and row.with_problems:
                step = max(1, round(row.with_problems * 20 / top))  # a non-zero count never draws an empty bar
            bars.append({"row": row, "width": step * 5})
        return bars


def short_office_name(unit: Unit) -> str:
    """อำเภอเมืองสกลนคร rather than ที่ทำการปกครองอำเภอเมืองสกลนคร: tables with twelve count columns need the room."""
    if unit.kind == Unit.Kind.DISTRICT:
        return f"เขต{unit.name_th}" if unit.is_bma else f"อำเภอ{unit.name_th}"
    if unit.kind == Unit.Kind.PROVINCE:
        return gettext("ที่ทำการปกครองจังหวัด")
    return unit.name_th


def province_summary(*, province: Unit, as_of: datetime.date) -> Summary:
    """One row for the province office itself and one per district, from one audit of the whole province."""
    audits = audit_accounts(scope=Scope(roots=[province]), as_of=as_of)
    # The districts from the process's reference cache, which the audit has just made sure knows every unit its
    # accounts are registered at (a query saved on every province page).
    districts = sorted((u for u in reference_objects().units.values() if u.parent_id == province.pk), key=lambda u: u.code)
    offices = [province, *districts]
    rows = {unit.code: SummaryRow(unit=unit, label=short_office_name(unit), export_label=unit.display_name) for unit in offices}
    total = SummaryRow(unit=province, label=gettext("รวมทั้งจังหวัด"))
    for audit in audits:
        total.add(audit)
        # "/DOPA/47/4701/": the third code on the path is the district (a unit below a district counts with it).
        parts = audit.account.registered_unit.path.strip("/").split("/")
        rows.get(parts[2] if len(parts) > 2 else province.code, rows[province.code]).add(audit)
    return Summary(as_of=as_of, rows=list(rows.values()), total=total, audits=audits)


def national_summary(*, as_of: datetime.date) -> Summary:
    """One row per province (its office and every district in it), and apart from them the central units."""
    provinces = list(Unit.objects.filter(kind=Unit.Kind.PROVINCE).order_by("code"))
    rows = {unit.code: SummaryRow(unit=unit, label=unit.name_th) for unit in provinces}
    central: dict[int | None, SummaryRow] = {}
    total = SummaryRow(unit=None, label=gettext("รวมทั้งประเทศ"))
    audits = audit_accounts(scope=Scope(national=True), as_of=as_of)
    for audit in audits:
        total.add(audit)
        unit = audit.account.registered_unit
        # "/DOPA/47/4701/": the second code on the path is the province, when the unit is under one.
        parts = unit.path.strip("/").split("/") if unit is not None else []
        row = rows.get(parts[1]) if len(parts) > 1 else None
        if row is None:
            key = unit.pk if unit is not None else None
            row = central.setdefault(
                key, SummaryRow(unit=unit, label=unit.display_name if unit is not None else gettext("ไม่ได้ลงทะเบียนหน่วยงาน"))
            )
        row.add(audit)
    extra = sorted(central.values(), key=lambda r: r.unit.path if r.unit is not None else "~")
    return Summary(as_of=as_of, rows=list(rows.values()), total=total, audits=audits, extra_rows=extra)


def summary_export_rows(summary: Summary, *, include_extra: bool = False) -> tuple[list[str], list[list]]:
    header = [gettext("รหัสหน่วยงาน"), gettext("หน่วยงาน"), gettext("บัญชีผู้ใช้งาน"), gettext("บัญชีที่พบปัญหา"),
              *(FLAGS[c].label for c in FLAG_CODES)]
    rows = [*summary.rows, *(summary.extra_rows if include_extra else []), summary.total]
    return header, [[row.code, row.full_label, row.accounts, row.with_problems, *row.flag_counts] for row in rows]


# ---------------------------------------------------------------------------------------------------------------
# One account's page


def account_in_scope(*, scope: Scope, pk: int) -> User | None:
    """The account if its registered unit lies in the scope (active or not), else None."""
    return account_access.filter(User.objects.filter(pk=pk), scope).select_related("registered_unit").first()


@dataclass
class Comparison:
    """One line of the side-by-side table: what was registered, what the latest order says, what HR says."""

    label: str
    registered: str
    ordered: str
    hr: str
    registered_differs: bool
    hr_differs: bool


def account_comparison(audit: AccountAudit) -> list[Comparison]:
    """Registration data, the latest in-force order line and the HR record, field by field.

    The order is the reference (the circular checks registrations against the written orders); without an
    order in force, the HR record is.
    """
    account, line, official = audit.account, audit.latest_line, audit.account.official
    fields = [
        (gettext("ตำแหน่ง"), "registered_position", "position", lambda position: position.name_th),
        (gettext("ระดับ"), "registered_level", "level", str),
        (gettext("หน่วยงาน"), "registered_unit", "unit", lambda unit: unit.display_name),
    ]
    rows = []
    for label, registered_attr, attr, shown in fields:
        registered = getattr(account, registered_attr)
        ordered = getattr(line, attr) if line is not None else None
        hr = getattr(official, attr) if official is not None else None
        reference = ordered if line is not None else hr
        rows.append(Comparison(
            label=label,
            registered=shown(registered) if registered is not None else "",
            ordered=shown(ordered) if ordered is not None else "",
            hr=shown(hr) if hr is not None else "",
            registered_differs=reference is not None and (registered is None or registered.pk != reference.pk),
            hr_differs=line is not None and hr is not None and hr.pk != ordered.pk,
        ))
    return rows


def account_order_lines(*, account: User, as_of: datetime.date) -> list[OrderLine]:
    """Every order line naming the account's official, newest first, each marked in force on `as_of` or not."""
    lines: QuerySet[OrderLine] | list = order_lines_for_account(account=account)
    result = list(lines)
    for line in result:
        line.in_force_on_as_of = order_line_in_force(line, as_of)
    return result


# ---------------------------------------------------------------------------------------------------------------
# People named by orders whom the office has on neither record


def people_without_record(
    *, unit: Unit, viewer_scope: Scope, as_of: datetime.date, below: bool = False
) -> list[OrderLine]:
    """In-force order lines at `unit` (and the units below it when `below`) naming someone with no HR record and no active account in
    `viewer_scope`: people ordered to work here of whom the office knows nothing else (newcomers the HR record has
    not caught up with, or a mistyped ID). Relative to the viewer's scope, so the list never tells whether a
    national ID is on the record of another office. One query, ordered by unit, order and line.
    """
    on_record = official_access.filter(Official.objects.filter(national_id=OuterRef("official_id")), viewer_scope)
    has_account = account_access.filter(
        User.objects.filter(official_id=OuterRef("official_id"), is_active=True), viewer_scope
    )
    lines = OrderLine.objects.in_force(as_of)
    lines = order_line_access.filter(lines, Scope(roots=[unit])) if below else lines.filter(unit=unit)
    return list(
        lines
        .exclude(Exists(on_record))
        .exclude(Exists(has_account))
        .select_related("order__issuing_unit", "role", "unit", "position", "level")
        .order_by("unit__path", "order__order_date", "order_id", "pk")
    )


def people_without_record_export_rows(lines: list[OrderLine], *, masked: bool) -> tuple[list[str], list[list]]:
    header = [gettext(name) for name in (
        "รหัสหน่วยงาน", "หน่วยงาน", "เลขประจำตัวประชาชน", "ชื่อ-นามสกุลตามคำสั่ง", "บทบาท", "ตำแหน่งตามคำสั่ง",
        "ระดับตามคำสั่ง", "เลขที่คำสั่ง", "ลงวันที่", "มีผลตั้งแต่", "มีผลถึง",
    )]
    rows = [
        [
            line.unit.code, line.unit.display_name,
            mask_national_id(line.official_id) if masked else format_national_id(line.official_id),
            line.written_name, line.role.name_th, line.position.name_th, line.level.name_th, line.order.number,
            format_be_date(line.order.order_date), format_be_date(line.effective_from),
            format_be_date(line.effective_to) if line.effective_to else "",
        ]
        for line in lines
    ]
    return header, rows
