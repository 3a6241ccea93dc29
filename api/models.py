"""Personal API tokens: a user creates them on the profile page; each acts with the rights of its owner."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApiToken(models.Model):
    """A personal token. Only the SHA-256 of its secret is stored; the whole token is shown once, at creation.

    The token reads `ra_<prefix>_<secret>`: the prefix finds the row, the secret proves possession. SHA-256 (not a
    slow password hash) is enough because the secret is 256 random bits, which no dictionary or brute force reaches,
    and a slow hash would cost every API request tens of milliseconds.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("ใช้งานได้")
        EXPIRED = "expired", pgettext_lazy("token status", "หมดอายุ")  # the same Thai word also heads the expiry date
        REVOKED = "revoked", _("เพิกถอนแล้ว")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("เจ้าของ"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("ชื่อโทเค็น"), max_length=100)
    prefix = models.CharField(_("รหัสนำหน้า"), max_length=16, unique=True)
    secret_hash = models.CharField(_("ค่าแฮชของรหัสลับ"), max_length=64)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    expires_at = models.DateTimeField(_("หมดอายุเมื่อ"))
    last_used_at = models.DateTimeField(_("ใช้งานล่าสุดเมื่อ"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("ใช้งานล่าสุดจาก IP"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("เพิกถอนเมื่อ"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("เพิกถอนโดย"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("โทเค็น API")
        verbose_name_plural = _("โทเค็น API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="api_token_expires_after_creation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (ra_{self.prefix}…)"

    @property
    def display_prefix(self) -> str:
        return f"ra_{self.prefix}_…"

    def status_on(self, moment: datetime.datetime) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= moment:
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on(timezone.now())

    def get_status_display(self) -> str:
        return self.Status(self.status).label
