"""Where the caller may use a menu: the access policies of the screens (rights.access), never a rule of the API's own."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from accounts.models import Unit
from api.exceptions import MenuDenied, OutOfScope
from rights import access
from rights.scope import Scope


def menu_scope(request, menu: str | tuple[str, ...]) -> Scope:
    """The caller's units for `menu`; 403 MENU_DENIED when they hold no effective role with it."""
    scope = access.menu_scope(request.user, menu)
    if not scope:
        raise MenuDenied()
    return scope


class MenuPermission(BasePermission):
    """The API's one permission check (in DEFAULT_PERMISSION_CLASSES, after IsAuthenticated).

    A view that names a `menu` (or answers `get_menu()`, when it depends on the method) is refused with 403
    MENU_DENIED without it, and then has `view.scope`. A view that names a `policy` (rights.access) answers 404 for
    an object outside that scope, as the screens do.
    """

    def has_permission(self, request, view) -> bool:
        menu = view.get_menu() if hasattr(view, "get_menu") else getattr(view, "menu", None)
        if menu is not None and request.user.is_authenticated:
            view.scope = menu_scope(request, menu)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        policy = getattr(view, "policy", None)
        if policy is not None and not view.scope.contains(policy.unit_of(obj)):
            raise OutOfScope()
        return True


def unit_in_scope(scope: Scope, code: str) -> Unit:
    """The unit of `code` when it lies in `scope`; 404 otherwise, the same answer whether it exists or not."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not scope.contains(unit):
        raise OutOfScope()
    return unit
