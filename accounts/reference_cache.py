"""Units, positions and levels, loaded once per process and shared by every object that points at them.

The audit engine reads tens of thousands of accounts and order lines; joining these small tables into every row would
build a new Unit, Position and Level instance per row (most of the engine's time and memory). They change only
through `load_reference_data` and the admin: saving one clears this process's copy, and other processes reload theirs
after REFRESH_SECONDS or as soon as they meet an id they do not know.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from accounts.models import Level, Position, Unit

REFRESH_SECONDS = 300


@dataclass(frozen=True)
class ReferenceObjects:
    units: dict[int, Unit]
    positions: dict[int, Position]
    levels: dict[int, Level]
    loaded_at: float


_cache: ReferenceObjects | None = None


def reference_objects(*, needs_units=(), needs_positions=(), needs_levels=()) -> ReferenceObjects:
    """The cached objects; reloaded when stale or when one of the given ids is missing (3 queries then, else 0)."""
    global _cache
    cache = _cache
    if (
        cache is None
        or time.monotonic() - cache.loaded_at > REFRESH_SECONDS
        or not set(needs_units) <= cache.units.keys()
        or not set(needs_positions) <= cache.positions.keys()
        or not set(needs_levels) <= cache.levels.keys()
    ):
        cache = _cache = ReferenceObjects(
            units={unit.pk: unit for unit in Unit.objects.all()},
            positions={position.pk: position for position in Position.objects.all()},
            levels={level.pk: level for level in Level.objects.all()},
            loaded_at=time.monotonic(),
        )
    return cache


def reference_cache_clear(**kwargs) -> None:
    global _cache
    _cache = None


for _model in (Unit, Position, Level):
    post_save.connect(reference_cache_clear, sender=_model, dispatch_uid=f"reference-cache-save-{_model.__name__}")
    post_delete.connect(reference_cache_clear, sender=_model, dispatch_uid=f"reference-cache-delete-{_model.__name__}")
