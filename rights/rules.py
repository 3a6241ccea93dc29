"""The rules of rights, each written once, as plain functions of the facts they judge (no query, no side effect).

The audit engine, the rights check at the moment of an action, rights sync, the importers, the forms, the services
and the API call these; none keeps a copy of its own. Each docstring names where the rule comes from: the circulars
and `shared/spec/domain.md` (the spec), or a decision of this project written in README.md "Decisions".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from accounts.models import Level, Official, Position, Unit
from core.names import local_name
from core.thai import format_reader_date
from rights.flags import LEVEL_MISMATCH, POSITION_MISMATCH, UNIT_MISMATCH
from rights.models import Role
from rights.reference_cache import reference_objects

if TYPE_CHECKING:
    from rights.models import Policy
    from rights.scope import Scope


class AuthorityRefused(PermissionDenied):
    """An action the actor has no authority for (a grant above their office, or one for themselves).

    `str(exc)` is the Thai reason, `rule` a stable code the API and the event log carry; the services log it as a
    refusal in a transaction of its own (rights.services.refusals_logged).
    """

    def __init__(self, message: str, *, rule: str, data: dict | None = None):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.data = data or {}


# Rule codes of AuthorityRefused
GRANT_ABOVE_AUTHORITY = "grant_above_authority"
SELF_DEALING = "self_dealing"
RECORDER_CONFIRMS = "recorder_confirms"


# ---------------------------------------------------------------------------------------------------------------
# Order lines: in force, latest


def line_in_force(*, effective_from: datetime.date, effective_to: datetime.date | None, on: datetime.date,
                  revoked: bool = False, confirmed: bool = True) -> bool:
    """Whether an order line grants on `on`.

    Spec, "Audit flags": in force when `effective_from <= as_of` and (`effective_to` is empty or
    `as_of <= effective_to`). Decisions: a revoked order grants nothing; a line not yet confirmed by a second person
    (four eyes) grants nothing. OrderLine.objects.in_force is the same rule as a filter.
    """
    return (
        not revoked and confirmed and effective_from <= on and (effective_to is None or on <= effective_to)
    )


def order_line_in_force(line, on: datetime.date) -> bool:
    """line_in_force for an OrderLine with its order loaded."""
    return line_in_force(effective_from=line.effective_from, effective_to=line.effective_to, on=on,
                         revoked=line.order.revoked_at is not None, confirmed=line.confirmed_at is not None)


def line_precedence(*, effective_from: datetime.date, order_date: datetime.date, number_year: int,
                    number_serial: int, pk: int | None) -> tuple:
    """Sort key of the spec's "latest" in-force line (greatest first).

    Spec, "Audit flags": the greatest `effective_from`, then `order_date`, then order number. Decisions: order numbers
    compare as year then serial (12/2569 after 9/2569), then the line recorded last. OrderLine.objects.latest_first
    is the same order in SQL.
    """
    return (effective_from, order_date, number_year, number_serial, pk or 0)


def order_number_parts(number: str) -> tuple[int, int]:
    """(year, serial) of "123/2569", as the database's generated columns number_year and number_serial hold them."""
    serial, _, year = number.partition("/")
    return int(year or 0), int(serial or 0)


# ---------------------------------------------------------------------------------------------------------------
# Registration data against the latest line


MISMATCH_FLAGS = (POSITION_MISMATCH, LEVEL_MISMATCH, UNIT_MISMATCH)


def registration_mismatches(*, registered: tuple, ordered: tuple | None) -> list[str]:
    """The mismatch flags of registration data against the latest in-force line; none when there is no line.

    Spec, "Audit flags": POSITION_MISMATCH, LEVEL_MISMATCH, UNIT_MISMATCH when the registered position, level or
    unit differs from the latest in-force line's. Both tuples are (position id, level id, unit id).
    """
    if ordered is None:
        return []
    return [code for code, mine, theirs in zip(MISMATCH_FLAGS, registered, ordered, strict=True) if mine != theirs]


# ---------------------------------------------------------------------------------------------------------------
# Service status


def separation(*, status: str, retirement_date: datetime.date | None, on: datetime.date) -> str | None:
    """The flag of an official out of service on `on`, or None while in service.

    Spec, "Audit flags": RETIRED_ACTIVE when the HR status is retired or `as_of` is after the computed retirement
    date; TRANSFERRED_ACTIVE when transferred; SEPARATED_ACTIVE when resigned or deceased. The receipts' rights check
    refuses the same people (README "Receipts go beyond the spec").
    """
    if status == Official.Status.RETIRED or (retirement_date is not None and on > retirement_date):
        return "RETIRED_ACTIVE"
    if status == Official.Status.TRANSFERRED:
        return "TRANSFERRED_ACTIVE"
    if status in (Official.Status.RESIGNED, Official.Status.DECEASED):
        return "SEPARATED_ACTIVE"
    return None


# ---------------------------------------------------------------------------------------------------------------
# Policies


def judged_position_level(line, official) -> tuple[Position | None, Level | None]:
    """The position and level a right granted by `line` is judged on: the HR record's, except on a line appointing
    someone as acting (รักษาราชการแทน / ปฏิบัติราชการแทน), judged on the position and level it names while it is in
    force (its own dates: a line out of force grants nothing). Read from the reference cache: no query."""
    if not getattr(line, "acting", ""):
        return (official.position, official.level) if official is not None else (None, None)
    ref = reference_objects(needs_positions=[line.position_id], needs_levels=[line.level_id])
    return ref.positions.get(line.position_id), ref.levels.get(line.level_id)


def policy_refusal(policy: Policy, *, position: Position | None, level: Level | None,
                   acting: bool = False) -> str | None:
    """Why an official of this HR position and level fails the policy, in the active language, or None.

    Spec, "Default roles and policies" and "Levels": allowed positions; a minimum level per track, compared within
    one track, a track not named being not allowed. `policy` comes from rights.scope.policies_in_force (its
    lists read once), so this costs no query.
    """
    allowed, minimums = policy.allowed, policy.minimums
    position_fails = bool(allowed) and (position is None or position.pk not in policy.allowed_ids)
    level_fails = bool(minimums) and (level is None or not any(level.is_at_least(m) for m in minimums))
    if not (position_fails or level_fails):
        return None
    values = {
        "role": local_name(policy.role),
        "since": format_reader_date(policy.effective_from, long=True),
        "source": gettext(" ตาม%(source)s") % {"source": policy.source} if policy.source else "",
        "judged_on": gettext("ที่รักษาราชการแทนตามคำสั่ง") if acting else gettext("ตามทะเบียนบุคคล"),
    }
    if position_fails:
        values["wanted"] = gettext(" หรือ ").join(local_name(p) for p in allowed)
        values["held"] = local_name(position) if position else gettext("ไม่ทราบตำแหน่ง")
        return gettext("บทบาท “%(role)s” ตั้งแต่วันที่ %(since)s%(source)s กำหนดให้เฉพาะตำแหน่ง %(wanted)s "
                       "แต่ตำแหน่ง%(judged_on)sคือ %(held)s") % values
    values["wanted"] = gettext(" หรือ ").join(f"{local_name(m)} ({m.code})" for m in minimums)
    values["held"] = f"{local_name(level)} ({level.code})" if level else gettext("ไม่ทราบระดับ")
    return gettext("บทบาท “%(role)s” ตั้งแต่วันที่ %(since)s%(source)s กำหนดระดับ %(wanted)s ขึ้นไป "
                   "แต่ระดับ%(judged_on)sคือ %(held)s") % values


def first_policy_refusal(policies: Iterable[Policy], *, position: Position | None, level: Level | None,
                         acting: bool = False) -> str | None:
    """The refusal of the first policy in force that the position and level fail, or None."""
    for policy in policies:
        refusal = policy_refusal(policy, position=position, level=level, acting=acting)
        if refusal:
            return refusal
    return None


def quota_limit(policies: Iterable[Policy]) -> int | None:
    """The most active holders a role may have at one unit: the smallest `max_holders_per_unit` in force.

    Spec, "Default roles and policies" (DEBT_REPORTER: at most 2 holders per unit) and QUOTA_EXCEEDED.
    """
    caps = [p.max_holders_per_unit for p in policies if p.max_holders_per_unit is not None]
    return min(caps) if caps else None


# ---------------------------------------------------------------------------------------------------------------
# Authority to grant


def may_grant(scope: Scope, role: Role, unit: Unit) -> bool:
    """Whether an actor with `scope` (for the menu of the path: recording orders, importing, reviewing) may record an
    order line for `role` at `unit`, confirm one, or apply it as a held role.

    Decision (README "Authority to grant"), from Role.granted_by, data the centre edits: CENTRE roles only by a
    national-scope actor; PROVINCE roles by the province office above the unit (a scope rooted at a province that
    contains the unit) or the centre; DISTRICT roles by any office whose scope contains the unit. A national-scope
    role is always the centre's, whatever its granted_by says, as it would lift the holder's reach to the country.
    """
    if scope.national:
        return True
    if role.national_scope or role.granted_by == Role.GrantedBy.CENTRE:
        return False
    roots = [root for root in scope.roots if unit.is_within(root)]
    if role.granted_by == Role.GrantedBy.PROVINCE:
        return any(root.kind != Unit.Kind.DISTRICT for root in roots)
    return bool(roots)


def grantable_roles(scope: Scope, roles: Iterable[Role]) -> list[Role]:
    """The roles an actor with `scope` may grant at some unit of the scope: what the order form offers."""
    if scope.national:
        return list(roles)
    above_district = any(root.kind != Unit.Kind.DISTRICT for root in scope.roots)
    return [
        role for role in roles
        if not role.national_scope and (
            role.granted_by == Role.GrantedBy.DISTRICT
            or (role.granted_by == Role.GrantedBy.PROVINCE and above_district)
        )
    ]


def grant_refusal(scope: Scope, role: Role, unit: Unit) -> str | None:
    """may_grant as the Thai reason of a refusal, naming the role, the unit and who may grant it; None when allowed."""
    if may_grant(scope, role, unit):
        return None
    granted_by = Role.GrantedBy.CENTRE if role.national_scope else Role.GrantedBy(role.granted_by)
    return gettext("บทบาท %(code)s (%(name)s) ที่%(unit)s ให้ได้เฉพาะโดย%(who)s ท่านจึงให้สิทธิ์นี้ไม่ได้") % {
        "code": role.code, "name": role.name_th, "unit": unit.display_name, "who": granted_by.label,
    }


def check_grant(scope: Scope, role: Role, unit: Unit, *, data: dict | None = None) -> None:
    """Raise AuthorityRefused when grant_refusal refuses."""
    refusal = grant_refusal(scope, role, unit)
    if refusal:
        raise AuthorityRefused(refusal, rule=GRANT_ABOVE_AUTHORITY,
                               data={"role": role.code, "unit": unit.code, **(data or {})})


# ---------------------------------------------------------------------------------------------------------------
# No self-dealing


def is_self(actor, *, account=None, national_id: str | None = None) -> bool:
    """Whether the actor acts on themselves: their own account, or a line naming their own national ID.

    Decision (README "Authority to grant"): nobody records an order line naming themselves, confirms or applies a
    rights change to their own account, decides their own change request, leaver report or review item, or unlocks
    themselves. A command-line run (no actor) is nobody's self.
    """
    if actor is None or not getattr(actor, "pk", None):
        return False
    if account is not None:
        # Another account of the same person (one left behind at a former office) is the person all the same.
        national_id = national_id or account.official_id
        if account.pk == actor.pk:
            return True
    return bool(national_id) and national_id == (actor.official_id or None)


def check_not_self(actor, message: str, *, account=None, national_id: str | None = None, data: dict | None = None):
    """Raise AuthorityRefused(SELF_DEALING) with `message` when is_self."""
    if is_self(actor, account=account, national_id=national_id):
        raise AuthorityRefused(message, rule=SELF_DEALING, data=data)
