"""Writes on accounts and roles. Each service checks its own preconditions and logs what it changed."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import DeniedAccess, Unit, UnitUserObjectPermission, User
from events.services import event_record
from rights import rules
from rights.denials import denied_access_record
from rights.models import Role
from rights.scope import Scope

ACCOUNT_ALREADY_INACTIVE = _("บัญชีนี้ถูกระงับการใช้งานแล้ว")
REASON_REQUIRED = gettext_noop("กรุณาระบุเหตุผล")  # a plain str: tests match it; translated where raised
OUT_OF_SCOPE = _("บัญชีนี้อยู่นอกขอบเขตหน่วยงานของท่าน")
SELF_GRANT = _("ท่านให้หรือถอนสิทธิ์ของบัญชีตนเองไม่ได้ ต้องให้ผู้มีอำนาจอีกคนหนึ่งดำเนินการ")
SELF_UNLOCK = _("ท่านปลดล็อกบัญชีของตนเองไม่ได้ ต้องให้ผู้ตรวจสอบสิทธิ์อีกคนหนึ่งดำเนินการ")


def refusals_logged(
    action: str, *, target: Callable[[dict], object] | None = None, unit: Callable[[dict], object] | None = None
) -> Callable:
    """Log every AuthorityRefused the service raises as `action`, in a transaction of its own, then raise it again.

    Put it outside the service's own transaction.atomic, so the refused work is rolled back and the log entry stays.
    `target(kwargs)` and `unit(kwargs)` name what the refusal concerned (an account, an order; the unit of the log
    entry, by default the target's), from the service's keyword arguments.
    """

    def decorate(service: Callable) -> Callable:
        @functools.wraps(service)
        def logged(*args, **kwargs):
            try:
                return service(*args, **kwargs)
            except rules.AuthorityRefused as refusal:
                subject = target(kwargs) if target is not None else None
                where = unit(kwargs) if unit is not None else (
                    getattr(subject, "registered_unit", None) or getattr(subject, "issuing_unit", None)
                )
                actor = kwargs.get("actor")
                with transaction.atomic():
                    event_record(
                        action=action, actor=actor, target=subject, unit=where,
                        ip_address=kwargs.get("ip_address"),
                        data={"service": service.__name__, "rule": refusal.rule, "reason": refusal.message,
                              **refusal.data},
                    )
                if actor is not None:
                    denied_access_record(account=actor, kind=DeniedAccess.Kind.REFUSED, path=service.__name__,
                                         ip_address=kwargs.get("ip_address"))
                raise

        return logged

    return decorate


def _account_of(kwargs: dict):
    return kwargs.get("account")


@refusals_logged("accounts.role.refused", target=_account_of)
def role_grant(
    *, account: User, role: Role, unit: Unit, actor: User | None, scope: Scope, reason: str,
    ip_address: str | None = None,
) -> bool:
    """Make `account` hold `role` at `unit`. Return False when it already did.

    `scope` is the actor's scope for the path that grants (reviewing accounts, recording orders, importing): the
    actor must have authority over the role at the unit (rights.rules.may_grant), and nobody grants to themselves.
    """
    rules.check_not_self(actor, str(SELF_GRANT), account=account, data={"role": role.code, "unit": unit.code})
    rules.check_grant(scope, role, unit)
    with transaction.atomic():
        if UnitUserObjectPermission.objects.filter(user=account, permission=role.permission, content_object=unit).exists():
            return False
        assign_perm(role.permission, account, unit)
        event_record(
            action="accounts.role.granted", actor=actor, target=account, unit=unit, ip_address=ip_address,
            data={"role": role.code, "unit": unit.code, "reason": reason},
        )
    return True


@refusals_logged("accounts.role.refused", target=_account_of)
def role_revoke(*, account: User, role: Role, unit: Unit, actor: User | None, reason: str, ip_address: str | None = None) -> bool:
    """Withdraw `role` at `unit` from `account`. Return False when it did not hold it.

    Revoking is one step by anyone whose scope covers the unit (the callers check it), but not on one's own account.
    """
    rules.check_not_self(actor, str(SELF_GRANT), account=account, data={"role": role.code, "unit": unit.code})
    with transaction.atomic():
        if not UnitUserObjectPermission.objects.filter(user=account, permission=role.permission, content_object=unit).exists():
            return False
        remove_perm(role.permission, account, unit)
        event_record(
            action="accounts.role.revoked", actor=actor, target=account, unit=unit, ip_address=ip_address,
            data={"role": role.code, "unit": unit.code, "reason": reason},
        )
    return True


@transaction.atomic
def account_deactivate(
    *, account: User, actor: User | None, reason: str, scope: Scope | None = None, ip_address: str | None = None
) -> User:
    """Stop an account from logging in and withdraw every role it holds. Nothing is deleted.

    `scope`, when given, is the caller's: an account outside it is refused (the views pass the caller's scope).
    """
    if scope is not None and not scope.contains(account.registered_unit):
        raise PermissionDenied(OUT_OF_SCOPE)
    if not reason.strip():
        raise ValidationError(gettext(REASON_REQUIRED))
    if not account.is_active:
        raise ValidationError(ACCOUNT_ALREADY_INACTIVE)
    held = list(
        UnitUserObjectPermission.objects.filter(user=account, permission__role__isnull=False).select_related(
            "permission__role", "content_object"
        )
    )
    UnitUserObjectPermission.objects.filter(pk__in=[row.pk for row in held]).delete()
    account.is_active = False
    account.deactivated_at = timezone.now()
    account.deactivation_reason = reason.strip()
    account.save(update_fields=["is_active", "deactivated_at", "deactivation_reason"])
    event_record(
        action="accounts.account.deactivated", actor=actor, target=account, unit=account.registered_unit,
        ip_address=ip_address,
        data={
            "reason": account.deactivation_reason,
            "withdrawn_roles": [f"{row.permission.role.code}@{row.content_object.code}" for row in held],
            "before": {"is_active": True},
            "after": {"is_active": False},
        },
    )
    return account


@refusals_logged("accounts.login.unlock_refused", target=_account_of)
@transaction.atomic
def account_unlock(*, account: User, actor: User | None, scope: Scope | None = None, ip_address: str | None = None) -> int:
    """Clear the failed logins that locked `account`; return how many were cleared. Nobody unlocks themselves."""
    from axes.utils import reset  # axes imports the user model at import time

    if scope is not None and not scope.contains(account.registered_unit):
        raise PermissionDenied(OUT_OF_SCOPE)
    rules.check_not_self(actor, str(SELF_UNLOCK), account=account)
    cleared = reset(username=account.username)
    event_record(action="accounts.login.unlocked", actor=actor, target=account, unit=account.registered_unit,
                 ip_address=ip_address, data={"cleared_attempts": cleared})
    return cleared
