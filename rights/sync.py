"""Bring the roles accounts hold in line with what their in-force orders grant: a plan, then an explicit apply.

The plan is what `rights.scope.account_rights` says for each account (held but not granted: revoke; granted but
not held: grant; ordered but refused by a policy: shown with the rule), computed for many accounts at once in a fixed
number of queries. Holders per unit are capped by the policies' `max_holders_per_unit`, so a grant that would exceed
it is refused instead. Nothing changes until `rights_apply`, which goes through role_grant/role_revoke (logged).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, QuerySet
from django.utils.translation import gettext

from accounts.models import Unit, UnitUserObjectPermission, User
from core.names import local_name
from core.thai import format_reader_date
from rights import rules
from rights.access import account_access
from rights.models import OrderLine, Role
from rights.rules import first_policy_refusal, judged_position_level, quota_limit
from rights.scope import Scope, policies_in_force
from rights.services import OUT_OF_SCOPE, SELF_GRANT, role_grant, role_revoke

GRANT, REVOKE, REFUSED = "grant", "revoke", "refused"


@dataclass
class RightChange:
    account: User
    role: Role
    unit: Unit
    action: str  # GRANT, REVOKE or REFUSED (ordered, not held, and a rule says no: nothing to apply)
    line: OrderLine | None  # the latest in-force line for this role at this unit, if any
    reason: str  # in the planner's language: the order that grants it, or the rule that refuses it

    @property
    def key(self) -> str:
        """What a reviewer ticks on the screen; applying re-plans and matches these, so a stale tick does nothing."""
        return f"{self.account.pk}:{self.role.pk}:{self.unit.pk}:{self.action}"

    @property
    def applicable(self) -> bool:
        return self.action in (GRANT, REVOKE)


def _line_reason(line: OrderLine) -> str:
    values = {"number": line.order.number, "since": format_reader_date(line.effective_from)}
    if line.effective_to:
        return gettext("คำสั่งที่ %(number)s มีผลตั้งแต่ %(since)s ถึง %(until)s") % {
            **values, "until": format_reader_date(line.effective_to)}
    return gettext("คำสั่งที่ %(number)s มีผลตั้งแต่ %(since)s") % values


def rights_plan(
    *, accounts: QuerySet[User], on: datetime.date, units: Scope | None = None, actor: User | None = None
) -> list[RightChange]:
    """The changes that would make each active account in `accounts` hold exactly what it is granted on `on`.

    `units`, when given, keeps only changes to roles at units in that scope (a reviewer acts on their own units),
    and is the authority the grants are judged by (rights.rules.may_grant): a grant above it is shown refused, with
    who may make it. Changes to the `actor`'s own account are shown refused too (nobody applies their own rights).
    Eight queries whatever the number of accounts.
    """
    authority = units if units is not None else Scope(national=True)
    accounts = accounts.filter(is_active=True)
    account_list = list(
        accounts.select_related("official__position", "official__level", "registered_unit").order_by("username")
    )
    if not account_list:
        return []
    roles = {role.pk: role for role in Role.objects.select_related("permission")}
    role_by_permission = {role.permission_id: role for role in roles.values()}
    units_by_id: dict[int, Unit] = {}

    held: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for row in UnitUserObjectPermission.objects.filter(
        user__in=accounts, permission__role__isnull=False
    ).select_related("content_object"):
        units_by_id[row.content_object_id] = row.content_object
        held[row.user_id].add((role_by_permission[row.permission_id].pk, row.content_object_id))

    lines: dict[str, dict[tuple[int, int], OrderLine]] = defaultdict(dict)
    for line in (
        OrderLine.objects.in_force(on)
        .filter(official_id__in=accounts.filter(official__isnull=False).values("official_id"))
        .select_related("order", "unit")
        .latest_first()
    ):
        units_by_id[line.unit_id] = line.unit
        lines[line.official_id].setdefault((line.role_id, line.unit_id), line)  # latest first wins

    policies = policies_in_force(on=on)
    changes: list[RightChange] = []
    for account in account_list:
        official = account.official if account.official_id else None
        granted_lines = lines.get(account.official_id, {}) if official is not None else {}
        for key in sorted(held[account.pk] | set(granted_lines), key=lambda k: (units_by_id[k[1]].path, roles[k[0]].code)):
            role, unit = roles[key[0]], units_by_id[key[1]]
            if units is not None and not units.contains(unit):
                continue
            line = granted_lines.get(key)
            refusal = None
            if line is not None:
                position, level = judged_position_level(line, official)
                refusal = first_policy_refusal(policies.get(role.pk, []), position=position, level=level,
                                               acting=bool(line.acting))
            is_held = key in held[account.pk]
            if line is not None and refusal is None:
                if not is_held:
                    changes.append(RightChange(account, role, unit, GRANT, line, _line_reason(line)))
            elif is_held:
                reason = refusal or gettext("ไม่มีคำสั่งมอบหมายที่มีผล ณ วันที่ %(date)s") % {
                    "date": format_reader_date(on, long=True)}
                changes.append(RightChange(account, role, unit, REVOKE, line, reason))
            else:
                changes.append(RightChange(account, role, unit, REFUSED, line, refusal))
    _cap_grants_at_quota(changes, policies)
    for change in changes:
        if not change.applicable:
            continue
        if rules.is_self(actor, account=change.account):
            change.action, change.reason = REFUSED, str(SELF_GRANT)
        elif change.action == GRANT and (refusal := rules.grant_refusal(authority, change.role, change.unit)):
            change.action, change.reason = REFUSED, refusal
    return changes


def _cap_grants_at_quota(changes: list[RightChange], policies: dict) -> None:
    """Refuse the grants that would put more active holders on a unit than its policy allows (one query)."""
    limits = {}
    for role_id, in_force in policies.items():
        limit = quota_limit(in_force)
        if limit is not None:
            limits[role_id] = limit
    capped = [c for c in changes if c.role.pk in limits and c.action in (GRANT, REVOKE)]
    if not capped:
        return
    holders = {
        (row["permission_id"], row["content_object_id"]): row["n"]
        for row in UnitUserObjectPermission.objects.filter(
            permission_id__in={c.role.permission_id for c in capped},
            content_object_id__in={c.unit.pk for c in capped},
            user__is_active=True,
        ).values("permission_id", "content_object_id").annotate(n=Count("user_id", distinct=True))
    }
    for change in capped:  # revocations free places first
        if change.action == REVOKE:
            holders[(change.role.permission_id, change.unit.pk)] = holders.get((change.role.permission_id, change.unit.pk), 0) - 1
    for change in capped:
        if change.action != GRANT:
            continue
        slot = (change.role.permission_id, change.unit.pk)
        limit = limits[change.role.pk]
        if holders.get(slot, 0) >= limit:
            change.action = REFUSED
            change.reason = gettext("%(unit)s มีผู้ถือสิทธิ์ “%(role)s” ครบ %(limit)d คนตามเงื่อนไขสิทธิ์แล้ว (%(order)s)") % {
                "unit": change.unit.display_name, "role": local_name(change.role), "limit": limit,
                "order": _line_reason(change.line)}
        else:
            holders[slot] = holders.get(slot, 0) + 1


class AppliedRights(NamedTuple):
    granted: int
    revoked: int
    refused: list[str]  # one per change the services refused (each logged), in the actor's language


def rights_apply(
    *, changes: Iterable[RightChange], actor: User | None, scope: Scope, ip_address: str | None = None
) -> AppliedRights:
    """Grant and revoke as planned, each through the logged services, which check the actor's authority (`scope`, for
    reviewing accounts) and refuse changes to the actor's own account. Return what was done and what was refused."""
    granted = revoked = 0
    refused = []
    for change in changes:
        reason = gettext("ปรับสิทธิ์ตามคำสั่ง: %(reason)s") % {"reason": change.reason}
        try:
            if change.action == GRANT:
                granted += role_grant(account=change.account, role=change.role, unit=change.unit, actor=actor,
                                      scope=scope, reason=reason, ip_address=ip_address)
            elif change.action == REVOKE:
                if not scope.contains(change.unit):
                    raise rules.AuthorityRefused(str(OUT_OF_SCOPE), rule="out_of_scope")
                revoked += role_revoke(account=change.account, role=change.role, unit=change.unit, actor=actor,
                                       reason=reason, ip_address=ip_address)
        except rules.AuthorityRefused as refusal:
            refused.append(f"{change.account.username} “{local_name(change.role)}” {change.unit.code}: {refusal.message}")
    return AppliedRights(granted, revoked, refused)


def accounts_registered_in(scope: Scope) -> QuerySet[User]:
    return account_access.filter(User.objects.filter(is_active=True), scope)
