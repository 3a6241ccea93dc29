"""Review rounds (certification campaigns): open, answer item by item, follow completion, remind and escalate.

The centre opens a round; the audit engine's flags as of the round's date become the items, one per problem per
account (an account without a problem gets one CLEAN item to confirm). Every office answers for the accounts
registered with it. An answer is checked against the facts where the facts exist: "fixed" only when the problem is
gone, "change request filed" / "reported as leaver" only when one was filed during the round, an exception only with
a reason and an end date. Nothing is accepted or revoked by default.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, UnitUserObjectPermission, User
from audit.access import round_item_access
from audit.engine import audit_account, audit_accounts
from audit.models import CLEAN, ReviewRound, RoundItem, RoundReminder
from core.thai import format_be_date
from events.services import event_record
from lifecycle.models import ChangeRequest, LeaverReport
from rights import rules
from rights.flags import FLAGS, flag_label
from rights.models import OrderLine, Role
from rights.rules import policy_refusal
from rights.scope import Scope, policies_in_force, today
from rights.services import refusals_logged

D = RoundItem.Decision

CENTRAL_ONLY = _("เฉพาะผู้ดูแลระบบส่วนกลางเท่านั้นที่เปิดหรือปิดรอบการตรวจสอบได้")
ROUND_CLOSED = _("รอบการตรวจสอบนี้ปิดแล้ว")
NAME_REQUIRED = _("กรุณาตั้งชื่อรอบ")
DEADLINE_BEFORE_AS_OF = _("กำหนดส่งผลต้องไม่ก่อนวันที่ของข้อมูล")
DEADLINE_PAST = _("กำหนดส่งผลต้องไม่เป็นวันที่ผ่านมาแล้ว")
OUT_OF_SCOPE = _("รายการนี้อยู่นอกขอบเขตหน่วยงานของท่าน")
DECISION_NOT_ALLOWED = _("ผลการตรวจสอบ \"{decision}\" ใช้กับปัญหา \"{problem}\" ไม่ได้")
REASON_REQUIRED = _("กรุณาระบุเหตุผลที่ยอมรับเป็นข้อยกเว้น")
NOTHING_SELECTED = _("กรุณาเลือกอย่างน้อยหนึ่งรายการ")
BATCH_REFUSED = _("ไม่ได้บันทึกรายการใดเลย: %(n)s รายการรับผลการตรวจสอบนี้ไม่ได้ กรุณานำออกแล้วบันทึกใหม่")
END_DATE_REQUIRED = _("กรุณาระบุวันสิ้นสุดของข้อยกเว้น ซึ่งต้องไม่ก่อนวันนี้")
STILL_THERE = _("ยังพบปัญหานี้อยู่เมื่อตรวจสอบ ณ วันนี้: {explanation}")
NO_CHANGE_REQUEST = _("ยังไม่มีคำขอเปลี่ยนแปลงข้อมูลของบัญชีนี้ที่ยื่นในรอบนี้")
OWN_ITEM = _("รายการนี้เป็นบัญชีของท่านเอง ท่านตรวจสอบบัญชีของตนเองไม่ได้ ต้องให้ผู้ตรวจสอบอีกคนหนึ่งตอบ")
NO_LEAVER_REPORT = _("ยังไม่มีรายงานผู้พ้นจากหน้าที่ของบัญชีนี้ที่ส่งในรอบนี้")

def decisions_for(code: str) -> list[str]:
    """The answers that fit a problem: "fixed" and an exception fit every flag, plus the flag's own (FlagSpec);
    a clean account is confirmed."""
    if code == CLEAN:
        return [D.CONFIRMED]
    spec = FLAGS.get(code)  # an item of an old round may name a flag no longer raised, as problem_label allows
    own = spec.round_answers if spec is not None else ()
    return [D.FIXED, *(D(answer) for answer in own), D.EXCEPTION]


def problem_label(code: str) -> str:
    return gettext("ไม่พบปัญหา") if code == CLEAN else flag_label(code)


def _require_central(scope: Scope) -> None:
    if not scope.national:
        raise PermissionDenied(CENTRAL_ONLY)


# ---------------------------------------------------------------------------------------------------------------
# Opening and closing


# What a round reads of each account, field by field: a changes-only round compares these with the office's last
# closed round. Labels are shown beside the old and new values.
SNAPSHOT_FIELDS = {
    "registered_position": _("ตำแหน่งที่ลงทะเบียน"),
    "registered_level": _("ระดับที่ลงทะเบียน"),
    "registered_unit": _("หน่วยงานที่ลงทะเบียน"),
    "hr_position": _("ตำแหน่งตามทะเบียนบุคคล"),
    "hr_level": _("ระดับตามทะเบียนบุคคล"),
    "hr_unit": _("หน่วยงานตามทะเบียนบุคคล"),
    "hr_status": _("สถานะการรับราชการ"),
    "orders": _("คำสั่งที่มีผล"),
    "held_roles": _("สิทธิ์ที่ถืออยู่"),
}


def account_snapshot(audit) -> dict:
    """The account as the round reads it: registration, HR record, in-force orders and held roles, as texts a
    reviewer recognises (codes and names), so a later round shows the old value even if a name changed since."""
    account, official, ref = audit.account, audit.official, audit.reference

    def named(table: dict, pk, attribute: str) -> str:
        return getattr(table[pk], attribute) if pk in table else ""

    return {
        "registered_position": named(ref.positions, account.registered_position_id, "name_th"),
        "registered_level": named(ref.levels, account.registered_level_id, "code"),
        "registered_unit": named(ref.units, account.registered_unit_id, "code"),
        "hr_position": named(ref.positions, official.position_id, "name_th") if official else "",
        "hr_level": named(ref.levels, official.level_id, "code") if official else "",
        "hr_unit": named(ref.units, official.unit_id, "code") if official else "",
        "hr_status": official.status if official else "",
        # From the audit's rows: a national round builds no OrderLine for its snapshots.
        "orders": sorted(f"{row.order_number} {ref.roles[row.role_id].code}@{ref.units[row.unit_id].code} "
                         f"{row.effective_from.isoformat()}..{row.effective_to.isoformat() if row.effective_to else ''}"
                         for row in audit.line_rows),
        "held_roles": sorted(f"{role.code}@{unit.code}" for role, unit in audit.held),
    }


def snapshot_changes(old: dict, new: dict) -> list[dict]:
    """The fields whose value differs, as {"field", "old", "new"}; all of them when there is no earlier snapshot."""
    return [{"field": name, "old": old.get(name, ""), "new": new[name]} for name in SNAPSHOT_FIELDS
            if not old or old.get(name) != new[name]]


def changes_for_display(changes: list[dict]) -> list[dict]:
    """An item's changes with the field's label and lists as one line each, for the office's page."""
    def shown(value) -> str:
        return "; ".join(value) if isinstance(value, list) else str(value or "")

    return [{"label": SNAPSHOT_FIELDS.get(change["field"], change["field"]), "old": shown(change["old"]) or "—",
             "new": shown(change["new"]) or "—"} for change in changes]


def _last_closed_items(unit_ids: set[int]) -> dict[tuple[int, str], RoundItem]:
    """The items of each office's last closed round, by (account, problem): what a changes-only round compares
    with and carries forward. Two queries whatever the number of offices."""
    last_round_of_unit = dict(
        RoundItem.objects.filter(round__closed_at__isnull=False, unit_id__in=unit_ids)
        .values("unit_id").annotate(last=Max("round_id")).values_list("unit_id", "last")
    )
    if not last_round_of_unit:
        return {}
    wanted = Q()
    for round_id in set(last_round_of_unit.values()):
        wanted |= Q(round_id=round_id, unit_id__in=[u for u, r in last_round_of_unit.items() if r == round_id])
    return {(item.account_id, item.code): item for item in RoundItem.objects.filter(wanted)}


# The answers that still stand when nothing about the account changed: a confirmation, and an exception until its
# end date. "Fixed", "change request filed" and "reported as leaver" told of something that was to change; if the
# problem is still there and nothing changed, the office answers again.
CARRIED_DECISIONS = (D.CONFIRMED, D.EXCEPTION)


def _carried_decision(previous: RoundItem | None, *, as_of: datetime.date) -> RoundItem | None:
    """The previous answer to carry, if it still stands on the round's date."""
    if previous is None or previous.decision not in CARRIED_DECISIONS:
        return None
    if previous.decision == D.EXCEPTION and (previous.exception_until is None or previous.exception_until < as_of):
        return None
    return previous


@transaction.atomic
def round_open(
    *, name: str, as_of: datetime.date, deadline: datetime.date, actor: User, scope: Scope, note: str = "",
    changes_only: bool = False, ip_address: str | None = None,
) -> ReviewRound:
    """Open a round for the whole country: every active account's flags as of `as_of` become its items.

    `scope` is the actor's scope for reviewing accounts; it must be national (the centre). With `changes_only`, an
    account that reads as it did in its office's last closed round keeps the answers given there, each item marked
    as carried from it; an account that changed (or is new) is answered again, and its items say what changed.
    """
    _require_central(scope)
    if not name.strip():
        raise ValidationError(NAME_REQUIRED)
    if deadline < as_of:
        raise ValidationError(DEADLINE_BEFORE_AS_OF)
    if deadline < today():
        raise ValidationError(DEADLINE_PAST)
    review_round = ReviewRound.objects.create(name=name.strip(), as_of=as_of, deadline=deadline, note=note.strip(),
                                              opened_by=actor, changes_only=changes_only)
    audits = [audit for audit in audit_accounts(scope=Scope(national=True), as_of=as_of)
              if audit.account.registered_unit_id is not None]  # no office to answer for it; listed nowhere either
    previous = _last_closed_items({audit.account.registered_unit_id for audit in audits}) if changes_only else {}
    previous_snapshots = {account_id: item.snapshot for (account_id, _code), item in previous.items()}
    items, changed_accounts, carried = [], 0, 0
    for audit in audits:
        account = audit.account
        snapshot = account_snapshot(audit)
        changes = snapshot_changes(previous_snapshots.get(account.pk, {}), snapshot) if changes_only else []
        changed_accounts += bool(changes)
        # One item per problem: several flags of one code (two excess roles) read as one explanation.
        problems: dict[str, list[str]] = {}
        with translation.override(settings.LANGUAGE_CODE):  # stored with the round: Thai, whoever opens it
            for flag in audit.flags:
                problems.setdefault(flag.code, []).append(flag.explanation)
        for code, explanations in (problems or {CLEAN: []}).items():
            item = RoundItem(round=review_round, account=account, unit_id=account.registered_unit_id, code=code,
                             explanation="\n".join(explanations), snapshot=snapshot, changes=changes)
            answer = None if changes else _carried_decision(previous.get((account.pk, code)), as_of=as_of)
            if answer is not None:
                item.decision, item.reason, item.exception_until = answer.decision, answer.reason, answer.exception_until
                item.decided_by_id, item.decided_at, item.carried_from = answer.decided_by_id, answer.decided_at, answer
                carried += 1
            items.append(item)
    RoundItem.objects.bulk_create(items, batch_size=1000)
    event_record(
        action="audit.round.opened", actor=actor, target=review_round, ip_address=ip_address,
        data={"name": review_round.name, "as_of": as_of, "deadline": deadline, "items": len(items),
              "accounts": len({item.account_id for item in items}), "changes_only": changes_only,
              **({"changed_accounts": changed_accounts, "carried_items": carried} if changes_only else {})},
    )
    return review_round


@transaction.atomic
def round_close(*, review_round: ReviewRound, actor: User, scope: Scope, ip_address: str | None = None) -> ReviewRound:
    """Close a round. What nobody answered stays "not verified" in the record."""
    _require_central(scope)
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if not review_round.is_open:
        raise ValidationError(ROUND_CLOSED)
    review_round.closed_at, review_round.closed_by = timezone.now(), actor
    review_round.save(update_fields=["closed_at", "closed_by"])
    counts = dict(review_round.items.values_list("decision").annotate(n=Count("pk")))
    event_record(action="audit.round.closed", actor=actor, target=review_round, ip_address=ip_address,
                 data={"decisions": counts})
    return review_round


# ---------------------------------------------------------------------------------------------------------------
# Answering


def _check_facts(item: RoundItem, decision: str) -> None:
    """Refuse an answer the facts contradict."""
    account = item.account
    since = item.round.opened_at
    if decision == D.FIXED and account.is_active:
        current = audit_account(account=account, as_of=today())
        still = [flag for flag in current.flags if flag.code == item.code]
        if still:
            raise ValidationError(STILL_THERE.format(explanation=still[0].explanation))
    elif decision == D.CHANGE_REQUEST:
        filed = ChangeRequest.objects.filter(account=account, created_at__gte=since).exclude(
            status=ChangeRequest.Status.WITHDRAWN
        )
        if not filed.exists():
            raise ValidationError(NO_CHANGE_REQUEST)
    elif decision == D.LEAVER and account.is_active:
        reported = LeaverReport.objects.filter(account=account, created_at__gte=since).exclude(
            status=LeaverReport.Status.RETURNED
        )
        if not reported.exists():
            raise ValidationError(NO_LEAVER_REPORT)


@refusals_logged("audit.round.refused", target=lambda kw: kw["item"].account,
                 unit=lambda kw: kw["item"].unit)
@transaction.atomic
def round_item_decide(
    *,
    item: RoundItem,
    decision: str,
    actor: User,
    scope: Scope,
    reason: str = "",
    exception_until: datetime.date | None = None,
    ip_address: str | None = None,
) -> RoundItem:
    """Record an office's answer to one item (it may be changed while the round is open; each answer is logged).

    `scope` is the actor's scope for reviewing accounts; it must cover the item's office. Nobody answers the item of
    their own account (README "Authority to grant": no self-dealing).
    """
    item = (
        RoundItem.objects.select_for_update(of=("self",))
        .select_related("round", "unit", "account__registered_unit")
        .get(pk=item.pk)
    )
    if not scope.contains(item.unit):
        raise PermissionDenied(OUT_OF_SCOPE)
    rules.check_not_self(actor, str(OWN_ITEM), account=item.account, data={"round": item.round_id, "item": item.pk})
    if not item.round.is_open:
        raise ValidationError(ROUND_CLOSED)
    if decision not in decisions_for(item.code):
        label = D(decision).label if decision in D.values else decision
        raise ValidationError(DECISION_NOT_ALLOWED.format(decision=label, problem=problem_label(item.code)))
    reason = (reason or "").strip()
    if decision == D.EXCEPTION:
        if not reason:
            raise ValidationError(REASON_REQUIRED)
        if exception_until is None or exception_until < today():
            raise ValidationError(END_DATE_REQUIRED)
    else:
        exception_until = None
    _check_facts(item, decision)
    before = {"decision": item.decision, "reason": item.reason, "exception_until": item.exception_until}
    item.decision, item.reason, item.exception_until = decision, reason, exception_until
    item.decided_by, item.decided_at = actor, timezone.now()
    item.save(update_fields=["decision", "reason", "exception_until", "decided_by", "decided_at"])
    event_record(
        action="audit.round.decided", actor=actor, target=item.account, unit=item.unit, ip_address=ip_address,
        data={
            "round": item.round_id, "item": item.pk, "code": item.code, "before": before,
            "after": {"decision": decision, "reason": reason, "exception_until": exception_until},
        },
    )
    return item


@dataclass
class BulkDecision:
    decided: int  # items answered
    skipped_own: int  # items of the actor's own account, left for another reviewer


@transaction.atomic
def round_items_decide(
    *,
    review_round: ReviewRound,
    unit: Unit,
    item_ids: list[int],
    decision: str,
    actor: User,
    scope: Scope,
    reason: str = "",
    exception_until: datetime.date | None = None,
    ip_address: str | None = None,
) -> BulkDecision:
    """Give the same answer (and reason) to many items of one office at once: all of them or none.

    Each item is checked and logged as round_item_decide does it alone. An item that may not take the answer (a
    clean account "fixed", a leaver with no report) refuses the whole batch, and the message names every such item
    by account and problem, so the office can take it out and send the rest again. Items of the actor's own account
    are left for another reviewer and counted. Items not of this round and office do not exist for the call.
    """
    if not scope.contains(unit):
        raise PermissionDenied(OUT_OF_SCOPE)
    items = list(
        review_round.items.filter(unit=unit, pk__in=item_ids).select_related("account").order_by("account__username", "code")
    )
    if not items:
        raise ValidationError(NOTHING_SELECTED)
    own = [item for item in items if rules.is_self(actor, account=item.account)]
    problems = []
    decided = 0
    for item in items:
        if item in own:
            continue
        try:
            round_item_decide(item=item, decision=decision, actor=actor, scope=scope, reason=reason,
                              exception_until=exception_until, ip_address=ip_address)
        except ValidationError as exc:
            problems.append(f"{item.account.username} · {problem_label(item.code)}: {' '.join(exc.messages)}")
        else:
            decided += 1
    if problems:
        transaction.set_rollback(True)
        raise ValidationError([gettext(BATCH_REFUSED) % {"n": len(problems)}, *problems], code="batch_refused")
    return BulkDecision(decided=decided, skipped_own=len(own))


@transaction.atomic
def round_confirm_clean(
    *, review_round: ReviewRound, unit: Unit, actor: User, scope: Scope, ip_address: str | None = None
) -> int:
    """Confirm every unanswered CLEAN item of one office: the office says those accounts are right as they are.

    The actor's own account is left unanswered, for another reviewer (no self-dealing)."""
    if not scope.contains(unit):
        raise PermissionDenied(OUT_OF_SCOPE)
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if not review_round.is_open:
        raise ValidationError(ROUND_CLOSED)
    items = list(
        review_round.items.select_for_update(of=("self",)).filter(unit=unit, code=CLEAN, decision=D.NOT_VERIFIED)
        .select_related("account")
    )
    items = [item for item in items if not rules.is_self(actor, account=item.account)]
    now = timezone.now()
    for item in items:
        item.decision, item.decided_by, item.decided_at = D.CONFIRMED, actor, now
    RoundItem.objects.bulk_update(items, ["decision", "decided_by", "decided_at"])
    for item in items:
        event_record(
            action="audit.round.decided", actor=actor, target=item.account, unit=unit, ip_address=ip_address,
            data={"round": review_round.pk, "item": item.pk, "code": CLEAN, "bulk": True,
                  "before": {"decision": D.NOT_VERIFIED}, "after": {"decision": D.CONFIRMED}},
        )
    return len(items)


# ---------------------------------------------------------------------------------------------------------------
# Completion


class Completion:
    """How far the answers of a set of round items have come: `total` items, `decided` of them answered."""

    total: int
    decided: int

    @property
    def not_verified(self) -> int:
        return self.total - self.decided

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else (100 * self.decided) // self.total

    @property
    def complete(self) -> bool:
        return self.decided == self.total


@dataclass
class OfficeProgress(Completion):
    unit: Unit
    total: int = 0
    decided: int = 0
    own_items: int = 0  # items of accounts registered at this very unit (the rest are below it)
    has_children: bool = False
    overdue: bool = False
    overdue_below: int = 0  # offices under it that are overdue (what the office above is alerted to)
    by_decision: dict[str, int] = field(default_factory=dict)


def _rows_by_unit(review_round: ReviewRound, scope: Scope) -> list[dict]:
    """One query: items per (office, decision) in the scope."""
    return list(
        round_item_access.filter(review_round.items.all(), scope)
        .values("unit_id", "unit__path", "decision")
        .annotate(n=Count("pk"))
    )


def round_progress(*, review_round: ReviewRound, scope: Scope, parent: Unit | None, on: datetime.date | None = None):
    """Completion of the offices directly under `parent` (or the top of the scope), each with everything below it.

    Returns (rows, total): rows is a list of OfficeProgress sorted by unit code; the parent's own accounts, if any,
    come first as a row of the parent itself. Two queries whatever the number of offices and items.
    """
    on = on or today()
    rows = _rows_by_unit(review_round, scope)
    if parent is not None:
        rows = [r for r in rows if r["unit__path"].startswith(parent.path)]
    # Offices to show: the parent itself (own accounts) and its children; without a parent, the scope's roots.
    if parent is not None:
        depth = parent.path.count("/") - 1
    elif scope.national:
        depth = 1  # the department's children: provinces and central bureaus
    else:
        depth = None

    def top_of(path: str) -> str | None:
        """The office shown on this page that `path` rolls up into."""
        if depth is None:
            # The outermost root, so that roles held at a province and one of its districts count once.
            return min((r.path for r in scope.roots if path.startswith(r.path)), key=len, default=None)
        parts = path.strip("/").split("/")
        return "/" + "/".join(parts[: depth + 1]) + "/"

    per_unit: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        per_unit[row["unit__path"]][row["decision"]] += row["n"]
    top_paths = {top for top in map(top_of, per_unit) if top is not None}
    units = {u.path: u for u in Unit.objects.filter(path__in=top_paths)}
    progress: dict[str, OfficeProgress] = {}
    overdue_units: set[str] = set()
    late = review_round.is_open and on > review_round.deadline
    for path, decisions in per_unit.items():
        total = sum(decisions.values())
        decided = total - decisions.get(D.NOT_VERIFIED, 0)
        if late and decided < total:
            overdue_units.add(path)
        top = top_of(path)
        if top is None or top not in units:
            continue
        office = progress.setdefault(top, OfficeProgress(unit=units[top]))
        office.total += total
        office.decided += decided
        if path == top:
            office.own_items += total
        else:
            office.has_children = True
        for decision, n in decisions.items():
            office.by_decision[decision] = office.by_decision.get(decision, 0) + n
    for office in progress.values():
        office.overdue = late and not office.complete
        office.overdue_below = sum(1 for p in overdue_units if p.startswith(office.unit.path) and p != office.unit.path)
    ordered = sorted(progress.values(), key=lambda o: (o.unit.path != (parent.path if parent else ""), o.unit.code))
    total = OfficeProgress(unit=parent) if parent is not None else OfficeProgress(unit=None)
    for office in ordered:
        total.total += office.total
        total.decided += office.decided
    total.overdue = late and not total.complete
    return ordered, total


def round_items_of_office(*, review_round: ReviewRound, unit: Unit) -> QuerySet[RoundItem]:
    """The items the office answers: accounts registered at this very unit when the round opened."""
    return (
        review_round.items.filter(unit=unit)
        .select_related("account__official", "account__registered_position", "account__registered_level", "decided_by")
        .order_by("account__username", "code")
    )


def undecided_items_count(user, rights):
    """The navigation count: items of open rounds in the viewer's offices nobody answered yet (a queryset to count)."""
    scope = rights.scope_for("menu_review_accounts")
    if scope.national:  # the centre follows completion, it does not answer for the offices
        return 0
    return round_item_access.filter(RoundItem.objects.filter(round__closed_at__isnull=True, decision=D.NOT_VERIFIED), scope)


# ---------------------------------------------------------------------------------------------------------------
# Reminders and escalation


def reviewers_of(units: list[Unit], *, on: datetime.date) -> dict[int, list[User]]:
    """{unit_id: active accounts that may review accounts at that very unit}: the role is held there, an in-force
    order line grants it, and its policies pass. Four queries whatever the number of units."""
    role_ids = list(
        Role.objects.filter(menus__codename="menu_review_accounts", national_scope=False).values_list("pk", flat=True)
    )
    held = list(
        UnitUserObjectPermission.objects.filter(
            permission__role__in=role_ids, content_object__in=units, user__is_active=True
        ).select_related("user__official__position", "user__official__level", "permission__role")
    )
    national_ids = {row.user.official_id for row in held if row.user.official_id}
    granted = set(
        OrderLine.objects.in_force(on).filter(official_id__in=national_ids, role__in=role_ids)
        .values_list("official_id", "role_id", "unit_id")
    )
    policies = policies_in_force(on=on, role_ids=role_ids)
    result: dict[int, list[User]] = defaultdict(list)
    for row in held:
        user, role_id = row.user, row.permission.role.pk
        official = user.official if user.official_id else None
        if official is None or (user.official_id, role_id, row.content_object_id) not in granted:
            continue
        if any(policy_refusal(p, position=official.position, level=official.level) for p in policies.get(role_id, [])):
            continue
        if user not in result[row.content_object_id]:
            result[row.content_object_id].append(user)
    return result


@dataclass
class ReminderPlan:
    unit: Unit
    kind: str
    subject: str
    body: str
    recipients: list[str]


def _office_totals(review_round: ReviewRound) -> dict[int, tuple[int, int]]:
    """{unit_id: (total, not verified)} for every office of the round (one query)."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in review_round.items.values("unit_id", "decision").annotate(n=Count("pk")):
        totals[row["unit_id"]][0] += row["n"]
        if row["decision"] == D.NOT_VERIFIED:
            totals[row["unit_id"]][1] += row["n"]
    return {unit_id: (t, nv) for unit_id, (t, nv) in totals.items()}


def round_reminders_plan(*, review_round: ReviewRound, on: datetime.date, days_before: list[int],
                         base_url: str = "") -> list[ReminderPlan]:
    """The emails due today: a reminder to each unfinished office `days_before` the deadline; once the deadline has
    passed, a daily reminder to each overdue office and an escalation to the office above it."""
    if not review_round.is_open:
        return []
    days_left = (review_round.deadline - on).days
    overdue = days_left < 0
    if not overdue and days_left not in days_before:
        return []
    totals = {uid: t for uid, t in _office_totals(review_round).items() if t[1] > 0}
    if not totals:
        return []
    offices = {u.pk: u for u in Unit.objects.filter(pk__in=totals).select_related("parent")}
    parents = {u.parent_id: u.parent for u in offices.values() if u.parent_id is not None}
    reviewers = reviewers_of([*offices.values(), *parents.values()], on=on)
    deadline = format_be_date(review_round.deadline, long=True)
    plans = []
    for unit_id, (total, not_verified) in sorted(totals.items(), key=lambda kv: offices[kv[0]].code):
        unit = offices[unit_id]
        link = f"{base_url}/audit/rounds/{review_round.pk}/offices/{unit.code}/"
        if overdue:
            kind = "overdue"
            subject = f"[rightsadmin] เลยกำหนดส่งผลการตรวจสอบสิทธิ์: {review_round.name}"
            lead = f"เลยกำหนดส่งผลการตรวจสอบสิทธิ์รอบ \"{review_round.name}\" (กำหนด {deadline}) แล้ว"
        else:
            kind = f"due-{days_left}"
            subject = f"[rightsadmin] อีก {days_left} วันครบกำหนดส่งผลการตรวจสอบสิทธิ์: {review_round.name}"
            lead = f"รอบการตรวจสอบสิทธิ์ \"{review_round.name}\" ครบกำหนดส่งผลวันที่ {deadline}"
        body = (
            f"{lead}\n{unit.display_name} ยังไม่ได้ตรวจสอบ {not_verified} จาก {total} รายการ\n"
            f"ตรวจสอบได้ที่ {link}\n\nรายการที่ไม่ได้ตรวจสอบจะคงสถานะ \"ยังไม่ได้ตรวจสอบ\" ระบบไม่ยอมรับหรือถอนสิทธิ์ให้อัตโนมัติ"
        )
        emails = sorted({u.email for u in reviewers.get(unit_id, []) if u.email})
        plans.append(ReminderPlan(unit, kind, subject, body, emails))
    if overdue:  # escalate: each office above hears of its overdue offices
        below: dict[int, list[Unit]] = defaultdict(list)
        for unit_id in totals:
            if offices[unit_id].parent_id is not None:
                below[offices[unit_id].parent_id].append(offices[unit_id])
        for parent_id, late_offices in sorted(below.items(), key=lambda kv: parents[kv[0]].code):
            parent = parents[parent_id]
            lines = "\n".join(
                f"- {u.display_name}: ยังไม่ได้ตรวจสอบ {totals[u.pk][1]} จาก {totals[u.pk][0]} รายการ"
                for u in sorted(late_offices, key=lambda u: u.code)
            )
            body = (
                f"หน่วยงานในสังกัด{parent.display_name}ต่อไปนี้ยังส่งผลการตรวจสอบสิทธิ์รอบ \"{review_round.name}\" "
                f"ไม่ครบ ทั้งที่เลยกำหนด ({deadline}) แล้ว\n{lines}\n"
                f"ติดตามได้ที่ {base_url}/audit/rounds/{review_round.pk}/?unit={parent.code}"
            )
            emails = sorted({u.email for u in reviewers.get(parent_id, []) if u.email})
            plans.append(ReminderPlan(
                parent, "escalation", f"[rightsadmin] หน่วยงานในสังกัดเลยกำหนดส่งผลการตรวจสอบสิทธิ์: {review_round.name}",
                body, emails,
            ))
    return plans


def round_reminders_send(*, review_round: ReviewRound, on: datetime.date, days_before: list[int],
                         base_url: str = "", from_email: str | None = None) -> list[ReminderPlan]:
    """Send what round_reminders_plan says is due, each (office, kind) at most once a day; log each send."""
    sent = []
    already = set(RoundReminder.objects.filter(round=review_round, sent_on=on).values_list("unit_id", "kind"))
    messages = []
    for plan in round_reminders_plan(review_round=review_round, on=on, days_before=days_before, base_url=base_url):
        if (plan.unit.pk, plan.kind) in already or not plan.recipients:
            continue
        messages.extend((plan.subject, plan.body, from_email, [email]) for email in plan.recipients)
        sent.append(plan)
    if not sent:
        return []
    with transaction.atomic():
        RoundReminder.objects.bulk_create([
            RoundReminder(round=review_round, unit=plan.unit, kind=plan.kind, sent_on=on, recipients=len(plan.recipients))
            for plan in sent
        ])
        for plan in sent:
            event_record(action="audit.round.reminded", target=review_round, unit=plan.unit,
                         data={"kind": plan.kind, "recipients": plan.recipients})
        # Mail goes out once the record of it is safe; a failure rolls the record back, so the next run retries.
        send_mass_mail(messages, fail_silently=False)
    return sent
