"""Organisation and people: units, levels, positions, the HR record (officials) and the accounts of people."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.national_id import validate_national_id


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


class DeniedAccess(models.Model):
    """Requests refused to an account, counted per account, address and hour (rights.denials).

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
