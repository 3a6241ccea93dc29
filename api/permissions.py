"""Where the caller may use a menu: the same Scope the screens use (rights.scope), never a rule of the API's own."""

from __future__ import annotations

from accounts.models import Unit
from api.exceptions import MenuDenied, OutOfScope
from rights.scope import Scope, cached_account_rights


def menu_scope(request, menu: str) -> Scope:
    """The caller's units for `menu`; 403 MENU_DENIED when they hold no effective role with it."""
    scope = cached_account_rights(request.user).scope_for(menu)
    if not scope:
        raise MenuDenied()
    return scope


def unit_in_scope(scope: Scope, code: str) -> Unit:
    """The unit of `code` when it lies in `scope`; 404 otherwise, the same answer whether it exists or not."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not scope.contains(unit):
        raise OutOfScope()
    return unit
