"""What waits for a reviewer, for the home page: flagged accounts by flag, the open rounds' deadlines and progress,
and accounts refused again and again. The queues with a menu (change requests, leaver reports, orders to confirm,
locked accounts) are the navigation's counts, which the home page lists beside this.

A fixed number of queries whatever the number of accounts: one audit of the viewer's scope, one count of round
items per open round and decision, one count of repeated refusals. The country's audit takes seconds, so the
centre is sent to the national summary instead of waiting for it on every home page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from accounts.models import Unit
from audit.access import round_item_access
from audit.engine import audit_accounts
from audit.models import ReviewRound, RoundItem
from audit.rounds import Completion
from rights.access import REVIEW_MENU, menu_scope
from rights.denials import REPEATED_DENIALS_DAYS, repeated_denials
from rights.flags import FLAG_CODES, FLAGS
from rights.scope import Scope, today

D = RoundItem.Decision


@dataclass
class FlagTodo:
    code: str
    label: str
    severity: str
    count: int
    url: str


@dataclass
class RoundTodo(Completion):
    review_round: ReviewRound
    total: int = 0
    decided: int = 0
    on: datetime.date = field(default_factory=today)

    @property
    def days_left(self) -> int:
        return (self.review_round.deadline - self.on).days

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and self.not_verified > 0

    @property
    def url(self) -> str:
        return reverse("audit:round-detail", args=[self.review_round.pk])


@dataclass
class ReviewerTodo:
    scope: Scope
    as_of: datetime.date
    accounts: int | None  # None: not audited here (the whole country), see summary_url
    flags: list[FlagTodo]
    rounds: list[RoundTodo]
    repeated_denials: int
    summary_url: str

    @property
    def flagged(self) -> int:
        return sum(flag.count for flag in self.flags)


def _report_url(unit: Unit) -> str:
    if unit.kind == Unit.Kind.PROVINCE:
        return reverse("audit:province-summary", args=[unit.code])
    return reverse("audit:account-list", args=[unit.code])


def _flag_url(scope: Scope, code: str) -> str:
    """Where the accounts with the flag are listed: a district's own list filtered by it; a province's summary,
    whose matrix counts it per office."""
    roots = scope.roots
    if len(roots) != 1:
        return reverse("audit:review")
    if roots[0].kind == Unit.Kind.PROVINCE:
        return _report_url(roots[0])
    return f"{_report_url(roots[0])}?flag={code}"


def _flags(scope: Scope, as_of: datetime.date) -> tuple[int, list[FlagTodo]]:
    audits = audit_accounts(scope=scope, as_of=as_of)
    counts = dict.fromkeys(FLAG_CODES, 0)
    for audit in audits:
        for code in audit.codes:
            counts[code] += 1
    flags = [
        FlagTodo(code, FLAGS[code].label, FLAGS[code].severity, counts[code], _flag_url(scope, code))
        for code in FLAG_CODES if counts[code]
    ]
    return len(audits), flags


def _rounds(scope: Scope, on: datetime.date) -> list[RoundTodo]:
    rows = (
        round_item_access.filter(RoundItem.objects.filter(round__closed_at__isnull=True), scope)
        .values("round_id", "decision").annotate(n=Count("pk")).order_by()
    )
    rounds = {r.pk: RoundTodo(r, on=on) for r in ReviewRound.objects.filter(closed_at__isnull=True).order_by("deadline")}
    for row in rows:
        todo = rounds.get(row["round_id"])
        if todo is None:  # closed between the two queries
            continue
        todo.total += row["n"]
        if row["decision"] != D.NOT_VERIFIED:
            todo.decided += row["n"]
    return list(rounds.values())


def reviewer_todo(user) -> ReviewerTodo | None:
    """The reviewer's to-do within their review scope, or None for an account that reviews nothing."""
    scope = menu_scope(user, REVIEW_MENU)
    if not scope:
        return None
    on = today()
    if scope.national:
        accounts, flags, summary_url = None, [], reverse("audit:national-summary")
    else:
        accounts, flags = _flags(scope, on)
        roots = scope.roots
        summary_url = _report_url(roots[0]) if len(roots) == 1 else reverse("audit:review")
    denials = (
        repeated_denials(scope=scope, days=REPEATED_DENIALS_DAYS).order_by().values("account_id").distinct().count()
    )
    return ReviewerTodo(
        scope=scope, as_of=on, accounts=accounts, flags=flags, rounds=_rounds(scope, on),
        repeated_denials=denials, summary_url=summary_url,
    )



def todo_panel_context(user) -> dict | None:
    todo = reviewer_todo(user)
    return None if todo is None else {"todo": todo, "denials_days": REPEATED_DENIALS_DAYS}
