"""The append-only, hash-chained event log.

A leaf of the project: every app writes to it and it imports none of them. It keeps the target's type, id and a label
rather than foreign keys, so entries outlive whatever they describe.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class ChainHead(models.Model):
    """One row, locked while an event is appended, so sequence numbers have no gap and the chain no fork."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("หัวสายบันทึกเหตุการณ์")

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


class Event(models.Model):
    seq = models.PositiveBigIntegerField(_("ลำดับ"), unique=True)
    occurred_at = models.DateTimeField(_("เวลา"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้กระทำ"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_constraint=False,
    )
    actor_label = models.CharField(_("ชื่อผู้กระทำ"), max_length=150, blank=True)
    action = models.CharField(_("การกระทำ"), max_length=64, db_index=True)
    target_type = models.CharField(_("ประเภทรายการ"), max_length=64, blank=True)
    target_id = models.CharField(_("รหัสรายการ"), max_length=64, blank=True)
    target_label = models.CharField(_("รายการ"), max_length=255, blank=True)
    # The unit the event concerns, by code, so reviewers can browse the log of their scope.
    unit_path = models.CharField(_("เส้นทางหน่วยงาน"), max_length=255, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("หมายเลข IP"), null=True, blank=True)
    data = models.JSONField(_("รายละเอียด"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("เหตุการณ์")
        verbose_name_plural = _("เหตุการณ์")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_label}"
