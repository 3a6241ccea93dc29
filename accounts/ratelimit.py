"""Request counters every server process shares: one row per client and limit, counted in one atomic statement.

A rate limit counted in each process's memory lets N processes take N times the limit; one kept in a shared cache
as Django REST framework's throttles keep it (read the history, append, write it back) still loses counts when
requests of one client arrive at once, because two processes read the same history. Here the database counts:
`INSERT ... ON CONFLICT DO UPDATE ... RETURNING` adds one and returns the total in a single statement, so
concurrent requests each see their own number, on PostgreSQL and SQLite alike, with no service to run beside the
database. Windows are fixed (a minute from :00), so a client may use its budget at the end of one window and again
at the start of the next; the limits are set with that in mind.
"""

from __future__ import annotations

import math
import time
from typing import NamedTuple

from django.db import connection
from django.db.models import F

from accounts.models import RateCounter


class RequestCount(NamedTuple):
    hits: int  # requests in this window, this one included
    retry_after: int  # seconds until the window ends


def _upsert_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(RateCounter._meta.db_table)
    key, window, seconds, hits = (quote(name) for name in ("key", "window_number", "window_seconds", "hits"))
    return (
        f"INSERT INTO {table} ({key}, {window}, {seconds}, {hits}) VALUES (%s, %s, %s, 1) "
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{hits} = CASE WHEN {table}.{window} = EXCLUDED.{window} THEN {table}.{hits} + 1 ELSE 1 END, "
        f"{window} = EXCLUDED.{window}, {seconds} = EXCLUDED.{seconds} "
        f"RETURNING {hits}"
    )


def request_counted(key: str, *, window_seconds: int, now: float | None = None) -> RequestCount:
    """Count one request for `key` in the current window of `window_seconds` and return the window's total."""
    now = time.time() if now is None else now
    window_number = int(now // window_seconds)
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [key[:200], window_number, window_seconds])
        (hits,) = cursor.fetchone()
    retry_after = max(1, math.ceil((window_number + 1) * window_seconds - now))
    return RequestCount(hits=hits, retry_after=retry_after)


def stale_counters_purged(*, now: float | None = None) -> int:
    """Delete the counters whose window ended a day or more ago (a client not seen since); return how many."""
    now = time.time() if now is None else now
    window_end = (F("window_number") + 1) * F("window_seconds")
    return RateCounter.objects.alias(window_end=window_end).filter(window_end__lte=int(now) - 86_400).delete()[0]
