"""The account lifecycle: change requests and leaver reports (lifecycle.services holds the rules). The tables keep
their accounts_ names: these models moved here from accounts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, Position, TimeStampedModel, Unit, User
from rights.models import ORDER_NUMBER_VALIDATOR


def one_pending_per_account(name: str) -> models.UniqueConstraint:
    """At most one request or report of an account waits for a decision at a time."""
    return models.UniqueConstraint(fields=["account"], condition=Q(status="pending"), name=name)


class Decided(models.Model):
    """Who decided a request or report, when and why: set once, by someone other than its filer (lifecycle.services)."""

    decided_by = models.ForeignKey(
        User, verbose_name=_("ผู้พิจารณา"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True)
    decision_reason = models.TextField(_("เหตุผลการพิจารณา"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class ChangeRequest(Decided, TimeStampedModel):
    """An account holder's request to correct their registration data, citing the order that backs it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("รอพิจารณา")
        APPROVED = "approved", _("อนุมัติแล้ว")
        REJECTED = "rejected", _("ไม่อนุมัติ")
        WITHDRAWN = "withdrawn", _("ถอนคำขอแล้ว")

    account = models.ForeignKey(
        User, verbose_name=_("บัญชีผู้ใช้งาน"), on_delete=models.PROTECT, related_name="change_requests"
    )
    filed_by = models.ForeignKey(User, verbose_name=_("ผู้ยื่นคำขอ"), on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey(Position, verbose_name=_("ตำแหน่งที่ขอแก้ไขเป็น"), on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, verbose_name=_("ระดับที่ขอแก้ไขเป็น"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("หน่วยงานที่ขอแก้ไขเป็น"), on_delete=models.PROTECT, related_name="+")
    order_number = models.CharField(_("เลขที่คำสั่งอ้างอิง"), max_length=20, validators=[ORDER_NUMBER_VALIDATOR])
    order_date = models.DateField(_("วันที่ของคำสั่ง"))
    attachment = models.FileField(_("สำเนาคำสั่ง (PDF)"), upload_to="change-requests/%Y/", blank=True)
    note = models.TextField(_("คำชี้แจง"), blank=True)
    status = models.CharField(_("สถานะ"), max_length=16, choices=Status, default=Status.PENDING, db_index=True)
    # The registration data that approval overwrote: nothing is overwritten without a record of the old value.
    previous_position = models.ForeignKey(
        Position, verbose_name=_("ตำแหน่งเดิม"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous_level = models.ForeignKey(
        Level, verbose_name=_("ระดับเดิม"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous_unit = models.ForeignKey(
        Unit, verbose_name=_("หน่วยงานเดิม"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "accounts_changerequest"
        verbose_name = _("คำขอเปลี่ยนแปลงข้อมูลผู้ปฏิบัติงาน")
        verbose_name_plural = _("คำขอเปลี่ยนแปลงข้อมูลผู้ปฏิบัติงาน")
        ordering = ["-created_at"]
        constraints = [
            one_pending_per_account("change_request_one_pending_per_account"),
        ]

    def __str__(self) -> str:
        return f"คำขอเปลี่ยนแปลงข้อมูล #{self.pk} ({self.account_id})"


class LeaverReport(Decided, TimeStampedModel):
    """An office's report that an account's holder left (retired, transferred, resigned, deceased).

    Decided by the central bureau: accepting it deactivates the account; returning it needs a reason.
    """

    class Reason(models.TextChoices):
        RETIRED = "retired", _("เกษียณอายุราชการ")
        TRANSFERRED = "transferred", _("ย้ายไปปฏิบัติราชการที่อื่น")
        RESIGNED = "resigned", _("ลาออก")
        DECEASED = "deceased", _("ถึงแก่กรรม")

    class Status(models.TextChoices):
        PENDING = "pending", _("รอส่วนกลางพิจารณา")
        ACCEPTED = "accepted", _("ระงับการใช้งานแล้ว")
        RETURNED = "returned", _("ส่งคืน")

    account = models.ForeignKey(User, verbose_name=_("บัญชีผู้ใช้งาน"), on_delete=models.PROTECT, related_name="leaver_reports")
    reason = models.CharField(_("เหตุที่พ้นจากหน้าที่"), max_length=16, choices=Reason)
    left_on = models.DateField(_("วันที่พ้นจากหน้าที่"))
    evidence = models.FileField(_("หลักฐาน (PDF)"), upload_to="leavers/%Y/", blank=True)
    note = models.TextField(_("หมายเหตุ"), blank=True)
    reported_by = models.ForeignKey(User, verbose_name=_("ผู้รายงาน"), on_delete=models.PROTECT, related_name="+")
    # The account's registered unit when reported: the office that reported it sees the outcome there.
    unit = models.ForeignKey(Unit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="leaver_reports")
    status = models.CharField(_("สถานะ"), max_length=16, choices=Status, default=Status.PENDING, db_index=True)

    class Meta:
        db_table = "accounts_leaverreport"
        verbose_name = _("รายงานผู้พ้นจากหน้าที่")
        verbose_name_plural = _("รายงานผู้พ้นจากหน้าที่")
        ordering = ["-created_at"]
        constraints = [
            one_pending_per_account("leaver_report_one_pending_per_account"),
        ]

    def __str__(self) -> str:
        return f"รายงานผู้พ้นจากหน้าที่ #{self.pk} ({self.account_id})"
