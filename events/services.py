"""Append to the event log and verify its chain."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from events.models import GENESIS_HASH, ChainHead, Event
from events.registry import EVENT_ACTIONS

REDACTED = "********"
_SECRET_KEYS = ("password", "token", "secret", "pin")


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): REDACTED if any(s in str(k).lower() for s in _SECRET_KEYS) else _jsonable(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def _content(event: Event) -> dict:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(datetime.timezone.utc).isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "unit_path": event.unit_path,
        "ip_address": event.ip_address,
        "data": event.data,
    }


def event_hash(*, prev_hash: str, event: Event) -> str:
    canonical = json.dumps(_content(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


@transaction.atomic
def event_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    target_label: str = "",
    unit=None,
    data: dict | None = None,
    ip_address: str | None = None,
) -> Event:
    """Append one event. Call it inside the transaction of the change it records, so both land or neither does."""
    if action not in EVENT_ACTIONS:
        raise ValueError(f"Unregistered event action: {action!r}")
    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    event = Event(
        seq=head.seq + 1,
        occurred_at=timezone.now().replace(microsecond=0),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=getattr(actor, "username", "") or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:255],
        unit_path=getattr(unit, "path", "") or "",
        ip_address=ip_address,
        data=_jsonable(data or {}),
    )
    event.prev_hash = head.hash
    event.hash = event_hash(prev_hash=head.hash, event=event)
    event.save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    problem: str


def event_chain_verify(*, batch_size: int = 5000) -> ChainBreak | None:
    """Walk the chain in order; return the first entry that was altered, removed or inserted, or None if intact."""
    expected_seq, prev_hash = 1, GENESIS_HASH
    for event in Event.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainBreak(expected_seq, f"entry {expected_seq} is missing (next is {event.seq})")
        if event.prev_hash != prev_hash:
            return ChainBreak(event.seq, "does not follow the previous entry (removed or inserted before it)")
        if event_hash(prev_hash=prev_hash, event=event) != event.hash:
            return ChainBreak(event.seq, "its content was altered")
        expected_seq, prev_hash = expected_seq + 1, event.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        return ChainBreak(expected_seq, "the newest entries were removed")
    return None
