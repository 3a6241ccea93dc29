"""The audit engine: every flag of the circular for every active account in a scope, as of a date.

Set-based: a fixed number of queries whatever the number of accounts (the accounts, their in-force order lines,
their held roles, the policies, and the quota counts), then one pass in Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AssignmentOrder, Official, OrderLine, Role, Unit, UnitUserObjectPermission, User
from accounts.reference_cache import reference_objects
from accounts.rights import RoleAtUnit, Scope, policies_in_force, policy_refusal, role_items
from accounts.thai import format_be_date

UNKNOWN_PERSON = "UNKNOWN_PERSON"
NO_ORDER = "NO_ORDER"
POSITION_MISMATCH = "POSITION_MISMATCH"
LEVEL_MISMATCH = "LEVEL_MISMATCH"
UNIT_MISMATCH = "UNIT_MISMATCH"
EXCESS_ROLE = "EXCESS_ROLE"
POLICY_VIOLATION = "POLICY_VIOLATION"
QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
RETIRED_ACTIVE = "RETIRED_ACTIVE"
TRANSFERRED_ACTIVE = "TRANSFERRED_ACTIVE"
SEPARATED_ACTIVE = "SEPARATED_ACTIVE"
DORMANT = "DORMANT"

FLAG_CODES = [
    UNKNOWN_PERSON, NO_ORDER, POSITION_MISMATCH, LEVEL_MISMATCH, UNIT_MISMATCH, EXCESS_ROLE, POLICY_VIOLATION,
    QUOTA_EXCEEDED, RETIRED_ACTIVE, TRANSFERRED_ACTIVE, SEPARATED_ACTIVE, DORMANT,
]

FLAG_LABELS = {
    UNKNOWN_PERSON: _("ไม่พบในทะเบียนบุคคล"),
    NO_ORDER: _("ไม่มีคำสั่งมอบหมาย"),
    POSITION_MISMATCH: _("ตำแหน่งไม่ตรงกับคำสั่ง"),
    LEVEL_MISMATCH: _("ระดับไม่ตรงกับคำสั่ง"),
    UNIT_MISMATCH: _("หน่วยงานไม่ตรงกับคำสั่ง"),
    EXCESS_ROLE: _("ถือสิทธิ์เกินคำสั่ง"),
    POLICY_VIOLATION: _("ขัดเงื่อนไขสิทธิ์"),
    QUOTA_EXCEEDED: _("ผู้ถือสิทธิ์เกินจำนวน"),
    RETIRED_ACTIVE: _("เกษียณแล้วแต่ยังใช้งาน"),
    TRANSFERRED_ACTIVE: _("ย้ายแล้วแต่ยังใช้งาน"),
    SEPARATED_ACTIVE: _("พ้นจากราชการแล้วแต่ยังใช้งาน"),
    DORMANT: _("ไม่ได้เข้าใช้งานเกิน 90 วัน"),
}


@dataclass(frozen=True)
class Flag:
    code: str
    explanation: str  # what is wrong, in words a reviewer can act on
    remedy: str  # what to do about it

    @property
    def label(self) -> str:
        return str(FLAG_LABELS[self.code])  # in the active language, as text that joins and exports


@dataclass
class AccountAudit:
    account: User
    latest_line: OrderLine | None = None
    in_force_lines: list[OrderLine] = field(default_factory=list)
    held: list[tuple[Role, Unit]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    policies: dict = field(default_factory=dict, repr=False)  # in force on the audit's date, by role id

    def role_items(self) -> list[RoleAtUnit]:
        """The roles held and granted, as accounts.rights.account_rights gives them, from what the audit loaded."""
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


def _order_ref(line: OrderLine) -> str:
    return f"คำสั่งที่ {line.order.number}"


def _last_login_date(account: User) -> datetime.date | None:
    return timezone.localdate(account.last_login) if account.last_login else None


def _attach(instance, **related) -> None:
    """Point an instance's foreign keys at shared objects without a query (what select_related would fill in)."""
    instance._state.fields_cache.update(related)


IN_BATCH = 20_000  # ids per IN list: below SQLite's limit on bound parameters (32,766)


def _in_batches(qs, field: str, ids: list) -> list:
    """Rows of `qs` whose `field` is one of `ids`: one query per 20,000 ids (one for any scope below the nation)."""
    rows = []
    for start in range(0, len(ids), IN_BATCH):
        rows.extend(qs.filter(**{f"{field}__in": ids[start:start + IN_BATCH]}))
    return rows


ACCOUNT_FIELDS = (
    "id", "username", "first_name", "last_name", "email", "last_login", "date_joined", "is_active", "is_staff",
    "is_superuser", "deactivated_at", "deactivation_reason", "official",
    "registered_position", "registered_level", "registered_unit",
)
OFFICIAL_FIELDS = (
    "id", "national_id", "title", "first_name", "last_name", "position", "level", "unit", "status", "birth_date",
    "retirement_date",
)
LINE_FIELDS = ("id", "order", "official", "role", "unit", "position", "level", "effective_from", "effective_to")


class _Context:
    """Everything the flags need beyond the accounts themselves, loaded once per audit run.

    Rows come without joins and point at shared reference objects (accounts.reference_cache): a national run
    reads about 120,000 rows, not 700,000 model instances.
    """

    def __init__(self, *, as_of: datetime.date, accounts_qs, scope: Scope | None):
        self.as_of = as_of
        # The HR record comes with its account (one row each, so the join builds no duplicates).
        self.accounts = list(
            accounts_qs.select_related("official")
            .only(*ACCOUNT_FIELDS, *(f"official__{name}" for name in OFFICIAL_FIELDS))
            .order_by("registered_unit__code", "username")
        )
        officials = {account.official.national_id: account.official for account in self.accounts if account.official}
        # Filtered by the ids just read rather than by a subquery of the accounts: on fresh (unanalysed) tables
        # PostgreSQL planned the nested subqueries badly enough to take minutes.
        lines = _in_batches(
            OrderLine.objects.in_force(as_of).only(*LINE_FIELDS), "official_id", [o.pk for o in officials.values()]
        )
        # By the ids just read (a few thousand at most, nationally): a second nested subquery here let PostgreSQL
        # pick a pathological plan on small tables with stale statistics.
        orders = {order.pk: order for order in AssignmentOrder.objects.filter(pk__in={line.order_id for line in lines})
                  .only("id", "number", "order_date", "issuing_unit")}
        held_rows = _in_batches(
            UnitUserObjectPermission.objects.filter(permission__role__isnull=False).values_list(
                "user_id", "permission_id", "content_object_id"
            ),
            "user_id",
            [account.pk for account in self.accounts],
        )
        ref = reference_objects(
            needs_roles={line.role_id for line in lines},
            needs_role_permissions={row[1] for row in held_rows},
            needs_units={a.registered_unit_id for a in self.accounts if a.registered_unit_id}
            | {o.unit_id for o in officials.values()} | {line.unit_id for line in lines} | {row[2] for row in held_rows},
            needs_positions={o.position_id for o in officials.values()},
            needs_levels={o.level_id for o in officials.values()},
        )
        units, positions, levels = ref.units, ref.positions, ref.levels
        self.roles = ref.roles
        self.role_by_permission = ref.role_by_permission
        by_id = {official.pk: official for official in officials.values()}
        for official in officials.values():
            _attach(official, position=positions[official.position_id], level=levels[official.level_id],
                    unit=units[official.unit_id])
        for account in self.accounts:
            _attach(
                account,
                registered_unit=units.get(account.registered_unit_id),
                registered_position=positions.get(account.registered_position_id),
                registered_level=levels.get(account.registered_level_id),
            )
        self.lines: dict[str, list[OrderLine]] = defaultdict(list)
        for line in lines:
            official = by_id[line.official_id]
            _attach(line, order=orders[line.order_id], official=official, role=self.roles[line.role_id],
                    unit=units[line.unit_id], position=positions[line.position_id], level=levels[line.level_id])
            self.lines[official.national_id].append(line)
        for official_lines in self.lines.values():
            official_lines.sort(key=OrderLine.precedence, reverse=True)
        self.held: dict[int, list[tuple[Role, Unit]]] = defaultdict(list)
        for user_id, permission_id, unit_id in sorted(held_rows, key=lambda row: (units[row[2]].path, row[1])):
            self.held[user_id].append((self.role_by_permission[permission_id], units[unit_id]))
        self.policies = policies_in_force(on=as_of)
        self.over_quota = self._over_quota(scope)

    def _over_quota(self, scope: Scope | None) -> dict[tuple[int, int], tuple[int, int]]:
        """{(role_id, unit_id): (holders, limit)} for every unit where more active accounts hold a role than allowed.

        Counted only at the units in scope (holders registered anywhere count: the quota is the unit's).
        """
        limits = {}
        for role_id, policies in self.policies.items():
            caps = [p.max_holders_per_unit for p in policies if p.max_holders_per_unit is not None]
            if caps:
                limits[self.roles[role_id].permission_id] = (role_id, min(caps))
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


def _flags_for(audit: AccountAudit, ctx: _Context) -> list[Flag]:
    account, official, as_of = audit.account, audit.account.official, ctx.as_of
    flags: list[Flag] = []
    if official is None:
        flags.append(Flag(
            UNKNOWN_PERSON,
            f"เลขประจำตัวประชาชนของบัญชี {account.username} ไม่พบในทะเบียนบุคคล",
            "ตรวจสอบเลขประจำตัวประชาชนกับทะเบียนประวัติ หากไม่ใช่บุคลากรของหน่วยงาน ให้รายงานเพื่อระงับการใช้งาน",
        ))
    latest = audit.latest_line
    if latest is None:
        flags.append(Flag(
            NO_ORDER,
            f"ไม่มีคำสั่งมอบหมายที่มีผล ณ วันที่ {format_be_date(as_of, long=True)}",
            "ขอสำเนาคำสั่งมอบหมายให้ปฏิบัติหน้าที่และบันทึกเข้าระบบ หรือถอนสิทธิ์ทั้งหมดของบัญชีนี้",
        ))
    else:
        ref = _order_ref(latest)
        checks = (
            (POSITION_MISMATCH, "ตำแหน่ง", account.registered_position, latest.position),
            (LEVEL_MISMATCH, "ระดับ", account.registered_level, latest.level),
            (UNIT_MISMATCH, "หน่วยงาน", account.registered_unit, latest.unit),
        )
        for code, what, registered, ordered in checks:
            if registered is None or registered.pk != ordered.pk:
                shown = registered.name_th if registered is not None else "ไม่ได้ลงทะเบียน"
                flags.append(Flag(
                    code,
                    f"{what}ที่ลงทะเบียน ({shown}) ไม่ตรงกับ{ref} ({ordered.name_th})",
                    f"ให้ผู้ใช้งานยื่นคำขอเปลี่ยนแปลงข้อมูล{what}ให้ตรงกับ{ref}",
                ))
    granted = {(line.role_id, line.unit_id) for line in audit.in_force_lines}
    for role, unit in audit.held:
        if (role.pk, unit.pk) not in granted:
            flags.append(Flag(
                EXCESS_ROLE,
                f"ถือสิทธิ์ {role.code} ({role.name_th}) ที่{unit.display_name} โดยไม่มีคำสั่งมอบหมายที่มีผล",
                "ถอนสิทธิ์นี้ หรือบันทึกคำสั่งมอบหมายที่ให้สิทธิ์นี้",
            ))
        if official is not None:
            for policy in ctx.policies.get(role.pk, []):
                refusal = policy_refusal(policy, position=official.position, level=official.level)
                if refusal:
                    flags.append(Flag(POLICY_VIOLATION, refusal, f"ถอนสิทธิ์ {role.code} จากบัญชีนี้"))
                    break
        if (role.pk, unit.pk) in ctx.over_quota:
            holders, limit = ctx.over_quota[(role.pk, unit.pk)]
            flags.append(Flag(
                QUOTA_EXCEEDED,
                f"{unit.display_name} มีผู้ถือสิทธิ์ {role.code} {holders} คน เกินกว่าที่กำหนด {limit} คน",
                f"คงผู้ถือสิทธิ์ไว้ไม่เกิน {limit} คนตามคำสั่ง และถอนสิทธิ์ผู้ที่เกิน",
            ))
    if official is not None:
        if official.status == Official.Status.RETIRED or (official.retirement_date and as_of > official.retirement_date):
            when = f" (เกษียณอายุราชการเมื่อ {format_be_date(official.retirement_date, long=True)})" if official.retirement_date else ""
            flags.append(Flag(
                RETIRED_ACTIVE, f"ผู้ใช้งานเกษียณอายุราชการแล้ว{when} แต่บัญชียังใช้งานได้",
                "รายงานผู้พ้นจากหน้าที่ต่อสำนักการสอบสวนและนิติการเพื่อจำหน่ายออกจากระบบ",
            ))
        if official.status == Official.Status.TRANSFERRED:
            flags.append(Flag(
                TRANSFERRED_ACTIVE, "ทะเบียนบุคคลระบุว่าย้ายไปปฏิบัติราชการที่อื่นแล้ว แต่บัญชียังใช้งานได้",
                "รายงานผู้พ้นจากหน้าที่ หรือย้ายบัญชีไปหน่วยงานใหม่ตามคำสั่ง",
            ))
        if official.status in (Official.Status.RESIGNED, Official.Status.DECEASED):
            flags.append(Flag(
                SEPARATED_ACTIVE, f"ทะเบียนบุคคลระบุว่า{official.get_status_display()}แล้ว แต่บัญชียังใช้งานได้",
                "รายงานผู้พ้นจากหน้าที่เพื่อระงับการใช้งานบัญชี",
            ))
    last_login = _last_login_date(account)
    dormant_after = settings.DORMANT_AFTER_DAYS
    if last_login is None or last_login < as_of - datetime.timedelta(days=dormant_after):
        since = f"ตั้งแต่ {format_be_date(last_login, long=True)}" if last_login else "เลย"
        flags.append(Flag(
            DORMANT, f"ไม่ได้เข้าใช้งาน{since} (เกิน {dormant_after} วัน)",
            "ยืนยันกับผู้ใช้งานว่ายังต้องใช้บัญชีนี้ หากไม่ใช้แล้วให้ระงับการใช้งาน",
        ))
    return flags


def accounts_in_scope(scope: Scope):
    """Active accounts whose registered unit lies in the scope."""
    return scope.filter(User.objects.filter(is_active=True), "registered_unit")


def _audit(accounts_qs, *, as_of: datetime.date, scope: Scope | None) -> list[AccountAudit]:
    ctx = _Context(as_of=as_of, accounts_qs=accounts_qs, scope=scope)
    audits = []
    for account in ctx.accounts:
        lines = ctx.lines.get(account.official_id, []) if account.official is not None else []
        audit = AccountAudit(
            account=account, latest_line=lines[0] if lines else None, in_force_lines=lines,
            held=ctx.held.get(account.pk, []), policies=ctx.policies,
        )
        audit.flags = _flags_for(audit, ctx)
        audits.append(audit)
    return audits


def audit_accounts(*, scope: Scope, as_of: datetime.date) -> list[AccountAudit]:
    """Audit every active account whose registered unit is in `scope`, sorted by unit code then username."""
    return _audit(accounts_in_scope(scope), as_of=as_of, scope=scope)


def audit_account(*, account: User, as_of: datetime.date) -> AccountAudit:
    """Audit one account (active or not), e.g. for its page."""
    return _audit(User.objects.filter(pk=account.pk), as_of=as_of, scope=None)[0]
