"""Activation: the holder of a new account sets their own password from a one-time link or printed code.

Nobody hands out passwords. A reviewer whose scope holds the account's unit (never the holder) issues the code: by
email when the account has an address, printed otherwise. A new code supersedes the older ones; a code works once,
for settings.ACTIVATION_VALID_HOURS. Only accounts that have no usable password yet can be activated: a forgotten
password goes through the password reset by email, a lost phone through the second factor's reset.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ActivationCode, User
from core.thai import format_be_date
from events.services import event_record
from rights import rules
from rights.scope import Scope, today
from rights.services import OUT_OF_SCOPE, _account_of, refusals_logged
from rollout.selectors import registration_window_refusal

PRINTED_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper and typed
PRINTED_LENGTH = 16  # 80 bits

SELF_ISSUE = _("ท่านออกรหัสเปิดใช้งานให้บัญชีของตนเองไม่ได้")
ALREADY_ACTIVE = _("บัญชีนี้ตั้งรหัสผ่านแล้ว หากลืมรหัสผ่านให้ใช้การรีเซ็ตรหัสผ่านทางอีเมล")
INACTIVE = _("บัญชีนี้ถูกระงับการใช้งาน")
NO_EMAIL = _("บัญชีนี้ไม่มีอีเมล กรุณาใช้รหัสพิมพ์มอบให้")
CODE_INVALID = _("รหัสเปิดใช้งานไม่ถูกต้อง ถูกใช้ไปแล้ว หรือหมดอายุ กรุณาขอรหัสใหม่จากผู้ตรวจสอบสิทธิ์ของหน่วยงาน")


@dataclass(frozen=True)
class IssuedActivation:
    code: ActivationCode
    secret: str  # shown or sent once, never stored

    @property
    def printed(self) -> str:
        return "-".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))


@refusals_logged("accounts.activation.refused", target=_account_of)
@transaction.atomic
def activation_issue(*, account: User, actor: User, scope: Scope, channel: str, base_url: str = "",
                     ip_address: str | None = None) -> IssuedActivation:
    if not scope.contains(account.registered_unit):
        raise PermissionDenied(OUT_OF_SCOPE)
    rules.check_not_self(actor, str(SELF_ISSUE), account=account)
    account = User.objects.select_for_update().get(pk=account.pk)
    if not account.is_active:
        raise ValidationError(INACTIVE, code="inactive")
    if account.has_usable_password():
        raise ValidationError(ALREADY_ACTIVE, code="already_active")
    if channel == ActivationCode.Channel.EMAIL and not account.email:
        raise ValidationError(NO_EMAIL, code="no_email")
    # A nominee of a rollout registers within its window (e-Bill circular); anyone else is not concerned.
    outside_window = registration_window_refusal(national_id=account.official_id, on=today())
    if outside_window:
        raise ValidationError(outside_window, code="outside_registration_window")
    now = timezone.now()
    superseded = ActivationCode.objects.filter(account=account, used_at__isnull=True, superseded_at__isnull=True)
    superseded_count = superseded.update(superseded_at=now)
    if channel == ActivationCode.Channel.PRINTED:
        secret = "".join(secrets.choice(PRINTED_ALPHABET) for _ in range(PRINTED_LENGTH))
    else:
        secret = secrets.token_hex(24)
    code = ActivationCode.objects.create(
        account=account, channel=channel, secret_hash=ActivationCode.hash_of(secret), issued_by=actor,
        expires_at=now + datetime.timedelta(hours=settings.ACTIVATION_VALID_HOURS),
    )
    event_record(action="accounts.activation.issued", actor=actor, target=account, unit=account.registered_unit,
                 ip_address=ip_address, data={"channel": channel, "expires_at": code.expires_at.isoformat(),
                                              "superseded": superseded_count})
    if channel == ActivationCode.Channel.EMAIL:
        link = f"{base_url}/activate/{secret}/"
        transaction.on_commit(lambda: _send_link(account, link, code.expires_at))
    return IssuedActivation(code=code, secret=secret)


def _send_link(account: User, link: str, expires_at: datetime.datetime) -> None:
    body = (
        f"เรียน ผู้ใช้งาน {account.username}\n\n"
        "หน่วยงานของท่านเปิดบัญชีในระบบ rightsadmin ให้ท่านแล้ว กรุณาเปิดลิงก์นี้เพื่อตั้งรหัสผ่านด้วยตนเอง\n"
        f"{link}\n\n"
        f"ลิงก์ใช้ได้ครั้งเดียว ถึง {format_be_date(timezone.localdate(expires_at))} เวลา "
        f"{timezone.localtime(expires_at):%H:%M} น. หากท่านไม่ได้คาดว่าจะได้รับอีเมลนี้ กรุณาแจ้งหน่วยงานของท่าน\n"
    )
    send_mail("[rightsadmin] เปิดใช้งานบัญชีของท่าน", body, settings.DEFAULT_FROM_EMAIL, [account.email])


def activation_find(*, secret: str, username: str | None = None) -> ActivationCode | None:
    """The usable code behind `secret` (and, for a printed code, `username`), or None."""
    code = (
        ActivationCode.objects.filter(secret_hash=ActivationCode.hash_of(secret or ""), used_at__isnull=True,
                                      superseded_at__isnull=True, expires_at__gt=timezone.now(),
                                      account__is_active=True)
        .select_related("account", "account__registered_unit").first()
    )
    if code is None or (username is not None and code.account.username != username.strip()):
        return None
    return code


@transaction.atomic
def activation_use(*, code: ActivationCode, password: str, ip_address: str | None = None) -> User:
    """Set the holder's first password (already checked by the validators) and spend the code."""
    locked = ActivationCode.objects.select_for_update().get(pk=code.pk)
    if locked.used_at or locked.superseded_at or locked.expires_at <= timezone.now():
        raise ValidationError(CODE_INVALID, code="activation_invalid")
    account = locked.account
    account.set_password(password)
    account.save(update_fields=["password"])
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    event_record(action="accounts.activation.used", actor=account, target=account, unit=account.registered_unit,
                 ip_address=ip_address, data={"channel": locked.channel})
    return account
