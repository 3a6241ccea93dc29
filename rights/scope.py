"""What an account may do: roles held (guardian permissions on units) against roles granted (in-force order lines
whose policies the HR record meets).

Using a right needs both: held, and granted at that moment. Nothing here reads the registration data a user declared.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.utils import timezone

from accounts.models import Official, Unit, UnitUserObjectPermission, User
from rights.models import AssignmentOrder, OrderLine, Policy, ReviewDelegation, Role
from rights.reference_cache import reference_objects
from rights.rules import first_policy_refusal, judged_position_level


def today() -> datetime.date:
    """Today in Asia/Bangkok, the date every rule is judged on."""
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------------------------
# Policies


def policies_in_force(*, on: datetime.date, role_ids: Iterable[int] | None = None) -> dict[int, list[Policy]]:
    """Return {role_id: [policies in force on `on`]} with their allowed positions and minimum levels (2 queries).

    Positions and levels come from the reference cache; the two link tables are read together in one query.
    """
    qs = Policy.objects.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on)
    if role_ids is not None:
        qs = qs.filter(role_id__in=list(role_ids))
    # Grouped by role below, so only the order within a role matters (no join on the role, which the cache holds).
    policies = list(qs.order_by("effective_from", "pk"))
    by_role: dict[int, list[Policy]] = defaultdict(list)
    if not policies:
        return by_role
    ids = [policy.pk for policy in policies]
    links = (
        Policy.allowed_positions.through.objects.filter(policy_id__in=ids)
        .values_list("policy_id", "position_id", Value("position"))
        .union(
            Policy.minimum_levels.through.objects.filter(policy_id__in=ids).values_list(
                "policy_id", "level_id", Value("level")
            ),
            all=True,
        )
    )
    allowed, minimums = defaultdict(list), defaultdict(list)
    links = list(links)
    ref = reference_objects(
        needs_positions={pk for _, pk, kind in links if kind == "position"},
        needs_levels={pk for _, pk, kind in links if kind == "level"},
        needs_roles={policy.role_id for policy in policies},
    )
    for policy_id, pk, kind in links:
        if kind == "position":
            allowed[policy_id].append(ref.positions[pk])
        else:
            minimums[policy_id].append(ref.levels[pk])
    for policy in policies:
        policy.role = ref.roles[policy.role_id]
        # Read once here: policy_refusal runs for every holder of the role.
        policy.allowed = sorted(allowed[policy.pk], key=lambda p: p.name_th)
        policy.allowed_ids = {position.pk for position in policy.allowed}
        policy.minimums = sorted(minimums[policy.pk], key=lambda lv: (lv.track, lv.rank))
        by_role[policy.role_id].append(policy)
    return by_role


# ---------------------------------------------------------------------------------------------------------------
# One account's rights


@dataclass
class RoleAtUnit:
    role: Role
    unit: Unit
    held: bool = False
    grant: OrderLine | None = None  # the latest in-force order line for this role at this unit
    refusal: str | None = None  # the first policy the HR record fails, when granted by an order

    @property
    def granted(self) -> bool:
        return self.grant is not None and self.refusal is None

    @property
    def effective(self) -> bool:
        return self.held and self.granted


# The one menu a reviewer may hand to an acting reviewer for dates (rights.services.review_delegate).
REVIEW_MENU = "menu_review_accounts"
DELEGABLE_MENU = REVIEW_MENU


@dataclass
class AccountRights:
    user: User
    on: datetime.date
    items: list[RoleAtUnit] = field(default_factory=list)
    menus: dict[int, set[str]] = field(default_factory=dict)  # role_id -> menu codenames
    # Units whose review this account does for someone else today (rights.models.ReviewDelegation).
    delegated_review: list[Unit] = field(default_factory=list)

    @property
    def effective(self) -> list[RoleAtUnit]:
        return [item for item in self.items if item.effective]

    @property
    def to_grant(self) -> list[RoleAtUnit]:
        return [item for item in self.items if item.granted and not item.held]

    @property
    def to_revoke(self) -> list[RoleAtUnit]:
        return [item for item in self.items if item.held and not item.granted]

    def has_role_at(self, role_code: str, unit: Unit) -> RoleAtUnit | None:
        for item in self.items:
            if item.role.code == role_code and item.unit.pk == unit.pk:
                return item
        return None

    def menu_codenames(self) -> set[str]:
        own = set().union(*(self.menus.get(item.role.pk, set()) for item in self.effective))
        return own | ({DELEGABLE_MENU} if self.delegated_review else set())

    def scope_for(self, menu: str, *, own_only: bool = False) -> Scope:
        """The units in which this account may use `menu`: each unit holding a role with it, and all below; for the
        review menu, also the units whose review was delegated to it for today (unless `own_only`: what one may
        delegate in turn)."""
        if self.user.is_superuser:
            return Scope(national=True)
        roots = []
        for item in self.effective:
            if menu in self.menus.get(item.role.pk, set()):
                if item.role.national_scope:
                    return Scope(national=True)
                roots.append(item.unit)
        if menu == DELEGABLE_MENU and not own_only:
            roots.extend(self.delegated_review)
        return Scope(roots=roots)


def official_of(user: User) -> Official | None:
    """The account's HR record, or None when its national ID is not in the HR record (no database constraint)."""
    if not user.official_id:
        return None
    try:
        return user.official
    except Official.DoesNotExist:
        return None


def role_items(
    *, held: Iterable[tuple[Role, Unit]], lines: Iterable[OrderLine], policies: dict[int, list[Policy]],
    official: Official | None,
) -> list[RoleAtUnit]:
    """Each role at each unit that is held or granted: `lines` are in force, latest first; `policies` in force."""
    items: dict[tuple[int, int], RoleAtUnit] = {}
    for role, unit in held:
        items[(role.pk, unit.pk)] = RoleAtUnit(role=role, unit=unit, held=True)
    if official is not None:
        for line in lines:
            item = items.setdefault((line.role_id, line.unit_id), RoleAtUnit(role=line.role, unit=line.unit))
            item.grant = item.grant or line  # latest first: the first line seen is the latest
        for item in items.values():
            if item.grant is None:
                continue
            position, level = judged_position_level(item.grant, official)
            item.refusal = first_policy_refusal(policies.get(item.role.pk, []), position=position, level=level,
                                                acting=bool(item.grant.acting))
    return sorted(items.values(), key=lambda i: (i.unit.path, i.role.code))


def account_rights(user: User, *, on: datetime.date | None = None) -> AccountRights:
    """Compare the roles an account holds with those its in-force orders grant, in a fixed number of queries."""
    on = on or today()
    rights = AccountRights(user=user, on=on)
    if not user.is_authenticated or not user.is_active:
        return rights
    held = UnitUserObjectPermission.objects.filter(user=user, permission__role__isnull=False).select_related(
        "permission__role", "content_object"
    )
    held_pairs = [(row.permission.role, row.content_object) for row in held]
    official = official_of(user)
    lines = []
    if official is not None:
        lines = list(
            OrderLine.objects.in_force(on).filter(official=official).select_related("order", "role", "unit").latest_first()
        )
    role_ids = {role.pk for role, _ in held_pairs} | {line.role_id for line in lines}
    policies = policies_in_force(on=on, role_ids=role_ids) if official is not None else {}
    rights.items = role_items(held=held_pairs, lines=lines, policies=policies, official=official)
    items = {(item.role.pk, item.unit.pk) for item in rights.items}
    role_menus = reference_objects(needs_roles={role_id for role_id, _ in items}).role_menus
    rights.menus = {role_id: set(role_menus.get(role_id, ())) for role_id, _ in items}
    rights.delegated_review = [
        delegation.unit for delegation in ReviewDelegation.objects.filter(
            delegate=user, starts_on__lte=on, ends_on__gte=on, ended_at__isnull=True,
            delegator__is_active=True,
        ).select_related("unit")
    ]
    return rights


# The two statements of account_right_at, run on every receipt, where building the ORM's queries costs several times
# more than running them. They read what account_rights reads for one role at one unit: the held role, and the order
# lines as OrderLine.objects.in_force(on) filters them and latest_first orders them
# (test_account_right_at_agrees_with_account_rights keeps them in step).
_HELD = (
    f'SELECT 1 FROM "{UnitUserObjectPermission._meta.db_table}" '
    'WHERE "user_id" = %s AND "permission_id" = %s AND "content_object_id" = %s'
)
_LATEST_LINE_IN_FORCE = (
    f'SELECT line.* FROM "{OrderLine._meta.db_table}" line '
    f'INNER JOIN "{AssignmentOrder._meta.db_table}" ord ON ord."id" = line."order_id" '
    'WHERE line."national_id" = %s AND line."role_id" = %s AND line."unit_id" = %s AND line."effective_from" <= %s '
    'AND (line."effective_to" IS NULL OR line."effective_to" >= %s) AND line."confirmed_at" IS NOT NULL '
    'AND ord."revoked_at" IS NULL '
    'ORDER BY line."effective_from" DESC, ord."order_date" DESC, ord."number_year" DESC, ord."number_serial" DESC, '
    'line."id" DESC LIMIT 1'
)


def account_right_at(user: User, role_code: str, unit: Unit, *, on: datetime.date | None = None) -> RoleAtUnit | None:
    """`account_rights(user, on=on).has_role_at(role_code, unit)`, reading only that role at that unit.

    For the check at the moment of an action, which concerns one role at one unit: the same records (the role held,
    the in-force order lines, the policies in force, the HR record) are read afresh and judged by the same role_items,
    without loading the account's other rights. The grant comes without its order.
    """
    on = on or today()
    if not user.is_authenticated or not user.is_active:
        return None
    role = reference_objects(needs_role_codes={role_code}).role_by_code.get(role_code)
    if role is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_HELD, [user.pk, role.permission_id, unit.pk])
        held = cursor.fetchone() is not None
    official = official_of(user)
    lines, policies = [], {}
    if official is not None:
        day = connection.ops.adapt_datefield_value(on)
        lines = list(OrderLine.objects.raw(_LATEST_LINE_IN_FORCE, [official.national_id, role.pk, unit.pk, day, day]))
        for line in lines:
            line.role, line.unit = role, unit  # the ones asked about
        if lines:
            policies = policies_in_force(on=on, role_ids=[role.pk])
    items = role_items(held=[(role, unit)] if held else [], lines=lines, policies=policies, official=official)
    return items[0] if items else None


def cached_account_rights(user: User) -> AccountRights:
    """account_rights for today, computed once per request (the user object lives for one request)."""
    cached = getattr(user, "_account_rights", None)
    if cached is None or cached.on != today():
        cached = account_rights(user)
        user._account_rights = cached
    return cached


# ---------------------------------------------------------------------------------------------------------------
# Scope


@dataclass
class Scope:
    """A set of subtrees of the unit tree, or the whole country."""

    roots: list[Unit] = field(default_factory=list)
    national: bool = False

    def __bool__(self) -> bool:
        return self.national or bool(self.roots)

    def contains(self, unit: Unit | None) -> bool:
        if unit is None:
            return self.national
        return self.national or any(unit.is_within(root) for root in self.roots)

    def filter(self, qs: QuerySet, unit_field: str) -> QuerySet:
        """Restrict `qs` to rows whose `unit_field` (a path to a Unit) lies in the scope."""
        if self.national:
            return qs
        if not self.roots:
            return qs.none()
        condition = Q()
        for root in self.roots:
            condition |= Q(**{f"{unit_field}__path__startswith": root.path})
        return qs.filter(condition)

    def units(self) -> QuerySet[Unit]:
        if self.national:
            return Unit.objects.all()
        if not self.roots:
            return Unit.objects.none()
        condition = Q()
        for root in self.roots:
            condition |= Q(path__startswith=root.path)
        return Unit.objects.filter(condition)
