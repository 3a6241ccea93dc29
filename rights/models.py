"""Rights: roles and their menus, the policies that limit who may hold them, and the written assignment orders
whose confirmed lines grant them. The tables keep their accounts_ names: these models moved here from accounts."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast, Length, Substr
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, Official, Position, TimeStampedModel, Unit
from core.national_id import validate_national_id


def effective_range_constraint(name: str) -> models.CheckConstraint:
    """effective_to, when there is one, is not before effective_from."""
    return models.CheckConstraint(
        condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")), name=name
    )


ORDER_NUMBER_VALIDATOR = RegexValidator(r"^\d{1,6}/\d{4}$", _("ใช้รูปแบบ 123/2569"))


class Role(models.Model):
    """A named bundle of menus. Holding it at a unit is the guardian object permission `permission` on that unit."""

    code = models.CharField(
        _("รหัส"), max_length=40, unique=True, validators=[RegexValidator(r"^[A-Z][A-Z0-9_]*$")]
    )
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=200)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200)
    permission = models.OneToOneField(
        Permission, verbose_name=_("สิทธิ์การถือบทบาท"), on_delete=models.PROTECT, related_name="role", editable=False
    )
    menus = models.ManyToManyField(Permission, verbose_name=_("เมนู"), blank=True, related_name="menu_of_roles")
    class GrantedBy(models.TextChoices):
        """Which office may record an order line for the role and confirm or apply it (rights.rules.grant_refusal)."""

        CENTRE = "centre", _("ส่วนกลาง (ผู้มีขอบเขตทั่วประเทศ)")
        PROVINCE = "province", _("ที่ทำการปกครองจังหวัดที่อยู่เหนือหน่วยงาน หรือส่วนกลาง")
        DISTRICT = "district", _("ที่ทำการปกครองอำเภอของหน่วยงานนั้นขึ้นไป")

    # The central bureau's admins act for the whole country wherever their role is held.
    national_scope = models.BooleanField(_("ขอบเขตทั่วประเทศ"), default=False)
    # Reviewers and the centre's admins can grant, revoke and deactivate: ASVS level 2 asks a second factor of them.
    requires_second_factor = models.BooleanField(
        _("ต้องยืนยันตัวตนสองขั้นตอน"), default=False,
        help_text=_("ผู้ถือบทบาทนี้ต้องลงทะเบียนและใช้รหัสจากแอปยืนยันตัวตน (TOTP) ทุกครั้งที่เข้าสู่ระบบ"),
    )
    granted_by = models.CharField(
        _("ผู้มีอำนาจให้สิทธิ์"), max_length=16, choices=GrantedBy, default=GrantedBy.CENTRE,
        help_text=_("หน่วยงานที่บันทึกคำสั่ง ยืนยันคำสั่ง และปรับสิทธิ์ตามคำสั่งสำหรับบทบาทนี้ได้"),
    )

    class Meta:
        db_table = "accounts_role"
        verbose_name = _("บทบาท")
        verbose_name_plural = _("บทบาท")
        ordering = ["code"]
        # The menus a role can open. Views check them against the unit the role is held at (see rights.scope).
        permissions = [
            ("menu_issue_receipts", _("ออกและยกเลิกใบเสร็จรับเงิน")),
            ("menu_review_accounts", _("ตรวจสอบสิทธิ์ผู้ใช้งานในหน่วยงาน")),
            ("menu_decide_change_requests", _("พิจารณาคำขอเปลี่ยนแปลงข้อมูล")),
            ("menu_report_leavers", _("รายงานผู้พ้นจากหน้าที่")),
            ("menu_import_registry", _("นำเข้าข้อมูลทะเบียน")),
            ("menu_record_orders", _("บันทึกคำสั่งมอบหมาย")),
            ("menu_deactivate_accounts", _("ระงับการใช้งานบัญชี")),
            ("menu_manage_reference_data", _("ดูแลข้อมูลอ้างอิงและเงื่อนไขสิทธิ์")),
            ("menu_view_event_log", _("ดูบันทึกเหตุการณ์")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    @staticmethod
    def codename_for(code: str) -> str:
        return f"hold_{code.lower()}"


class Policy(TimeStampedModel):
    """An effective-dated rule on a role. Empty lists mean "no restriction" on that dimension."""

    role = models.ForeignKey(Role, verbose_name=_("บทบาท"), on_delete=models.PROTECT, related_name="policies")
    name = models.CharField(_("ชื่อ"), max_length=200)
    source = models.CharField(_("หนังสือสั่งการ"), max_length=255, blank=True, help_text=_("หนังสือสั่งการที่เป็นที่มาของเงื่อนไข"))
    effective_from = models.DateField(_("มีผลตั้งแต่"))
    effective_to = models.DateField(_("มีผลถึง"), null=True, blank=True)
    allowed_positions = models.ManyToManyField(Position, verbose_name=_("ตำแหน่งที่อนุญาต"), blank=True)
    # At most one minimum per track; a track not named here is not allowed (when any minimum is named).
    minimum_levels = models.ManyToManyField(Level, verbose_name=_("ระดับขั้นต่ำในแต่ละประเภท"), blank=True)
    max_holders_per_unit = models.PositiveSmallIntegerField(_("จำนวนผู้ถือสิทธิ์สูงสุดต่อหน่วยงาน"), null=True, blank=True)

    class Meta:
        db_table = "accounts_policy"
        verbose_name = _("เงื่อนไขสิทธิ์")
        verbose_name_plural = _("เงื่อนไขสิทธิ์")
        ordering = ["role__code", "effective_from"]
        constraints = [
            effective_range_constraint("policy_valid_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_in_force(self, on: datetime.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class AssignmentOrder(TimeStampedModel):
    """A written order (คำสั่งมอบหมายให้ปฏิบัติหน้าที่) whose lines assign officials to roles at units."""

    number = models.CharField(_("เลขที่คำสั่ง"), max_length=20, validators=[ORDER_NUMBER_VALIDATOR])
    order_date = models.DateField(_("วันที่ออกคำสั่ง"))
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("หน่วยงานที่ออกคำสั่ง"), on_delete=models.PROTECT, related_name="issued_orders"
    )
    signer = models.CharField(_("ผู้ลงนาม"), max_length=200, blank=True)
    scan = models.FileField(_("ไฟล์คำสั่ง (PDF)"), upload_to="orders/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("บันทึกโดย"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("ยกเลิกเมื่อ"), null=True, blank=True)
    revocation_reason = models.CharField(_("เหตุผลที่ยกเลิก"), max_length=255, blank=True)
    # "123/2569" as year 2569 and serial 123, kept by the database, so the spec's "latest" line is an ORDER BY
    # (12/2569 after 9/2569) on every path that writes an order, bulk inserts included.
    number_year = models.GeneratedField(
        expression=Cast(Substr("number", Length("number") - 3), models.IntegerField()),
        output_field=models.IntegerField(), db_persist=True, verbose_name=_("ปีของเลขที่คำสั่ง"),
    )
    number_serial = models.GeneratedField(
        expression=Cast(Substr("number", 1, Length("number") - 5), models.IntegerField()),
        output_field=models.IntegerField(), db_persist=True, verbose_name=_("ลำดับของเลขที่คำสั่ง"),
    )

    class Meta:
        db_table = "accounts_assignmentorder"
        verbose_name = _("คำสั่งมอบหมาย")
        verbose_name_plural = _("คำสั่งมอบหมาย")
        ordering = ["-order_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["issuing_unit", "number"], name="order_number_unique_per_issuer")
        ]

    def __str__(self) -> str:
        return f"คำสั่งที่ {self.number}"


class OrderLineQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date) -> OrderLineQuerySet:
        """Lines that grant on `on`: rights.rules.line_in_force, as a filter."""
        return self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
            effective_from__lte=on,
            confirmed_at__isnull=False,
            order__revoked_at__isnull=True,
        )

    def pending_confirmation(self) -> OrderLineQuerySet:
        """Lines recorded but not yet confirmed by a second person (four eyes), of orders not revoked."""
        return self.filter(confirmed_at__isnull=True, order__revoked_at__isnull=True)

    def latest_first(self) -> OrderLineQuerySet:
        """The spec's order of precedence, as rights.rules.line_precedence: greatest effective_from, then
        order_date, then the order number as year and serial (12/2569 after 9/2569)."""
        return self.order_by(
            "-effective_from", "-order__order_date", "-order__number_year", "-order__number_serial", "-pk"
        )


class OrderLine(models.Model):
    class Acting(models.TextChoices):
        """A line that appoints someone to act in a position for its dates, rather than one in their own."""

        NO = "", _("ในตำแหน่งของตนเอง")
        ACTING = "acting", _("รักษาราชการแทน")
        DEPUTISING = "deputising", _("ปฏิบัติราชการแทน")

    order = models.ForeignKey(AssignmentOrder, verbose_name=_("คำสั่ง"), on_delete=models.PROTECT, related_name="lines")
    # The person as the written order names them. The order is a legal fact whatever the HR record says, so the line
    # keeps the national ID itself (as User.official does, without a database constraint): it reaches the HR record
    # when the ID is there, and reaches it by itself when the HR record arrives later. Never null (a check below);
    # nullable only so that joins to the HR record are outer joins.
    official = models.ForeignKey(
        Official,
        verbose_name=_("เลขประจำตัวประชาชน"),
        to_field="national_id",
        db_column="national_id",
        db_constraint=False,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="order_lines",
        validators=[validate_national_id],
    )
    written_name = models.CharField(_("ชื่อ-นามสกุลตามคำสั่ง"), max_length=200, blank=True)
    role = models.ForeignKey(Role, verbose_name=_("บทบาท"), on_delete=models.PROTECT, related_name="order_lines")
    unit = models.ForeignKey(Unit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="order_lines")
    position = models.ForeignKey(Position, verbose_name=_("ตำแหน่ง"), on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, verbose_name=_("ระดับ"), on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField(_("มีผลตั้งแต่"))
    effective_to = models.DateField(_("มีผลถึง"), null=True, blank=True)
    # An acting line's position and level are those the person acts in: from effective_from to effective_to the
    # rights it grants are judged on them, not on the HR record's (rights.rules.judged_position_level).
    acting = models.CharField(_("การรักษาราชการแทน"), max_length=16, choices=Acting, default=Acting.NO, blank=True)
    # Four eyes: a line grants nothing until someone other than its recorder, with authority over it, confirms it.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("บันทึกโดย"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ยืนยันโดย"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("ยืนยันเมื่อ"), null=True, blank=True)

    objects = OrderLineQuerySet.as_manager()

    class Meta:
        db_table = "accounts_orderline"
        verbose_name = _("รายการในคำสั่ง")
        verbose_name_plural = _("รายการในคำสั่ง")
        ordering = ["order", "pk"]
        constraints = [
            effective_range_constraint("order_line_valid_range"),
            models.CheckConstraint(condition=Q(official__isnull=False), name="order_line_names_a_person"),
        ]
        indexes = [models.Index(fields=["official", "effective_from"], name="orderline_person_from_idx")]

    def __str__(self) -> str:
        return f"{self.order.number}: {self.official_id} {self.role_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def national_id(self) -> str:
        return self.official_id

    @property
    def hr_record(self) -> Official | None:
        """The HR record of the person named, or None when the national ID is not (yet) in it."""
        try:
            return self.official
        except Official.DoesNotExist:
            return None


class ReviewDelegation(models.Model):
    """A reviewer's review handed to an acting reviewer (ผู้รักษาราชการแทน / ผู้ปฏิบัติราชการแทน) for dates.

    From starts_on to ends_on the delegate may review the accounts of `unit` and below, as the delegator may. It is
    never deleted: ending it early records who ended it and when. Delegated review cannot be delegated again.
    """

    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ผู้มอบหมาย"), on_delete=models.PROTECT,
                                  related_name="review_delegations_given")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ผู้ตรวจสอบแทน"), on_delete=models.PROTECT,
                                 related_name="review_delegations_received")
    unit = models.ForeignKey(Unit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("ตั้งแต่วันที่"))
    ends_on = models.DateField(_("ถึงวันที่"))
    reason = models.CharField(_("เหตุผลหรือคำสั่งที่อ้างถึง"), max_length=255)
    created_at = models.DateTimeField(_("มอบหมายเมื่อ"), auto_now_add=True)
    ended_at = models.DateTimeField(_("สิ้นสุดก่อนกำหนดเมื่อ"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("สิ้นสุดโดย"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("การมอบหมายให้ตรวจสอบแทน")
        verbose_name_plural = _("การมอบหมายให้ตรวจสอบแทน")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="review_delegation_valid_range"),
            models.CheckConstraint(condition=~Q(delegate=F("delegator")), name="review_delegation_not_to_oneself"),
        ]
        indexes = [models.Index(fields=["delegate", "starts_on", "ends_on"], name="review_delegation_delegate")]

    def __str__(self) -> str:
        return f"{self.delegator_id} → {self.delegate_id} @{self.unit_id} {self.starts_on}..{self.ends_on}"

    def is_in_force(self, on: datetime.date) -> bool:
        return self.ended_at is None and self.starts_on <= on <= self.ends_on
