"""Append to the event log and verify its chain."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models, transaction
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
        return value.astimezone(datetime.UTC).isoformat()
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
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(),
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
    """Append one event. Call it inside the transaction of the change it records, so both land or neither does.

    The chain head is the one row every logged action of the country locks, until the caller's transaction ends, so
    the event is prepared before it is taken and only the sequence number, time and hash are filled in after.
    """
    if action not in EVENT_ACTIONS:
        raise ValueError(f"Unregistered event action: {action!r}")
    event = Event(
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
    # No savepoint inside the caller's transaction: the event cannot fail alone, the change it records fails with it.
    with transaction.atomic(savepoint=False):
        event.seq, event.prev_hash = _chain_head_advance()
        event.occurred_at = timezone.now().replace(microsecond=0)  # taken under the lock: times follow seq
        event.hash = event_hash(prev_hash=event.prev_hash, event=event)
        event.save(force_insert=True)
        with connection.cursor() as cursor:
            cursor.execute(_HEAD_SET_HASH, [event.hash])
    return event


_HEAD = ChainHead._meta.db_table
# One statement locks the head row (until the transaction ends) and reads it: READ COMMITTED re-reads a row it waited
# for, so a writer queued behind another sees that writer's seq and hash, never older ones. SQLite (3.35+ for
# RETURNING) needs no row lock: its IMMEDIATE transactions hold the database's write lock from BEGIN.
_HEAD_ADVANCE = f'UPDATE "{_HEAD}" SET "seq" = "seq" + 1 WHERE "id" = 1 RETURNING "seq", "hash"'
_HEAD_SET_HASH = f'UPDATE "{_HEAD}" SET "hash" = %s WHERE "id" = 1'


def _chain_head_advance() -> tuple[int, str]:
    """Take the chain head: return the new event's seq and the hash it follows. Call inside a transaction.

    The row is created on first use with INSERT ... ON CONFLICT DO NOTHING, so two first writers cannot both create it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_HEAD_ADVANCE)
        row = cursor.fetchone()
        if row is None:
            ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
            cursor.execute(_HEAD_ADVANCE)
            row = cursor.fetchone()
    return row[0], row[1]


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    kind: str  # one of BREAK_KINDS
    problem: str  # in Thai, for the person running the check

    def __str__(self) -> str:
        return f"#{self.seq}: {self.problem}"


ALTERED, REMOVED, INSERTED, REMOVED_OR_ALTERED, ANCHOR_MISMATCH = (
    "altered", "removed", "inserted", "removed_or_altered", "anchor_mismatch",
)
BREAK_KINDS = (ALTERED, REMOVED, INSERTED, REMOVED_OR_ALTERED, ANCHOR_MISMATCH)


def event_chain_verify(*, batch_size: int = 5000, anchor: tuple[int, str] | None = None) -> ChainBreak | None:
    """Walk the chain in order; return the first entry that was altered, removed or inserted, or None if intact.

    `anchor` is a (seq, hash) pair written down earlier outside the database (printed by verify_event_log): it also
    catches a chain recomputed from some entry onwards, which the chain alone cannot tell from the real one.
    """
    expected_seq, prev_hash, before_prev = 1, GENESIS_HASH, None
    anchor_seen = anchor is None
    for event in Event.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            missing = f"{expected_seq}" if event.seq == expected_seq + 1 else f"{expected_seq}–{event.seq - 1}"
            return ChainBreak(expected_seq, REMOVED, f"รายการลำดับที่ {missing} ถูกลบออก (รายการถัดมาคือลำดับที่ {event.seq})")
        if event.prev_hash != prev_hash:
            if before_prev is not None and event.prev_hash == before_prev:
                # The entry after it still points past it: the previous entry was slipped in.
                return ChainBreak(event.seq - 1, INSERTED, f"รายการลำดับที่ {event.seq - 1} ถูกแทรกเข้ามา (รายการที่ {event.seq} ไม่ได้ต่อจากรายการนี้)")
            return ChainBreak(
                event.seq, REMOVED_OR_ALTERED,
                f"รายการลำดับที่ {event.seq} ไม่ได้ต่อจากรายการที่ {event.seq - 1}: มีรายการระหว่างกันถูกลบ หรือรายการที่ {event.seq - 1} ถูกแก้ไข",
            )
        if event_hash(prev_hash=prev_hash, event=event) != event.hash:
            return ChainBreak(event.seq, ALTERED, f"เนื้อหาของรายการลำดับที่ {event.seq} ถูกแก้ไข")
        if anchor is not None and event.seq == anchor[0]:
            if event.hash != anchor[1]:
                return ChainBreak(event.seq, ANCHOR_MISMATCH, f"รายการลำดับที่ {event.seq} ไม่ตรงกับค่าที่จดไว้ (ห่วงโซ่ถูกคำนวณใหม่)")
            anchor_seen = True
        expected_seq, before_prev, prev_hash = expected_seq + 1, prev_hash, event.hash
    if not anchor_seen:
        return ChainBreak(anchor[0], REMOVED, f"ไม่พบรายการลำดับที่ {anchor[0]} ที่จดไว้")
    head = ChainHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is not None and head.seq > last_seq:
        return ChainBreak(last_seq + 1, REMOVED, f"รายการล่าสุดถูกลบออก (ควรมีถึงลำดับที่ {head.seq} แต่มีถึง {last_seq})")
    if head is not None and head.seq < last_seq:
        return ChainBreak(head.seq + 1, INSERTED, f"รายการลำดับที่ {head.seq + 1} ถึง {last_seq} ถูกเพิ่มต่อท้ายนอกระบบ")
    if head is not None and head.seq == last_seq and head.hash != prev_hash:
        return ChainBreak(last_seq, ALTERED, f"รายการล่าสุด (ลำดับที่ {last_seq}) ไม่ตรงกับหัวสาย")
    return None


def event_chain_head() -> tuple[int, str]:
    """The newest (seq, hash), to write down outside the database as an anchor for later checks."""
    head = ChainHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS_HASH)
