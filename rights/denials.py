"""Counting what an account was refused: 403s, 404s on pages that exist, refused grants.

Each refusal adds one to the account's row for its address and hour (`DeniedAccess`), in two or three statements
whatever the rate, and writes an event only twice an hour at most: the first refusal of the hour, and the one that
reaches settings.DENIED_ACCESS_REPEATED. Reviewers see the repeated ones beside the locked accounts.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import DeniedAccess, User
from events.services import event_record
from rights.access import denial_access
from rights.scope import Scope


def denied_access_record(*, account: User, kind: str, path: str, ip_address: str | None) -> int:
    """Count one refusal of `kind` (DeniedAccess.Kind) to `account`; return the count of its hour."""
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    key = {"account": account, "ip_address": ip_address or "", "hour": hour}
    path = path[:300]
    with transaction.atomic():
        bump = {"count": F("count") + 1, kind: F(kind) + 1, "last_path": path, "last_at": now}
        if not DeniedAccess.objects.filter(**key).update(**bump):
            try:
                with transaction.atomic():
                    DeniedAccess.objects.create(**key, count=1, **{kind: 1}, first_path=path, last_path=path,
                                                last_at=now)
            except IntegrityError:  # another request of the same hour made the row first
                DeniedAccess.objects.filter(**key).update(**bump)
        count = DeniedAccess.objects.filter(**key).values_list("count", flat=True).get()
        if count in (1, settings.DENIED_ACCESS_REPEATED):
            event_record(
                action="accounts.access.denied", actor=account, target=account, unit=account.registered_unit,
                ip_address=ip_address,
                data={"kind": kind, "path": path, "count_this_hour": count,
                      "repeated": count >= settings.DENIED_ACCESS_REPEATED},
            )
    return count


# How far back reviewers are shown accounts refused again and again.
REPEATED_DENIALS_DAYS = 7


def repeated_denials(*, scope: Scope, days: int = REPEATED_DENIALS_DAYS) -> QuerySet[DeniedAccess]:
    """Hours of the last `days` in which an account of `scope` was refused settings.DENIED_ACCESS_REPEATED times
    or more, newest first."""
    since = timezone.now() - datetime.timedelta(days=days)
    rows = DeniedAccess.objects.filter(hour__gte=since, count__gte=settings.DENIED_ACCESS_REPEATED)
    return denial_access.filter(rows, scope).select_related(
        "account__registered_unit"
    ).order_by("-hour", "-count", "pk")
