"""Create, revoke and check personal API tokens. Every change is logged in the event log."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from api.models import ApiToken
from events.services import event_record
from lifecycle.services import locked_usernames

TOKEN_SCHEME = "ra"
EXPIRY_DAYS_CHOICES = (30, 90, 180, 365)
MAX_ACTIVE_TOKENS = 10
# last_used_at is written at most this often per token, so a busy script does not turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)

SECOND_FACTOR_FIRST = gettext_lazy("สร้างโทเค็นได้หลังเข้าสู่ระบบด้วยการยืนยันตัวตนสองขั้นตอนเท่านั้น "
                                   "กรุณาลงทะเบียนแอปยืนยันตัวตนที่หน้าข้อมูลของฉันแล้วเข้าสู่ระบบใหม่")
NAME_REQUIRED = "กรุณาตั้งชื่อโทเค็น เพื่อให้จำได้ว่าใช้กับระบบใด"
EXPIRY_NOT_ALLOWED = "อายุโทเค็นต้องเป็น 30, 90, 180 หรือ 365 วัน"
TOO_MANY_TOKENS = f"มีโทเค็นที่ใช้งานได้ครบ {MAX_ACTIVE_TOKENS} รายการแล้ว กรุณาเพิกถอนรายการที่ไม่ใช้ก่อน"
ALREADY_REVOKED = "โทเค็นนี้ถูกเพิกถอนแล้ว"
NOT_OWNER = "โทเค็นนี้ไม่ใช่ของท่าน"
ACCOUNT_INACTIVE = "บัญชีนี้ถูกระงับการใช้งาน จึงสร้างโทเค็นไม่ได้"


class TokenRefused(Exception):
    """A presented token that does not authenticate; `code` is the machine code the API returns."""

    TOKEN_INVALID = "TOKEN_INVALID"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_REVOKED = "TOKEN_REVOKED"
    ACCOUNT_INACTIVE = "ACCOUNT_INACTIVE"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"

    MESSAGES = {
        TOKEN_INVALID: "โทเค็นไม่ถูกต้อง",
        TOKEN_EXPIRED: "โทเค็นหมดอายุแล้ว กรุณาสร้างโทเค็นใหม่ที่หน้าข้อมูลของฉัน",
        TOKEN_REVOKED: "โทเค็นนี้ถูกเพิกถอนแล้ว",
        ACCOUNT_INACTIVE: "บัญชีเจ้าของโทเค็นถูกระงับการใช้งาน",
        ACCOUNT_LOCKED: "บัญชีเจ้าของโทเค็นถูกล็อกเพราะใส่รหัสผ่านผิดหลายครั้ง ติดต่อผู้ตรวจสอบสิทธิ์เพื่อปลดล็อก",
    }

    def __init__(self, code: str):
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(self.message)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown to the owner once, never stored


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(plaintext: str) -> tuple[str, str] | None:
    scheme, _, rest = plaintext.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != TOKEN_SCHEME or not prefix or not secret or len(prefix) > 16:
        return None
    return prefix, secret


def active_tokens(user: User):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int, second_factor_verified: bool,
                     ip_address: str | None = None) -> IssuedToken:
    """Create a token for `user`, valid for `days` days; return it with its plaintext (the only time it exists).

    Only from a session that passed the second factor: a token outlives the session and skips the login, so a stolen
    password alone must not be able to mint one.
    """
    if not second_factor_verified:
        raise PermissionDenied(SECOND_FACTOR_FIRST)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": NAME_REQUIRED})
    if days not in EXPIRY_DAYS_CHOICES:
        raise ValidationError({"days": EXPIRY_NOT_ALLOWED})
    if not user.is_active:
        raise PermissionDenied(ACCOUNT_INACTIVE)
    # Lock the owner's row so two parallel creations cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if active_tokens(user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(TOO_MANY_TOKENS)
    now = timezone.now()
    for _attempt in range(5):
        prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name[:100],
                    prefix=prefix,
                    secret_hash=secret_digest(secret),
                    expires_at=now + datetime.timedelta(days=days),
                )
            break
        except IntegrityError:  # a prefix collision (48 random bits): draw again
            continue
    else:  # pragma: no cover - five collisions in a row mean the random source is broken
        raise RuntimeError("could not draw a unique token prefix")
    event_record(
        action="api.token.created",
        actor=user,
        target=token,
        unit=user.registered_unit,
        ip_address=ip_address,
        data={"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at},
    )
    return IssuedToken(token=token, plaintext=f"{TOKEN_SCHEME}_{prefix}_{secret}")


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, ip_address: str | None = None) -> ApiToken:
    """Revoke one of the actor's own tokens. The row stays, with who revoked it and when."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk:
        raise PermissionDenied(NOT_OWNER)
    if token.revoked_at is not None:
        raise ValidationError(ALREADY_REVOKED)
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    event_record(
        action="api.token.revoked",
        actor=actor,
        target=token,
        unit=actor.registered_unit,
        ip_address=ip_address,
        data={"name": token.name, "prefix": token.prefix},
    )
    return token


def api_token_authenticate(*, plaintext: str, ip_address: str | None = None) -> ApiToken:
    """Return the token that `plaintext` proves, with its user loaded, or raise TokenRefused.

    The status (expired, revoked, inactive owner) is told only to someone who holds the right secret.
    """
    parts = _split(plaintext)
    if parts is None:
        raise TokenRefused(TokenRefused.TOKEN_INVALID)
    prefix, secret = parts
    # The HR record comes in the same query; a national ID missing from it (UNKNOWN_PERSON) reads as None.
    token = (
        ApiToken.objects.select_related("user__official__position", "user__official__level")
        .filter(prefix=prefix)
        .first()
    )
    # Compare digests even when no row matched, so timing does not tell which prefixes exist.
    expected = token.secret_hash if token is not None else "0" * 64
    if not hmac.compare_digest(secret_digest(secret), expected) or token is None:
        raise TokenRefused(TokenRefused.TOKEN_INVALID)
    now = timezone.now()
    status = token.status_on(now)
    if status == ApiToken.Status.REVOKED:
        raise TokenRefused(TokenRefused.TOKEN_REVOKED)
    if status == ApiToken.Status.EXPIRED:
        raise TokenRefused(TokenRefused.TOKEN_EXPIRED)
    if not token.user.is_active:
        raise TokenRefused(TokenRefused.ACCOUNT_INACTIVE)
    # A lock stops the account on every door from where it was locked: whoever guessed its password there must not
    # go on with its tokens. Elsewhere the holder's scripts keep working, as the holder's own login does.
    if locked_usernames(ip_address=ip_address).filter(username=token.user.username).exists():
        raise TokenRefused(TokenRefused.ACCOUNT_LOCKED)
    if (
        token.last_used_at is None
        or now - token.last_used_at >= LAST_USED_RESOLUTION
        or token.last_used_ip != ip_address
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip_address)
        token.last_used_at, token.last_used_ip = now, ip_address
    return token
