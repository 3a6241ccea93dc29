"""The registry: units, levels, positions, the HR record, accounts, roles, policies and assignment orders."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Cast, Length, Substr
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.national_id import validate_national_id


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("แก้ไขเมื่อ"), auto_now=True)

    class Meta:
        abstract = True


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """Return the unit and every unit below it, in one query on the materialised path."""
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    """An office in the tree: the department, its central bureaus, province offices and district offices."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("กรม")
        BUREAU = "bureau", _("สำนัก/กองส่วนกลาง")
        PROVINCE = "province", _("ที่ทำการปกครองจังหวัด")
        DISTRICT = "district", _("ที่ทำการปกครองอำเภอ")

    code = models.CharField(_("รหัส"), max_length=32, unique=True)
    kind = models.CharField(_("ประเภท"), max_length=16, choices=Kind)
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=200)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("หน่วยงานต้นสังกัด"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/DOPA/47/4701/": the subtree of a unit is every path that starts with its own (one indexed LIKE query).
    path = models.CharField(_("เส้นทาง"), max_length=255, unique=True, editable=False)
    # Bangkok's khet are run by the Bangkok Metropolitan Administration, not by DOPA district offices.
    is_bma = models.BooleanField(_("อยู่ในความดูแลของกรุงเทพมหานคร"), default=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("หน่วยงาน")
        verbose_name_plural = _("หน่วยงาน")
        ordering = ["path"]
        permissions = []  # role-holding permissions are created per role, see Role.permission

    def __str__(self) -> str:
        return self.name_th

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.DISTRICT:
            return f"ที่ทำการปกครองอำเภอ{self.name_th}" if not self.is_bma else f"สำนักงานเขต{self.name_th}"
        if self.kind == self.Kind.PROVINCE:
            return f"ที่ทำการปกครองจังหวัด{self.name_th}"
        return self.name_th

    @staticmethod
    def path_for(code: str, parent: Unit | None) -> str:
        return f"{parent.path if parent else '/'}{code}/"

    def is_within(self, ancestor: Unit) -> bool:
        return self.path.startswith(ancestor.path)


class Level(models.Model):
    """An OCSC position classification level; ranks compare only within one track."""

    class Track(models.TextChoices):
        GENERAL = "O", _("ทั่วไป")
        KNOWLEDGE = "K", _("วิชาการ")
        MANAGERIAL = "M", _("อำนวยการ")
        EXECUTIVE = "S", _("บริหาร")

    code = models.CharField(_("รหัส ก.พ."), max_length=4, unique=True)
    track = models.CharField(_("ประเภทตำแหน่ง"), max_length=1, choices=Track)
    rank = models.PositiveSmallIntegerField(_("ลำดับในประเภท"))
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=100)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=100)

    class Meta:
        verbose_name = _("ระดับ")
        verbose_name_plural = _("ระดับ")
        ordering = ["track", "rank"]
        constraints = [models.UniqueConstraint(fields=["track", "rank"], name="level_unique_rank_in_track")]

    def __str__(self) -> str:
        return f"{self.name_th} ({self.code})"

    def is_at_least(self, minimum: Level) -> bool:
        return self.track == minimum.track and self.rank >= minimum.rank


class Position(models.Model):
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=100, unique=True)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=100)
    track = models.CharField(_("ประเภทตำแหน่ง"), max_length=1, choices=Level.Track)

    class Meta:
        verbose_name = _("ตำแหน่ง")
        verbose_name_plural = _("ตำแหน่ง")
        ordering = ["name_th"]

    def __str__(self) -> str:
        return self.name_th


def retirement_date_for(birth_date: datetime.date, *, age: int | None = None) -> datetime.date:
    """Return the last day of service: 30 September of the fiscal year holding the day before the birthday at `age`.

    A person completes a year of age the day before the birthday (พ.ร.บ.บำเหน็จบำนาญข้าราชการ 2494 ม.19), and
    service ends on 30 September of the fiscal year (1 Oct - 30 Sep) in which the person completes 60 years.
    """
    age = settings.RETIREMENT_AGE if age is None else age
    try:
        birthday = birth_date.replace(year=birth_date.year + age)
    except ValueError:  # born 29 February, birthday year not a leap year
        birthday = datetime.date(birth_date.year + age, 3, 1)
    completes_age_on = birthday - datetime.timedelta(days=1)
    fiscal_year_end = completes_age_on.year + (1 if completes_age_on.month >= 10 else 0)
    return datetime.date(fiscal_year_end, 9, 30)


class Official(TimeStampedModel):
    """A person in the HR record. The HR record, not what a user declared, decides what the person may do."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("ปฏิบัติราชการ")
        RETIRED = "retired", _("เกษียณ")
        TRANSFERRED = "transferred", _("ย้าย")
        RESIGNED = "resigned", _("ลาออก")
        DECEASED = "deceased", _("ถึงแก่กรรม")

    national_id = models.CharField(_("เลขประจำตัวประชาชน"), max_length=13, unique=True, validators=[validate_national_id])
    title = models.CharField(_("คำนำหน้า"), max_length=50, blank=True)
    first_name = models.CharField(_("ชื่อ"), max_length=100)
    last_name = models.CharField(_("นามสกุล"), max_length=100)
    position = models.ForeignKey(Position, verbose_name=_("ตำแหน่ง"), on_delete=models.PROTECT)
    level = models.ForeignKey(Level, verbose_name=_("ระดับ"), on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="officials")
    status = models.CharField(_("สถานะการรับราชการ"), max_length=16, choices=Status, default=Status.ACTIVE)
    birth_date = models.DateField(_("วันเกิด"), null=True, blank=True)
    # Derived from birth_date (kept in sync by save() and the importers) so the audit can filter on it in SQL.
    retirement_date = models.DateField(_("วันเกษียณอายุราชการ"), null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("ข้าราชการ")
        verbose_name_plural = _("ข้าราชการ")
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_retirement_date()
        if kwargs.get("update_fields") is not None and "birth_date" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "retirement_date"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}".strip()

    def refresh_retirement_date(self) -> None:
        self.retirement_date = retirement_date_for(self.birth_date) if self.birth_date else None


class User(AbstractUser):
    """A login of an official, carrying the registration data the person declared."""

    # The HR record is reached through the national ID, which may be missing from it (the UNKNOWN_PERSON flag):
    # hence a foreign key on the ID itself, without a database constraint.
    official = models.ForeignKey(
        Official,
        verbose_name=_("เลขประจำตัวประชาชน"),
        to_field="national_id",
        db_column="national_id",
        db_constraint=False,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="accounts",
    )
    registered_position = models.ForeignKey(
        Position, verbose_name=_("ตำแหน่งที่ลงทะเบียน"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_level = models.ForeignKey(
        Level, verbose_name=_("ระดับที่ลงทะเบียน"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_unit = models.ForeignKey(
        Unit, verbose_name=_("หน่วยงานที่ลงทะเบียน"), null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    deactivated_at = models.DateTimeField(_("ระงับการใช้งานเมื่อ"), null=True, blank=True)
    deactivation_reason = models.CharField(_("เหตุผลที่ระงับการใช้งาน"), max_length=255, blank=True)
    # Raised when the second factor changes: part of the session hash, so every other session of the account ends
    # (Django already ends them when the password changes, since the hash is made from it).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("ผู้ใช้งานระบบ")
        verbose_name_plural = _("ผู้ใช้งานระบบ")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.username

    @property
    def national_id(self) -> str:
        return self.official_id or ""

    def _get_session_auth_hash(self, secret=None):
        # Sessions made before any second-factor change keep the hash Django gave them.
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "accounts.User.get_session_auth_hash"
        return salted_hmac(key_salt, f"{self.password}:{self.session_epoch}", secret=secret, algorithm="sha256").hexdigest()


class UnitUserObjectPermission(UserObjectPermissionBase):
    """A role held by an account at one unit (django-guardian with a direct foreign key, so audits can join it)."""

    content_object = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="user_permissions")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("สิทธิ์ที่ถือ")
        verbose_name_plural = _("สิทธิ์ที่ถือ")


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="group_permissions")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("สิทธิ์ของกลุ่ม")
        verbose_name_plural = _("สิทธิ์ของกลุ่ม")


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
        """Which office may record an order line for the role and confirm or apply it (accounts.rules.grant_refusal)."""

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
        verbose_name = _("บทบาท")
        verbose_name_plural = _("บทบาท")
        ordering = ["code"]
        # The menus a role can open. Views check them against the unit the role is held at (see accounts.rights).
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
        verbose_name = _("เงื่อนไขสิทธิ์")
        verbose_name_plural = _("เงื่อนไขสิทธิ์")
        ordering = ["role__code", "effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="policy_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_in_force(self, on: datetime.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class AssignmentOrder(TimeStampedModel):
    """A written order (คำสั่งมอบหมายให้ปฏิบัติหน้าที่) whose lines assign officials to roles at units."""

    number = models.CharField(
        _("เลขที่คำสั่ง"), max_length=20, validators=[RegexValidator(r"^\d{1,6}/\d{4}$", _("ใช้รูปแบบ 123/2569"))]
    )
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
        """Lines that grant on `on`: accounts.rules.line_in_force, as a filter."""
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
        """The spec's order of precedence, as accounts.rules.line_precedence: greatest effective_from, then
        order_date, then the order number as year and serial (12/2569 after 9/2569)."""
        return self.order_by(
            "-effective_from", "-order__order_date", "-order__number_year", "-order__number_serial", "-pk"
        )


class OrderLine(models.Model):
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
        verbose_name = _("รายการในคำสั่ง")
        verbose_name_plural = _("รายการในคำสั่ง")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="order_line_valid_range",
            ),
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


# ---------------------------------------------------------------------------------------------------------------
# The account lifecycle: change requests and leaver reports (see accounts/lifecycle.py for the rules)

ORDER_NUMBER_VALIDATOR = RegexValidator(r"^\d{1,6}/\d{4}$", _("ใช้รูปแบบ 123/2569"))


class ChangeRequest(TimeStampedModel):
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
    decided_by = models.ForeignKey(
        User, verbose_name=_("ผู้พิจารณา"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True)
    decision_reason = models.TextField(_("เหตุผลการพิจารณา"), blank=True)

    class Meta:
        verbose_name = _("คำขอเปลี่ยนแปลงข้อมูลผู้ปฏิบัติงาน")
        verbose_name_plural = _("คำขอเปลี่ยนแปลงข้อมูลผู้ปฏิบัติงาน")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(status="pending"), name="change_request_one_pending_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"คำขอเปลี่ยนแปลงข้อมูล #{self.pk} ({self.account_id})"


class LeaverReport(TimeStampedModel):
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
    decided_by = models.ForeignKey(
        User, verbose_name=_("ผู้พิจารณา"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("พิจารณาเมื่อ"), null=True, blank=True)
    decision_reason = models.TextField(_("เหตุผลการพิจารณา"), blank=True)

    class Meta:
        verbose_name = _("รายงานผู้พ้นจากหน้าที่")
        verbose_name_plural = _("รายงานผู้พ้นจากหน้าที่")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(status="pending"), name="leaver_report_one_pending_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"รายงานผู้พ้นจากหน้าที่ #{self.pk} ({self.account_id})"


class DeniedAccess(models.Model):
    """Requests refused to an account, counted per account, address and hour (accounts.denials).

    A 403, or a 404 on a page that exists (outside one's scope looks like missing, on purpose), or a refused grant.
    One row per hour however many requests, so an account probing outside its scope shows up to its reviewers
    without one row per request; the event log gets the first of each hour and the one that makes it repeated.
    """

    class Kind(models.TextChoices):
        FORBIDDEN = "forbidden", _("ไม่มีสิทธิ์ (403)")
        NOT_FOUND = "not_found", _("นอกขอบเขตหรือไม่มีรายการ (404)")
        REFUSED = "refused", _("ขอให้สิทธิ์เกินอำนาจ")

    account = models.ForeignKey(User, on_delete=models.PROTECT, related_name="denied_accesses")
    ip_address = models.CharField(_("หมายเลข IP"), max_length=45, blank=True)  # "" when unknown, so it can be unique
    hour = models.DateTimeField(_("ชั่วโมง"))
    count = models.PositiveIntegerField(_("จำนวนครั้ง"), default=0)
    forbidden = models.PositiveIntegerField(default=0)
    not_found = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    first_path = models.CharField(max_length=300, blank=True)
    last_path = models.CharField(max_length=300, blank=True)
    last_at = models.DateTimeField()

    class Meta:
        verbose_name = _("การเข้าถึงที่ถูกปฏิเสธ")
        verbose_name_plural = _("การเข้าถึงที่ถูกปฏิเสธ")
        constraints = [
            models.UniqueConstraint(fields=["account", "ip_address", "hour"], name="denied_access_once_per_hour"),
        ]
        indexes = [models.Index(fields=["hour"], name="denied_access_hour")]

    def __str__(self) -> str:
        return f"{self.account_id}@{self.ip_address} {self.hour:%Y-%m-%d %H}: {self.count}"


class RateCounter(models.Model):
    """Requests counted for one client and limit in the current window (accounts.ratelimit), shared by every server
    process because it lives in the database: the API's rate per token, account or address, and the login
    throttle's once-per-window event."""

    key = models.CharField(max_length=200, primary_key=True)
    window_number = models.BigIntegerField()  # seconds since the epoch // the window's length
    window_seconds = models.PositiveIntegerField()
    hits = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ตัวนับคำขอ")
        verbose_name_plural = _("ตัวนับคำขอ")

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"


class BackupCodeDevice(Device):
    """The one-time backup codes of an account's second factor, for a lost phone: shown once, stored hashed.

    The codes carry about 50 bits each, so one PBKDF2 round per attempt (salted per account) keeps a stolen table
    from giving them back, without trying ten slow hashes on every code typed.
    """

    salt = models.CharField(max_length=32)
    code_hashes = models.JSONField(default=list)

    class Meta(Device.Meta):
        verbose_name = _("รหัสสำรองสำหรับยืนยันตัวตน")
        verbose_name_plural = _("รหัสสำรองสำหรับยืนยันตัวตน")

    def hash_of(self, code: str) -> str:
        normalized = "".join(ch for ch in code.lower() if ch.isalnum())
        return hashlib.pbkdf2_hmac("sha256", normalized.encode(), self.salt.encode(), 50_000).hex()

    def verify_token(self, token) -> bool:
        digest = self.hash_of(str(token))
        with transaction.atomic():
            device = type(self).objects.select_for_update().get(pk=self.pk)
            if digest not in device.code_hashes:
                return False
            device.code_hashes = [h for h in device.code_hashes if h != digest]
            device.save(update_fields=["code_hashes"])
        self.code_hashes = device.code_hashes
        return True

    @property
    def codes_left(self) -> int:
        return len(self.code_hashes)



class ActivationCode(models.Model):
    """A one-time way in for an account that has no password yet: no password is ever handed out.

    A link goes by email; a printed code is handed to the holder by their office, for offices without email. Only the
    SHA-256 of the secret is kept: the secret is long and random, so a slow hash would buy nothing.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("ลิงก์ทางอีเมล")
        PRINTED = "printed", _("รหัสพิมพ์มอบให้")

    account = models.ForeignKey(User, on_delete=models.PROTECT, related_name="activation_codes")
    channel = models.CharField(_("ช่องทาง"), max_length=16, choices=Channel)
    secret_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("ออกเมื่อ"), auto_now_add=True)
    expires_at = models.DateTimeField(_("หมดอายุเมื่อ"))
    used_at = models.DateTimeField(_("ใช้เมื่อ"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("ถูกแทนที่เมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("รหัสเปิดใช้งานบัญชี")
        verbose_name_plural = _("รหัสเปิดใช้งานบัญชี")
        indexes = [models.Index(fields=["account", "-issued_at"], name="activation_code_account")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.channel} {self.issued_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash_of(secret: str) -> str:
        return hashlib.sha256("".join(ch for ch in secret.lower() if ch.isalnum()).encode()).hexdigest()
