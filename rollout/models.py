"""A rollout of a system to the offices (the e-Bill circular, มท ๐๓๐๓/ว ๑๔๔๑ ค): who is nominated, when they register,
when the trial runs, when its data is purged and when the system goes live. The rules are in rollout.services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Official, TimeStampedModel, Unit, User
from lifecycle.models import Decided
from rights.models import AssignmentOrder, Role

# (earlier field, later field, may they fall on the same day): the calendar of a rollout, in order.
DATE_ORDER = (
    ("nomination_deadline", "registration_from", True),
    ("registration_from", "registration_to", True),
    ("registration_from", "trial_from", True),
    ("trial_from", "trial_to", True),
    ("trial_to", "purge_on", False),
    ("purge_on", "go_live_on", False),
)
DATES_OUT_OF_ORDER = _("%(later)s ต้องอยู่หลัง%(earlier)s")
DATES_OUT_OF_ORDER_SAME_DAY = _("%(later)s ต้องไม่ก่อน%(earlier)s")


class Rollout(TimeStampedModel):
    """One rollout: its roles, its calendar and the quota of each office. Never deleted, only edited."""

    name = models.CharField(_("ชื่อแผนการเปิดใช้งาน"), max_length=200)
    roles = models.ManyToManyField(Role, verbose_name=_("บทบาทที่เปิดให้เสนอชื่อ"), related_name="+")
    nomination_deadline = models.DateField(_("กำหนดส่งรายชื่อ"))
    registration_from = models.DateField(_("เริ่มลงทะเบียน"))
    registration_to = models.DateField(_("สิ้นสุดการลงทะเบียน"))
    trial_from = models.DateField(_("เริ่มทดลองใช้งาน"))
    trial_to = models.DateField(_("สิ้นสุดการทดลองใช้งาน"))
    purge_on = models.DateField(_("วันลบข้อมูลช่วงทดลอง"))
    go_live_on = models.DateField(_("วันเริ่มใช้งานจริง"))
    trainees_per_office = models.PositiveSmallIntegerField(_("ผู้เข้ารับการอบรมต่อหน่วยงาน"), default=1)
    max_users_per_office = models.PositiveSmallIntegerField(_("ผู้ใช้งานสูงสุดต่อหน่วยงาน"), default=3)
    created_by = models.ForeignKey(User, verbose_name=_("สร้างโดย"), on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        AssignmentOrder, verbose_name=_("คำสั่งมอบหมาย"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The steps of the calendar already taken (rollout_apply_calendar), so that a second run does nothing.
    trial_started_at = models.DateTimeField(_("เริ่มช่วงทดลองเมื่อ"), null=True, blank=True)
    purged_at = models.DateTimeField(_("ลบข้อมูลช่วงทดลองเมื่อ"), null=True, blank=True)
    went_live_at = models.DateTimeField(_("เริ่มใช้งานจริงเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("แผนการเปิดใช้งานระบบ")
        verbose_name_plural = _("แผนการเปิดใช้งานระบบ")
        ordering = ["-nomination_deadline", "-pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        for earlier, later, same_day in DATE_ORDER:
            first, second = getattr(self, earlier), getattr(self, later)
            if first is None or second is None or later in errors:
                continue
            if second < first or (second == first and not same_day):
                message = DATES_OUT_OF_ORDER_SAME_DAY if same_day else DATES_OUT_OF_ORDER
                errors[later] = ValidationError(message % {
                    "later": self._meta.get_field(later).verbose_name,
                    "earlier": self._meta.get_field(earlier).verbose_name,
                })
        if self.max_users_per_office is not None and self.max_users_per_office < 1:
            errors["max_users_per_office"] = ValidationError(_("ผู้ใช้งานสูงสุดต่อหน่วยงานต้องมีอย่างน้อย 1 คน"))
        if errors:
            raise ValidationError(errors)

    def registration_open(self, on) -> bool:
        return self.registration_from <= on <= self.registration_to


class Nomination(Decided, models.Model):
    """An office's nomination of a person of its HR record for a role of a rollout, decided by the centre."""

    class Status(models.TextChoices):
        PENDING = "pending", _("รอพิจารณา")
        ACCEPTED = "accepted", _("รับรายชื่อแล้ว")
        REFUSED = "refused", _("ไม่รับรายชื่อ")
        WITHDRAWN = "withdrawn", _("ถอนรายชื่อแล้ว")

    rollout = models.ForeignKey(Rollout, verbose_name=_("แผนการเปิดใช้งาน"), on_delete=models.PROTECT,
                                related_name="nominations")
    official = models.ForeignKey(
        Official, verbose_name=_("ผู้ได้รับการเสนอชื่อ"), to_field="national_id", db_column="national_id",
        on_delete=models.PROTECT, related_name="+",
    )
    role = models.ForeignKey(Role, verbose_name=_("บทบาท"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("เหตุผลที่เสนอชื่อ"), blank=True)
    trainee = models.BooleanField(_("เข้ารับการอบรม"), default=False)
    filed_by = models.ForeignKey(User, verbose_name=_("ผู้เสนอชื่อ"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("สถานะ"), max_length=16, choices=Status, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(_("เสนอชื่อเมื่อ"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("การเสนอชื่อ")
        verbose_name_plural = _("การเสนอชื่อ")
        ordering = ["unit__path", "pk"]
        indexes = [models.Index(fields=["rollout", "unit", "status"], name="nomination_office_idx")]

    def __str__(self) -> str:
        return f"{self.official_id} {self.role_id}@{self.unit_id}"

    @property
    def is_open(self) -> bool:
        """Still counted: pending or accepted."""
        return self.status in (self.Status.PENDING, self.Status.ACCEPTED)
