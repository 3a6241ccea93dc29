"""The second factor: a TOTP app (django-otp) with one-time backup codes, required of the roles that can grant,
revoke and deactivate.

Who needs it is read from the roles the account holds (Role.requires_second_factor), not from anything the holder
says. A holder without a confirmed device can open only the enrolment page until enrolled. The password and the code
are one login: the session is made only after the code (`pending_login_*`), so a wrong code is a failed login that
django-axes counts with the wrong passwords, and three of them lock the username at that address.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import BackupCodeDevice, User
from core.http import client_ip
from core.thai import thai_digits_to_arabic
from events.services import event_record
from rights import rules
from rights.scope import Scope, cached_account_rights
from rights.services import OUT_OF_SCOPE, _account_of, refusals_logged

PENDING_KEY = "second_factor_pending"
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper and typed
APP_DEVICE_NAME = "app"
BACKUP_DEVICE_NAME = "backup"

SELF_RESET = _("ท่านรีเซ็ตการยืนยันตัวตนสองขั้นตอนของตนเองไม่ได้ ต้องให้ผู้ตรวจสอบสิทธิ์ของหน่วยงานของท่านขึ้นไปดำเนินการ")


# ---------------------------------------------------------------------------------------------------------------
# Who needs it, what they have


def second_factor_required(user) -> bool:
    """Whether `user` holds a role that needs the second factor (held, whether or not an order backs it: a role
    held is a role that opens menus until rights sync withdraws it). Superusers always need it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    rights = cached_account_rights(user)
    # An acting reviewer reviews as the reviewer does, so they need the factor while the delegation lasts.
    return bool(rights.delegated_review) or any(item.held and item.role.requires_second_factor for item in rights.items)


def confirmed_app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_device(user) -> BackupCodeDevice | None:
    return BackupCodeDevice.objects.filter(user=user, confirmed=True).first()


# ---------------------------------------------------------------------------------------------------------------
# Enrolment


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device the enrolment page shows as a QR code; the same one until it is confirmed, so a reload
    does not invalidate the code already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def backup_codes_issue(user) -> list[str]:
    """New backup codes (the old ones stop working); returned once, in the clear, and kept only hashed."""
    codes = ["".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(10)) for _ in range(settings.BACKUP_CODE_COUNT)]
    codes = [f"{code[:5]}-{code[5:]}" for code in codes]
    device = BackupCodeDevice.objects.filter(user=user).first() or BackupCodeDevice(
        user=user, name=BACKUP_DEVICE_NAME
    )
    device.salt = secrets.token_hex(16)
    device.confirmed = True
    device.code_hashes = [device.hash_of(code) for code in codes]
    device.save()
    return codes


@transaction.atomic
def enrolment_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm `device` with a code from the app; return the backup codes to show once, or None for a wrong code.

    Any older device stops working, every other session of the account ends, and the session that enrolled
    counts as verified with the new device.
    """
    user = request.user
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()  # secrets are destroyed; the log keeps the event
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = backup_codes_issue(user)
    _other_sessions_end(request, user)
    device.user = user
    from django_otp import login as otp_login

    otp_login(request, device)
    event_record(action="accounts.second_factor.enrolled", actor=user, target=user, unit=user.registered_unit,
                 ip_address=client_ip(request), data={"backup_codes": len(codes)})
    return codes


def backup_codes_renew(*, request) -> list[str]:
    user = request.user
    codes = backup_codes_issue(user)
    event_record(action="accounts.second_factor.backup_codes_renewed", actor=user, target=user,
                 unit=user.registered_unit, ip_address=client_ip(request), data={"backup_codes": len(codes)})
    return codes


def _sessions_end(account: User) -> None:
    """End every session of `account`: the session hash includes session_epoch."""
    User.objects.filter(pk=account.pk).update(session_epoch=F("session_epoch") + 1)
    account.refresh_from_db(fields=["session_epoch"])


def _other_sessions_end(request, user: User) -> None:
    """End every session of `user` but this one."""
    _sessions_end(user)
    if request is not None and request.user.is_authenticated and request.user.pk == user.pk:
        update_session_auth_hash(request, user)


def _digits(code: str) -> str:
    return "".join(ch for ch in thai_digits_to_arabic(code or "") if ch.isdigit())


# ---------------------------------------------------------------------------------------------------------------
# The login's second step


def pending_login_start(request, user, *, next_url: str = "") -> None:
    """Remember, for a few minutes, whose password was right; the session is made only after the code."""
    request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "at": int(time.time()), "next": next_url}


def pending_login_user(request) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.SECOND_FACTOR_PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).select_related("registered_unit").first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def pending_login_next(request) -> str:
    return (request.session.get(PENDING_KEY) or {}).get("next", "")


def pending_login_end(request) -> None:
    request.session.pop(PENDING_KEY, None)


def code_verify(*, request, user: User, code: str):
    """The device that accepts `code` (the app's six digits, or an unused backup code), or None.

    A wrong code is a failed login: django-axes counts it for this username at this address, with the passwords.
    """
    code = thai_digits_to_arabic("".join((code or "").split()))
    device = None
    if len(code) == 6 and code.isdigit():
        app = confirmed_app_device(user)
        if app is not None and app.verify_token(code):
            device = app
    else:
        backup = backup_device(user)
        if backup is not None and backup.verify_token(code):
            device = backup
            event_record(action="accounts.second_factor.backup_code_used", actor=user, target=user,
                         unit=user.registered_unit, ip_address=client_ip(request),
                         data={"codes_left": backup.codes_left})
    if device is None:
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request,
                               second_factor=True)
    return device



# ---------------------------------------------------------------------------------------------------------------
# Reset by a reviewer


@refusals_logged("accounts.second_factor.reset_refused", target=_account_of)
@transaction.atomic
def second_factor_reset(*, account: User, actor: User, scope: Scope, reason: str, ip_address: str | None = None) -> int:
    """Remove the second factor of `account` (a lost phone): the holder enrols again at the next login.

    Only a reviewer whose scope holds the account's unit, never the holder; every session of the account ends, and
    the holder is told by email when the account has one.
    """
    if not scope.contains(account.registered_unit):
        raise PermissionDenied(OUT_OF_SCOPE)
    rules.check_not_self(actor, str(SELF_RESET), account=account)
    # A secret is destroyed, not kept: the enrolment and this reset stay in the event log.
    removed, _counts = TOTPDevice.objects.filter(user=account).delete()
    BackupCodeDevice.objects.filter(user=account).delete()
    _sessions_end(account)
    event_record(action="accounts.second_factor.reset", actor=actor, target=account, unit=account.registered_unit,
                 ip_address=ip_address, data={"reason": reason, "devices": removed})
    if account.email:
        from signin.notifications import second_factor_reset_notify

        transaction.on_commit(lambda: second_factor_reset_notify(account=account, actor=actor, reason=reason))
    return removed
