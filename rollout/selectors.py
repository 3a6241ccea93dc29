"""Reads of rollouts: completion per province and district, the offices that have not nominated, the addresses of an
office's reviewers, the nominations of an office, and the registration window that signin.activation asks about."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, UnitUserObjectPermission, User
from core.thai import format_be_date
from rights.access import RECORD_ORDERS_MENU
from rights.models import OrderLine, Role
from rollout.models import Nomination, Rollout

OUTSIDE_REGISTRATION_WINDOW = _(
    "ยังไม่อยู่ในช่วงลงทะเบียนของ%(name)s: ผู้ได้รับการเสนอชื่อเปิดใช้งานบัญชีได้ระหว่างวันที่ %(start)s ถึง %(end)s"
)

OFFICE_KINDS = (Unit.Kind.PROVINCE, Unit.Kind.DISTRICT)


def office_units() -> QuerySet[Unit]:
    """The offices that nominate: every province and district office run by the department (not Bangkok's khet)."""
    return Unit.objects.filter(kind__in=OFFICE_KINDS, is_bma=False)


def nominations_of_office(*, rollout: Rollout, unit: Unit) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(rollout=rollout, unit=unit)
        .select_related("official__position", "official__level", "role", "filed_by", "decided_by")
        .order_by("pk")
    )


def nominated_unit_ids(rollout: Rollout) -> set[int]:
    """The offices with at least one nomination pending or accepted."""
    open_statuses = [Nomination.Status.PENDING, Nomination.Status.ACCEPTED]
    return set(
        Nomination.objects.filter(rollout=rollout, status__in=open_statuses).values_list("unit_id", flat=True).distinct()
    )


def accepted_units(rollout: Rollout) -> list[Unit]:
    """The offices with an accepted nomination: they take part in the trial and go live."""
    ids = Nomination.objects.filter(rollout=rollout, status=Nomination.Status.ACCEPTED).values("unit_id")
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


@dataclass
class CompletionRow:
    code: str
    label: str
    offices: int
    nominated: int

    @property
    def percent(self) -> int:
        return 100 * self.nominated // self.offices if self.offices else 0

    @property
    def width(self) -> int:
        """The bar's width in steps of 5 (the CSS has a class per step)."""
        return 5 * round(self.percent / 5)


def rollout_completion(*, rollout: Rollout, province: Unit | None = None) -> tuple[list[CompletionRow], CompletionRow]:
    """Per province (or, given one, per office of it: the province office and each district), how many offices
    nominated; and the total. Two queries."""
    nominated = nominated_unit_ids(rollout)
    offices = office_units()
    if province is not None:
        offices = offices.filter(path__startswith=province.path)
    rows: dict[str, CompletionRow] = {}
    total = CompletionRow(code="", label=gettext("รวม"), offices=0, nominated=0)
    for unit in offices.select_related("parent").order_by("path"):
        if province is None:
            top = unit if unit.kind == Unit.Kind.PROVINCE else unit.parent
            key, label = top.code, top.name_th
        else:
            key, label = unit.code, unit.display_name
        row = rows.setdefault(key, CompletionRow(code=key, label=label, offices=0, nominated=0))
        row.offices += 1
        total.offices += 1
        if unit.pk in nominated:
            row.nominated += 1
            total.nominated += 1
    return list(rows.values()), total


def offices_not_nominated(rollout: Rollout) -> list[Unit]:
    return list(office_units().exclude(pk__in=nominated_unit_ids(rollout)).order_by("path"))


def office_reviewers(units: list[Unit], *, on: datetime.date) -> dict[int, list[User]]:
    """{unit_id: active accounts that record orders at that very unit}: the role is held there and an in-force order
    line grants it. Three queries whatever the number of units."""
    role_ids = list(
        Role.objects.filter(menus__codename=RECORD_ORDERS_MENU, national_scope=False).values_list("pk", flat=True)
    )
    held = list(
        UnitUserObjectPermission.objects.filter(
            permission__role__in=role_ids, content_object__in=units, user__is_active=True
        ).select_related("user", "permission__role")
    )
    granted = set(
        OrderLine.objects.in_force(on)
        .filter(official_id__in={row.user.official_id for row in held if row.user.official_id}, role__in=role_ids)
        .values_list("official_id", "role_id", "unit_id")
    )
    result: dict[int, list[User]] = defaultdict(list)
    for row in held:
        if (row.user.official_id, row.permission.role.pk, row.content_object_id) not in granted:
            continue
        if row.user not in result[row.content_object_id]:
            result[row.content_object_id].append(row.user)
    return result


def rollout_list() -> QuerySet[Rollout]:
    return Rollout.objects.select_related("created_by", "order").annotate(
        nominations_open=Count("nominations", filter=Q(nominations__status__in=[
            Nomination.Status.PENDING, Nomination.Status.ACCEPTED])),
        offices_nominated=Count("nominations__unit", distinct=True, filter=Q(nominations__status__in=[
            Nomination.Status.PENDING, Nomination.Status.ACCEPTED])),
    )


# ---------------------------------------------------------------------------------------------------------------
# The registration window (asked by signin.activation.activation_issue)


def registration_window_refusal(*, national_id: str | None, on: datetime.date) -> str | None:
    """Why an account of this person may not be activated on `on`, or None.

    e-Bill circular: nominated users register within a window. A person with an accepted nomination is activated
    only while the registration window of one of their rollouts is open; anyone else is not concerned. One query.
    """
    if not national_id:
        return None
    rollouts = list(
        Rollout.objects.filter(nominations__official_id=national_id, nominations__status=Nomination.Status.ACCEPTED)
        .distinct().order_by("-registration_from")
    )
    if not rollouts or any(rollout.registration_open(on) for rollout in rollouts):
        return None
    latest = rollouts[0]
    return str(OUTSIDE_REGISTRATION_WINDOW) % {
        "name": latest.name, "start": format_be_date(latest.registration_from, long=True),
        "end": format_be_date(latest.registration_to, long=True),
    }
