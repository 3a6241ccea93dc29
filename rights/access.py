"""Who may see and act on which rows: one access policy per model, in the style of Wagtail's permission policies.

A policy declares once the path from its model to the unit a row belongs to, and the menu each action needs. Lists
start from `instances_for(user, action)`; one row is reached through `get_for(user, action, pk)`, a 404 outside the
scope, as if it did not exist; `allows(user, action, obj)` answers for a row in hand. The view mixin below and the
API's permission class (api.permissions) are built on it, so a screen, an export and the API ask the same question.
Scopes come from the viewer's in-force rights (rights.scope), never from what an account declares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from accounts.models import DeniedAccess, Official, Unit, User
from rights.models import AssignmentOrder, OrderLine, ReviewDelegation
from rights.scope import REVIEW_MENU, Scope, cached_account_rights

DECIDE_CHANGES_MENU = "menu_decide_change_requests"
REPORT_LEAVERS_MENU = "menu_report_leavers"
RECORD_ORDERS_MENU = "menu_record_orders"
DEACTIVATE_MENU = "menu_deactivate_accounts"
IMPORT_MENU = "menu_import_registry"
EVENT_LOG_MENU = "menu_view_event_log"


def menu_scope(user, menus: str | Iterable[str]) -> Scope:
    """The units where `user` may use any of `menus`: the union of their scopes."""
    rights = cached_account_rights(user)
    if isinstance(menus, str):
        return rights.scope_for(menus)
    scopes = [rights.scope_for(menu) for menu in menus]
    if any(scope.national for scope in scopes):
        return Scope(national=True)
    return Scope(roots=[root for scope in scopes for root in scope.roots])


def menu_scope_or_403(user, menus: str | Iterable[str], *, message=None, national_only: bool = False) -> Scope:
    """The scope of `menus`, or 403 when the user holds no effective role with one (or, `national_only`, not the
    whole country)."""
    scope = menu_scope(user, menus)
    if not scope or (national_only and not scope.national):
        raise PermissionDenied(message or "")
    return scope


class AccessPolicy:
    """The access rules of one model: where its rows sit in the unit tree and which menu each action needs.

    `unit_path` is the lookup from the model to its Unit ("registered_unit", "account__registered_unit"), or, with
    `stores_path`, a field holding the unit's materialised path itself (the event log keeps paths, not keys).
    `actions` maps an action ("view", "decide", ...) to a menu codename or to several, any of which will do.
    """

    def __init__(self, model: type[Model], *, unit_path: str, actions: Mapping[str, str | tuple[str, ...]],
                 stores_path: bool = False):
        self.model = model
        self.unit_path = unit_path
        self.actions = dict(actions)
        self.stores_path = stores_path

    def __repr__(self) -> str:
        return f"AccessPolicy({self.model._meta.label}, unit_path={self.unit_path!r})"

    def menus_for(self, action: str) -> str | tuple[str, ...]:
        try:
            return self.actions[action]
        except KeyError:
            raise ValueError(f"{self!r} has no action {action!r}") from None

    def scope_for(self, user, action: str) -> Scope:
        return menu_scope(user, self.menus_for(action))

    def filter(self, queryset: QuerySet, scope: Scope) -> QuerySet:
        """`queryset` restricted to the rows whose unit lies in `scope`."""
        if not self.stores_path:
            return scope.filter(queryset, self.unit_path)
        if scope.national:
            return queryset
        if not scope.roots:
            return queryset.none()
        condition = Q()
        for root in scope.roots:
            condition |= Q(**{f"{self.unit_path}__startswith": root.path})
        return queryset.filter(condition)

    def instances_for(self, user, action: str, queryset: QuerySet | None = None) -> QuerySet:
        """The rows `user` may reach for `action`: every list starts here."""
        base = self.model._default_manager.all() if queryset is None else queryset
        return self.filter(base, self.scope_for(user, action))

    def unit_of(self, obj: Model) -> Unit | None:
        if isinstance(obj, Unit):
            return obj
        if self.stores_path:
            path = getattr(obj, self.unit_path)
            return Unit.objects.filter(path=path).first() if path else None
        unit = obj
        for step in self.unit_path.split("__"):
            unit = getattr(unit, step, None)
            if unit is None:
                return None
        return unit

    def allows(self, user, action: str, obj: Model) -> bool:
        """Whether `user` may do `action` on `obj`: its unit lies in the scope of the action's menu."""
        return self.scope_for(user, action).contains(self.unit_of(obj))

    def get_in(self, scope: Scope, pk, queryset: QuerySet | None = None) -> Model:
        """The row `pk` when it lies in `scope`; 404 otherwise, the same answer whether it exists or not (a reviewer
        of 4701 must not learn what 4702 holds)."""
        base = self.model._default_manager.all() if queryset is None else queryset
        found = self.filter(base, scope).filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def get_for(self, user, action: str, pk, queryset: QuerySet | None = None) -> Model:
        """The row `pk` when `user` may reach it for `action`; 404 otherwise."""
        return self.get_in(self.scope_for(user, action), pk, queryset)


account_access = AccessPolicy(User, unit_path="registered_unit", actions={
    "review": REVIEW_MENU,
    "decide_changes": DECIDE_CHANGES_MENU,
    "report_leaver": REPORT_LEAVERS_MENU,
    "deactivate": DEACTIVATE_MENU,
    "record_orders": RECORD_ORDERS_MENU,
})
official_access = AccessPolicy(Official, unit_path="unit", actions={
    "review": REVIEW_MENU, "record_orders": RECORD_ORDERS_MENU, "import": IMPORT_MENU,
})
order_access = AccessPolicy(AssignmentOrder, unit_path="issuing_unit", actions={
    "record": RECORD_ORDERS_MENU, "review": REVIEW_MENU,
})
order_line_access = AccessPolicy(OrderLine, unit_path="unit", actions={"record": RECORD_ORDERS_MENU, "review": REVIEW_MENU})
denial_access = AccessPolicy(DeniedAccess, unit_path="account__registered_unit", actions={"review": REVIEW_MENU})
delegation_access = AccessPolicy(ReviewDelegation, unit_path="unit", actions={"review": REVIEW_MENU})
unit_access = AccessPolicy(Unit, unit_path="path", stores_path=True, actions={
    "review": REVIEW_MENU, "import": IMPORT_MENU, "record_orders": RECORD_ORDERS_MENU,
})


class MenuRequiredMixin:
    """The one access check of a view: 403 without `menu` (any of them, for a tuple), then `self.scope` is where the
    viewer may use it. A view that shows rows of one model names its `policy`; `in_scope(pk)` reaches one of them."""

    menu: str | tuple[str, ...]
    national_only = False
    refusal_message = None
    policy: AccessPolicy | None = None

    def dispatch(self, request, *args, **kwargs):
        self.scope: Scope = menu_scope_or_403(request.user, self.menu, message=self.refusal_message,
                                              national_only=self.national_only)
        return super().dispatch(request, *args, **kwargs)

    def in_scope(self, pk, queryset: QuerySet | None = None, *, policy: AccessPolicy | None = None) -> Model:
        """The row `pk` of the view's policy (or `policy`) when it lies in `self.scope`; 404 otherwise."""
        return (policy or self.policy).get_in(self.scope, pk, queryset)

    def rows_in_scope(self, queryset: QuerySet | None = None, *, policy: AccessPolicy | None = None) -> QuerySet:
        policy = policy or self.policy
        base = policy.model._default_manager.all() if queryset is None else queryset
        return policy.filter(base, self.scope)

    def account_in_scope(self, pk: int) -> User:
        """The account `pk` when its unit is in the viewer's scope; 404 otherwise, as if it did not exist."""
        return self.in_scope(pk, User.objects.select_related("registered_unit"), policy=account_access)

    def accounts_in_scope(self) -> QuerySet[User]:
        return self.rows_in_scope(User.objects.all(), policy=account_access)

    def unit_in_scope(self, code: str, *, kind: str | None = None) -> Unit:
        """The unit of `code` when it lies in `self.scope`; 404 otherwise, the same answer whether it exists or not."""
        unit = Unit.objects.select_related("parent").filter(code=code, **({"kind": kind} if kind else {})).first()
        if unit is None or not self.scope.contains(unit):
            raise Http404
        return unit
