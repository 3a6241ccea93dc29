"""Review rounds: the centre opens a round (an as-of date and a deadline), every office answers for each of its
accounts, problem by problem. Nothing is accepted or revoked by default: an item nobody answered stays "not verified".
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

CLEAN = "CLEAN"  # the item of an account without any flag: the office confirms it


class ReviewRound(models.Model):
    name = models.CharField(_("ชื่อรอบ"), max_length=200)
    as_of = models.DateField(_("ข้อมูล ณ วันที่"))
    deadline = models.DateField(_("กำหนดส่งผล"))
    note = models.TextField(_("หมายเหตุ"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("เปิดรอบโดย"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("เปิดรอบเมื่อ"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ปิดรอบโดย"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("ปิดรอบเมื่อ"), null=True, blank=True)
    # Changes only: an account whose registration, HR record, orders and held roles read as in its office's last
    # closed round keeps the answers given there (marked carried); the others are answered again.
    changes_only = models.BooleanField(_("เฉพาะที่เปลี่ยนแปลงจากรอบก่อน"), default=False)

    class Meta:
        verbose_name = _("รอบการตรวจสอบสิทธิ์")
        verbose_name_plural = _("รอบการตรวจสอบสิทธิ์")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=F("as_of")), name="review_round_deadline_after_as_of")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoundItem(models.Model):
    """One problem (flag) of one account in one round, or the account's CLEAN item, and the office's answer."""

    class Decision(models.TextChoices):
        NOT_VERIFIED = "not_verified", _("ยังไม่ได้ตรวจสอบ")
        CONFIRMED = "confirmed", _("ยืนยันว่าถูกต้อง")
        FIXED = "fixed", _("แก้ไขแล้ว")
        CHANGE_REQUEST = "change_request", _("ยื่นคำขอเปลี่ยนแปลงข้อมูลแล้ว")
        LEAVER = "leaver", _("รายงานผู้พ้นจากหน้าที่แล้ว")
        EXCEPTION = "exception", _("ยอมรับเป็นข้อยกเว้น")

    round = models.ForeignKey(ReviewRound, verbose_name=_("รอบ"), on_delete=models.PROTECT, related_name="items")
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("บัญชีผู้ใช้งาน"), on_delete=models.PROTECT, related_name="+"
    )
    # The office that answers: the account's registered unit when the round opened.
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("ปัญหา"), max_length=32)
    explanation = models.TextField(_("สิ่งที่พบ"), blank=True)
    decision = models.CharField(
        _("ผลการตรวจสอบ"), max_length=16, choices=Decision, default=Decision.NOT_VERIFIED, db_index=True
    )
    reason = models.TextField(_("เหตุผล"), blank=True)
    exception_until = models.DateField(_("ยกเว้นถึงวันที่"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ตรวจสอบ"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("ตรวจสอบเมื่อ"), null=True, blank=True)
    # What the round read of the account when it opened (audit.rounds.account_snapshot), so the next round can tell
    # what changed; in a changes-only round, what changed since the last one ([{"field", "old", "new"}]).
    snapshot = models.JSONField(_("ข้อมูลเมื่อเปิดรอบ"), default=dict, blank=True)
    changes = models.JSONField(_("สิ่งที่เปลี่ยนแปลงจากรอบก่อน"), default=list, blank=True)
    carried_from = models.ForeignKey(
        "self", verbose_name=_("ยกผลมาจาก"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("รายการตรวจสอบ")
        verbose_name_plural = _("รายการตรวจสอบ")
        ordering = ["round", "unit", "account", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "account", "code"], name="round_item_unique_problem"),
            models.CheckConstraint(
                condition=~Q(decision="exception") | Q(exception_until__isnull=False),
                name="round_item_exception_has_end_date",
            ),
        ]
        indexes = [models.Index(fields=["round", "unit", "decision"])]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.account_id}:{self.code}"

    @property
    def is_decided(self) -> bool:
        return self.decision != self.Decision.NOT_VERIFIED

    @property
    def is_carried(self) -> bool:
        return self.carried_from_id is not None


class RoundReminder(models.Model):
    """One reminder sent, so a daily run twice in a day does not mail anyone twice."""

    round = models.ForeignKey(ReviewRound, verbose_name=_("รอบ"), on_delete=models.PROTECT, related_name="reminders")
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("ประเภท"), max_length=32)  # "due-7", "overdue", "escalation"
    sent_on = models.DateField(_("วันที่ส่ง"))
    recipients = models.PositiveIntegerField(_("จำนวนผู้รับ"), default=0)

    class Meta:
        verbose_name = _("อีเมลเตือน")
        verbose_name_plural = _("อีเมลเตือน")
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "kind", "sent_on"], name="round_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.unit_id}:{self.kind}:{self.sent_on}"
