"""Units, positions, levels and roles (with their menus), loaded once per process and shared by every object that points at them.

The audit engine reads tens of thousands of accounts and order lines; joining these small tables into every row would
build a new Unit, Position and Level instance per row (most of the engine's time and memory). They change only
through `load_reference_data` and the admin: saving one (or a role's menus) clears this process's copy, and other processes reload theirs
after REFRESH_SECONDS or as soon as they meet an id they do not know.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property

from django.db.models.signals import m2m_changed, post_delete, post_save

from accounts.models import Level, Position, Unit
from rights.models import Role

REFRESH_SECONDS = 300


@dataclass
class ReferenceObjects:
    units: dict[int, Unit]
    positions: dict[int, Position]
    levels: dict[int, Level]
    roles: dict[int, Role]
    role_menus: dict[int, frozenset[str]]  # role id -> the menu codenames it opens
    loaded_at: float

    @cached_property
    def role_by_permission(self) -> dict[int, Role]:
        return {role.permission_id: role for role in self.roles.values()}

    @cached_property
    def role_by_code(self) -> dict[str, Role]:
        return {role.code: role for role in self.roles.values()}


_cache: ReferenceObjects | None = None


def reference_objects(*, needs_units=(), needs_positions=(), needs_levels=(), needs_roles=(),
                      needs_role_permissions=(), needs_role_codes=()) -> ReferenceObjects:
    """The cached objects; reloaded when stale or when one of the given ids is missing (5 queries then, else 0)."""
    global _cache
    cache = _cache
    if (
        cache is None
        or time.monotonic() - cache.loaded_at > REFRESH_SECONDS
        or not set(needs_units) <= cache.units.keys()
        or not set(needs_positions) <= cache.positions.keys()
        or not set(needs_levels) <= cache.levels.keys()
        or not set(needs_roles) <= cache.roles.keys()
        or not set(needs_role_permissions) <= cache.role_by_permission.keys()
        or not set(needs_role_codes) <= cache.role_by_code.keys()
    ):
        menus: dict[int, set[str]] = {}
        for role_id, codename in Role.menus.through.objects.values_list("role_id", "permission__codename"):
            menus.setdefault(role_id, set()).add(codename)
        cache = _cache = ReferenceObjects(
            units={unit.pk: unit for unit in Unit.objects.all()},
            positions={position.pk: position for position in Position.objects.all()},
            levels={level.pk: level for level in Level.objects.all()},
            roles={role.pk: role for role in Role.objects.select_related("permission")},
            role_menus={role_id: frozenset(names) for role_id, names in menus.items()},
            loaded_at=time.monotonic(),
        )
    return cache


def reference_cache_clear(**kwargs) -> None:
    global _cache
    _cache = None


m2m_changed.connect(reference_cache_clear, sender=Role.menus.through, dispatch_uid="reference-cache-role-menus")
for _model in (Unit, Position, Level, Role):
    post_save.connect(reference_cache_clear, sender=_model, dispatch_uid=f"reference-cache-save-{_model.__name__}")
    post_delete.connect(reference_cache_clear, sender=_model, dispatch_uid=f"reference-cache-delete-{_model.__name__}")
