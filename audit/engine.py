"""The audit engine: every flag of the circular for every active account in a scope, as of a date.

Set-based: a fixed number of queries whatever the number of accounts (the accounts, their in-force order lines,
their held roles, the policies, and the quota counts), then one pass in Python.
"""

from __future__ import annotations

import datetime
import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from accounts.models import Official, Unit, UnitUserObjectPermission, User
from rights.flags import (  # noqa: F401 (the codes are read from here by the rounds and the tests)
    DORMANT,
    EXCESS_ROLE,
    FLAGS,
    LEVEL_MISMATCH,
    NO_ORDER,
    POLICY_VIOLATION,
    POSITION_MISMATCH,
    QUOTA_EXCEEDED,
    RETIRED_ACTIVE,
    SEPARATED_ACTIVE,
    TRANSFERRED_ACTIVE,
    UNIT_MISMATCH,
    UNKNOWN_PERSON,
    FlagSpec,
)
from rights.models import AssignmentOrder, OrderLine, Role
from rights.reference_cache import reference_objects
from rights.rules import (
    MISMATCH_FLAGS,
    first_policy_refusal,
    line_precedence,
    quota_limit,
    registration_mismatches,
    separation,
)
from rights.scope import RoleAtUnit, Scope, policies_in_force, role_items


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding about one account. Its texts are written only when read: reports and summaries need only codes."""

    code: str
    facts: tuple = ()  # what the explanation and the remedy are made of (FlagSpec.texts)

    @property
    def spec(self) -> FlagSpec:
        return FLAGS[self.code]

    @property
    def explanation(self) -> str:
        """What is wrong, in words a reviewer can act on."""
        return self.spec.texts(*self.facts)[0]

    @property
    def remedy(self) -> str:
        """What to do about it."""
        return self.spec.texts(*self.facts)[1]

    @property
    def label(self) -> str:
        return self.spec.label  # in the active language, as text that joins and exports

    @property
    def severity(self) -> str:
        return self.spec.severity


class LineRow(NamedTuple):
    """An in-force order line as the engine reads it, with its order's number and date: a plain row, turned into an
    OrderLine only when a page shows it."""

    id: int
    order_id: int
    official_id: str  # the national ID
    role_id: int
    unit_id: int
    position_id: int
    level_id: int
    effective_from: datetime.date
    effective_to: datetime.date | None
    acting: str  # OrderLine.Acting: "" for a line in the person's own position
    order_number: str
    order_date: datetime.date
    order_issuing_unit_id: int
    order_number_year: int | None
    order_number_serial: int | None

    def precedence(self) -> tuple:
        """rights.rules.line_precedence of the row."""
        return line_precedence(effective_from=self.effective_from, order_date=self.order_date,
                               number_year=self.order_number_year, number_serial=self.order_number_serial, pk=self.id)


# What each field of a LineRow is read from: the line's own fields, then its order's (one join).
LINE_LOOKUPS = tuple(
    {"order_number": "order__number", "order_date": "order__order_date", "order_issuing_unit_id": "order__issuing_unit_id",
     "order_number_year": "order__number_year", "order_number_serial": "order__number_serial"}.get(name, name)
    for name in LineRow._fields
)
LINE_FIELDS = LineRow._fields[:LineRow._fields.index("order_number")]  # the line's own, as attribute names
ORDER_FIELDS = ("id", "number", "order_date", "issuing_unit_id")  # the order's that a page reads without a query


class AccountAudit:
    """One account's audit: the account (with its HR record), the roles it holds, its in-force lines and its flags."""

    __slots__ = ("account", "held", "flags", "policies", "_line_rows", "_lines", "_ctx")

    def __init__(self, *, account: User, held: list[tuple[Role, Unit]], line_rows: list[LineRow], ctx: _Context):
        self.account = account
        self.held = held
        self.flags: list[Flag] = []
        self.policies = ctx.policies  # in force on the audit's date, by role id
        self._line_rows = line_rows  # latest first
        self._lines: list[OrderLine] | None = None
        self._ctx = ctx

    @property
    def in_force_lines(self) -> list[OrderLine]:
        """The in-force order lines naming the account's official, latest first."""
        if self._lines is None:
            self._lines = [self._ctx.line_instance(row) for row in self._line_rows]
        return self._lines

    @property
    def line_rows(self) -> list[LineRow]:
        """The same lines as plain rows (ids, dates, the order's number), for readers that need no model instances."""
        return self._line_rows

    @property
    def reference(self):
        """The units, positions, levels and roles the audit read (rights.reference_cache), by id."""
        return self._ctx.ref

    @property
    def latest_line(self) -> OrderLine | None:
        return self.in_force_lines[0] if self._line_rows else None

    def role_items(self) -> list[RoleAtUnit]:
        """The roles held and granted, as rights.scope.account_rights gives them, from what the audit loaded."""
        return role_items(held=self.held, lines=self.in_force_lines, policies=self.policies, official=self.official)

    @property
    def official(self) -> Official | None:
        return self.account.official

    @property
    def codes(self) -> list[str]:
        return sorted({flag.code for flag in self.flags})

    @property
    def is_clean(self) -> bool:
        return not self.flags


def _attach(instance, **related) -> None:
    """Point an instance's foreign keys at shared objects without a query, as select_related and prefetch_related
    fill them in (the field's cache; a None there means a related row that does not exist, as for a national ID
    missing from the HR record, while the id the row was read with stays)."""
    get_field = instance._meta.get_field
    for name, value in related.items():
        get_field(name).set_cached_value(instance, value)


def _cache_setters(model, *names: str) -> list:
    """The cache setters of `model`'s foreign keys `names`, as _attach uses them: for loops over every account."""
    return [model._meta.get_field(name).set_cached_value for name in names]


IN_BATCH = 20_000  # ids per IN list: below SQLite's limit on bound parameters (32,766)


def _in_batches(qs, field: str, ids: list) -> list:
    """Rows of `qs` whose `field` is one of `ids`: one query per 20,000 ids (one for any scope below the nation)."""
    rows = []
    for start in range(0, len(ids), IN_BATCH):
        rows.extend(qs.filter(**{f"{field}__in": ids[start:start + IN_BATCH]}))
    return rows


def _columns(model, names: set[str]) -> tuple[str, ...]:
    """`names` (attribute names: foreign keys as ids) in the model's field order, the order Model.from_db takes."""
    return tuple(field.attname for field in model._meta.concrete_fields if field.attname in names)


# The columns the audit reads; the others are deferred, as with only().
ACCOUNT_COLUMNS = _columns(User, {
    "id", "username", "first_name", "last_name", "email", "last_login", "date_joined", "is_active", "is_staff",
    "is_superuser", "deactivated_at", "deactivation_reason", "official_id",
    "registered_position_id", "registered_level_id", "registered_unit_id",
})
OFFICIAL_COLUMNS = _columns(Official, {
    "id", "national_id", "title", "first_name", "last_name", "position_id", "level_id", "unit_id", "status",
    "birth_date", "retirement_date",
})


def _instances(model, columns: tuple[str, ...], rows, *, db: str) -> list:
    """Instances of `model` from rows of `columns`, as Model.from_db builds them for a queryset with only().

    Kept for the accounts and their HR records rather than calling from_db per row: Model.__init__'s per-field
    setattr (through the foreign keys' id descriptors) cost 0.78 s against 0.28 s for the country's 29,718 accounts
    and HR records, a sixth of the national audit (measured for issue 17). Falls back to from_db when something
    listens to the model's init signals, which this path would not send.
    """
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return [model.from_db(db, columns, row) for row in rows]
    new = object.__new__
    instances = []
    for row in rows:
        instance = new(model)
        instance.__dict__.update(zip(columns, row, strict=True))
        state = instance._state = ModelState()
        state.adding, state.db = False, db
        instances.append(instance)
    return instances


def _rows(row_type, rows) -> list:
    """`rows` (tuples from values_list) as `row_type`, a NamedTuple of the same fields, as values_list(named=True)
    builds its rows (without _make's per-row length check: twice as fast).

    Unlike plain tuples of ids and dates, NamedTuple rows stay tracked by the garbage collector, whose full
    collections then walk them: for the country's 58,000 order lines about 0.2 s more (issue 17), so the
    short-lived held-role rows stay plain tuples.
    """
    new = tuple.__new__
    return [new(row_type, row) for row in rows]


class _Context:
    """Everything the flags need beyond the accounts themselves, loaded once per audit run.

    Rows come without joins and point at shared reference objects (accounts.reference_cache); order lines and held
    roles stay plain rows. A national run reads about 120,000 rows and builds about 60,000 model instances.
    """

    def __init__(self, *, as_of: datetime.date, accounts_qs, scope: Scope | None):
        self.as_of = as_of
        # Each account with its HR record (a left join: the national ID may be missing from the record).
        rows = list(accounts_qs.values_list(*ACCOUNT_COLUMNS, *(f"official__{name}" for name in OFFICIAL_COLUMNS)))
        db = self.db = accounts_qs.db
        width = len(ACCOUNT_COLUMNS)
        self.accounts = _instances(User, ACCOUNT_COLUMNS, (row[:width] for row in rows), db=db)
        officials = {
            official.national_id: official
            for official in _instances(Official, OFFICIAL_COLUMNS, (row[width:] for row in rows if row[width] is not None), db=db)
        }
        # Filtered by the ids just read rather than by a subquery of the accounts: on fresh (unanalysed) tables
        # PostgreSQL planned nested subqueries badly enough to take minutes.
        # By the accounts' national IDs, not their HR records: an order line names a person by the ID whether or not
        # the HR record has them, and an account unknown to it is judged against its lines like any other.
        line_rows = _rows(LineRow, _in_batches(
            OrderLine.objects.in_force(as_of).order_by().values_list(*LINE_LOOKUPS),
            "official_id", sorted({account.official_id for account in self.accounts if account.official_id}),
        ))
        # (user_id, permission_id, unit_id), unpacked by name where read: plain tuples (see _rows).
        held_rows = _in_batches(
            UnitUserObjectPermission.objects.filter(permission__role__isnull=False).values_list(
                "user_id", "permission_id", "content_object_id"
            ),
            "user_id",
            [account.pk for account in self.accounts],
        )
        ref = self.ref = reference_objects(
            needs_roles={row.role_id for row in line_rows},
            needs_role_permissions={permission_id for _, permission_id, _ in held_rows},
            needs_units={a.registered_unit_id for a in self.accounts if a.registered_unit_id}
            | {o.unit_id for o in officials.values()} | {row.unit_id for row in line_rows}
            | {unit_id for _, _, unit_id in held_rows},
            needs_positions={o.position_id for o in officials.values()} | {row.position_id for row in line_rows}
            | {a.registered_position_id for a in self.accounts if a.registered_position_id},
            needs_levels={o.level_id for o in officials.values()} | {row.level_id for row in line_rows}
            | {a.registered_level_id for a in self.accounts if a.registered_level_id},
        )
        units, positions, levels = ref.units, ref.positions, ref.levels
        self.roles = ref.roles
        set_position, set_level, set_unit = _cache_setters(Official, "position", "level", "unit")
        for official in officials.values():
            set_position(official, positions[official.position_id])
            set_level(official, levels[official.level_id])
            set_unit(official, units[official.unit_id])
        set_official, set_registered_unit, set_registered_position, set_registered_level = _cache_setters(
            User, "official", "registered_unit", "registered_position", "registered_level"
        )
        for account in self.accounts:
            set_official(account, officials.get(account.official_id))
            set_registered_unit(account, units.get(account.registered_unit_id))
            set_registered_position(account, positions.get(account.registered_position_id))
            set_registered_level(account, levels.get(account.registered_level_id))
        # Unit code, then username; accounts without a registered unit last (as PostgreSQL sorts NULL).
        self.accounts.sort(key=lambda a: (a.registered_unit is None, a.registered_unit.code if a.registered_unit else "",
                                          a.username))
        self.officials = officials  # by national ID
        self.lines: dict[str, list[LineRow]] = defaultdict(list)  # by national ID, latest first
        for row in sorted(line_rows, key=LineRow.precedence, reverse=True):
            self.lines[row.official_id].append(row)
        self.held: dict[int, list[tuple[Role, Unit]]] = defaultdict(list)
        for user_id, permission_id, unit_id in sorted(held_rows, key=lambda row: (units[row[2]].path, row[1])):
            self.held[user_id].append((ref.role_by_permission[permission_id], units[unit_id]))
        self.policies = policies_in_force(on=as_of)
        self.over_quota = self._over_quota(scope)
        # Dormant: no login since the start of the day DORMANT_AFTER_DAYS before the audit's date (local time).
        self.dormant_days = settings.DORMANT_AFTER_DAYS
        self.active_since = timezone.make_aware(
            datetime.datetime.combine(as_of - datetime.timedelta(days=self.dormant_days), datetime.time.min)
        )
        self._orders: dict[int, AssignmentOrder] = {}

    def line_instance(self, row: LineRow) -> OrderLine:
        """An OrderLine of a row, as loaded from the database (its other fields deferred), with its order and
        reference objects attached (no query)."""
        order = self._orders.get(row.order_id)
        if order is None:
            order = self._orders[row.order_id] = AssignmentOrder.from_db(
                self.db, ORDER_FIELDS, (row.order_id, row.order_number, row.order_date, row.order_issuing_unit_id)
            )
        line = OrderLine.from_db(self.db, LINE_FIELDS, row[:len(LINE_FIELDS)])
        ref = self.ref
        _attach(line, order=order, official=self.officials.get(row.official_id), role=ref.roles[row.role_id],
                unit=ref.units[row.unit_id], position=ref.positions[row.position_id], level=ref.levels[row.level_id])
        return line

    def _over_quota(self, scope: Scope | None) -> dict[tuple[int, int], tuple[int, int]]:
        """{(role_id, unit_id): (holders, limit)} for every unit where more active accounts hold a role than allowed.

        Counted only at the units in scope (holders registered anywhere count: the quota is the unit's).
        """
        limits = {}
        for role_id, policies in self.policies.items():
            limit = quota_limit(policies)
            if limit is not None:
                limits[self.roles[role_id].permission_id] = (role_id, limit)
        if not limits:
            return {}
        holdings = UnitUserObjectPermission.objects.filter(permission_id__in=limits, user__is_active=True)
        if scope is not None:
            holdings = scope.filter(holdings, "content_object")
        else:  # one account: the units it holds roles at
            holdings = holdings.filter(content_object_id__in={unit.pk for held in self.held.values() for _, unit in held})
        counts = holdings.values("permission_id", "content_object_id").annotate(holders=Count("user_id", distinct=True))
        over = {}
        for row in counts:
            role_id, limit = limits[row["permission_id"]]
            if row["holders"] > limit:
                over[(role_id, row["content_object_id"])] = (row["holders"], limit)
        return over


def _flags_for(account: User, official: Official | None, line_rows: list[LineRow], held: list[tuple[Role, Unit]],
               ctx: _Context) -> list[Flag]:
    # Runs for every account of a report: ids are compared through .id and the shared reference dicts rather
    # than through .pk and the related-object descriptors.
    as_of, ref = ctx.as_of, ctx.ref
    flags: list[Flag] = []
    if official is None:
        flags.append(Flag(UNKNOWN_PERSON, (account.username, bool(line_rows))))
    if not line_rows:
        flags.append(Flag(NO_ORDER, (as_of,)))
    # Registration is the person's own post: it is compared with the latest line in their own position, never with
    # a post they act in (รักษาราชการแทน).
    latest = next((row for row in line_rows if not row.acting), None)
    if latest is not None:
        registered = (account.registered_position_id, account.registered_level_id, account.registered_unit_id)
        ordered = (latest.position_id, latest.level_id, latest.unit_id)
        for code in registration_mismatches(registered=registered, ordered=ordered):
            index = MISMATCH_FLAGS.index(code)
            objects = (ref.positions, ref.levels, ref.units)[index]
            registered_id = registered[index]
            shown = objects.get(registered_id) if registered_id is not None else None
            flags.append(Flag(code, (shown, objects[ordered[index]], latest.order_number)))
    if held:
        granted: dict[tuple[int, int], LineRow] = {}
        for row in line_rows:  # latest first: the line that grants a role at a unit is the first one seen
            granted.setdefault((row.role_id, row.unit_id), row)
        position = ref.positions[official.position_id] if official is not None else None
        level = ref.levels[official.level_id] if official is not None else None
        for role, unit in held:
            key = (role.id, unit.id)
            line = granted.get(key)
            if line is None:
                flags.append(Flag(EXCESS_ROLE, (role, unit)))
            if official is not None:
                # A post one acts in is judged on the position and level the acting line names, for its dates.
                acting = line is not None and bool(line.acting)
                judged = (ref.positions[line.position_id], ref.levels[line.level_id]) if acting else (position, level)
                refusal = first_policy_refusal(ctx.policies.get(role.id, ()), position=judged[0], level=judged[1],
                                               acting=acting)
                if refusal:
                    flags.append(Flag(POLICY_VIOLATION, (refusal, role)))
            over = ctx.over_quota.get(key)
            if over is not None:
                flags.append(Flag(QUOTA_EXCEEDED, (role, unit, *over)))
    if official is not None:
        status, retirement_date = official.status, official.retirement_date
        left = separation(status=status, retirement_date=retirement_date, on=as_of)
        if left == RETIRED_ACTIVE:
            by_age = retirement_date is not None and retirement_date <= as_of
            flags.append(Flag(RETIRED_ACTIVE, (retirement_date if by_age else None,)))
        elif left == TRANSFERRED_ACTIVE:
            flags.append(Flag(TRANSFERRED_ACTIVE))
        elif left == SEPARATED_ACTIVE:
            flags.append(Flag(SEPARATED_ACTIVE, (status,)))
    last_login = account.last_login
    if last_login is None or last_login < ctx.active_since:
        flags.append(Flag(DORMANT, (timezone.localdate(last_login) if last_login else None, ctx.dormant_days)))
    return flags


def accounts_in_scope(scope: Scope):
    """Active accounts whose registered unit lies in the scope."""
    accounts = User.objects.filter(is_active=True)
    if scope.national:
        return accounts
    # By the units' ids rather than a join on their paths: PostgreSQL then reads the accounts through the index of
    # their registered unit, not by scanning every account of the country.
    return accounts.filter(registered_unit_id__in=list(scope.units().values_list("id", flat=True)))


@contextmanager
def _collector_paused():
    """No cyclic garbage collection while the rows are read and judged. The engine makes about 120,000 rows and
    60,000 instances that all stay alive until the report is done; each full collection on the way walked every one
    of them (a third of a national audit's CPU, docs/performance.md). Refcounting still frees what dies, and the
    collector resumes when the audit ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _audit(accounts_qs, *, as_of: datetime.date, scope: Scope | None) -> list[AccountAudit]:
    with _collector_paused():
        return _audit_rows(accounts_qs, as_of=as_of, scope=scope)


def _audit_rows(accounts_qs, *, as_of: datetime.date, scope: Scope | None) -> list[AccountAudit]:
    ctx = _Context(as_of=as_of, accounts_qs=accounts_qs, scope=scope)
    audits = []
    no_rows: list = []
    for account in ctx.accounts:
        official = ctx.officials.get(account.official_id)
        line_rows = ctx.lines.get(account.official_id, no_rows) if account.official_id else no_rows
        audit = AccountAudit(account=account, held=ctx.held.get(account.id, no_rows), line_rows=line_rows, ctx=ctx)
        audit.flags = _flags_for(account, official, line_rows, audit.held, ctx)
        audits.append(audit)
    return audits


def audit_accounts(*, scope: Scope, as_of: datetime.date) -> list[AccountAudit]:
    """Audit every active account whose registered unit is in `scope`, sorted by unit code then username."""
    return _audit(accounts_in_scope(scope), as_of=as_of, scope=scope)


def audit_account(*, account: User, as_of: datetime.date) -> AccountAudit:
    """Audit one account (active or not), e.g. for its page."""
    return _audit(User.objects.filter(pk=account.pk), as_of=as_of, scope=None)[0]
