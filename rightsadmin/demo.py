"""A demo world for provinces 47 (สกลนคร) and 49 (มุกดาหาร): staff, orders and accounts, with every audit problem.

Deterministic (seeded), and dated relative to today so that it stays realistic whenever it is built.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from stdnum.th import pin

from accounts.models import Level, Official, Position, Unit, UnitUserObjectPermission, User
from rights.models import AssignmentOrder, OrderLine, Role
from rights.scope import today
from rights.services import account_deactivate

DEMO_PASSWORD = "demo-pass-2569"
DEMO_PROVINCES = ("47", "49")

MALE_NAMES = [
    "สมชาย", "สมศักดิ์", "ประเสริฐ", "วิชัย", "สุริยา", "อนุชา", "ธีรพงษ์", "กิตติศักดิ์", "ณัฐพล", "พงศกร", "ศุภชัย", "จักรพันธ์",
]
FEMALE_NAMES = [
    "สุดารัตน์", "วิไลวรรณ", "กาญจนา", "อรุณี", "นภาพร", "ปิยะนุช", "รัตนาภรณ์", "ศิริพร", "จันทร์เพ็ญ", "พรทิพย์", "มณีรัตน์", "อัมพร",
]
LAST_NAMES = [
    "ศรีสกล", "ภูมิวงศ์", "แสนสุข", "บุญมา", "พลราช", "ไชยวงศ์", "คำภูเงิน", "สุวรรณศรี", "จันทร์แก้ว", "วงศ์สวัสดิ์", "ทองดี",
    "อุดมศักดิ์", "ชัยมงคล", "พรหมบุตร", "ศรีบุญเรือง", "ดวงจันทร์", "นามวงศ์", "เหล่าสุวรรณ", "โพธิ์ศรี", "กองแก้ว",
]


@dataclass(frozen=True)
class Persona:
    username: str
    description: str


PERSONAS = [
    Persona("clerk.4701", "เจ้าหน้าที่อำเภอเมืองสกลนคร (เจ้าพนักงานธุรการ ชำนาญงาน) ออกใบเสร็จค่าธรรมเนียม"),
    Persona("palad.4701", "ปลัดอำเภอ ชำนาญการพิเศษ อำเภอเมืองสกลนคร ออกใบเสร็จขายทอดตลาด/ค่าของเก่าได้"),
    Persona("palad.k2.4701", "ปลัดอำเภอ ชำนาญการ (K2) ถือสิทธิ์ขายทอดตลาด แต่ไม่ผ่านเงื่อนไขระดับ"),
    Persona("reviewer.4701", "ผู้ตรวจสอบสิทธิ์ระดับอำเภอ อำเภอเมืองสกลนคร"),
    Persona("reviewer.47", "ผู้ตรวจสอบสิทธิ์ระดับจังหวัด จังหวัดสกลนคร"),
    Persona("reviewer.49", "ผู้ตรวจสอบสิทธิ์ระดับจังหวัด จังหวัดมุกดาหาร"),
    Persona("admin.central", "ผู้ดูแลระบบส่วนกลาง สำนักการสอบสวนและนิติการ"),
    Persona("left.4701", "ลาออกแล้ว บัญชีถูกระงับ: เข้าสู่ระบบด้วยรหัสผ่านที่ถูกต้องแล้วจะเห็นว่าถูกระงับโดยใคร และติดต่อใคร"),
]


class _World:
    def __init__(self, seed: int = 2569):
        self.random = random.Random(seed)
        self.today = today()
        self.levels = {lv.code: lv for lv in Level.objects.all()}
        self.positions = {p.name_th: p for p in Position.objects.all()}
        self.roles = {r.code: r for r in Role.objects.select_related("permission")}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=["DOPA", "DOPA-LEGAL", *DEMO_PROVINCES])}
        self.units.update({u.code: u for u in Unit.objects.filter(parent__code__in=DEMO_PROVINCES)})
        self.officials: list[Official] = []
        self.accounts: list[User] = []
        self.lines: list[tuple[str, Official, str, Unit, datetime.date, datetime.date | None]] = []
        # Lines naming people the HR record does not have: (order, national ID, name as written, role, unit,
        # position, level, start).
        self.lines_off_record: list[tuple[str, str, str, str, Unit, str, str, datetime.date]] = []
        self.held: list[tuple[User, str, Unit]] = []
        self._serial = 0

    def national_id(self, province_code: str) -> str:
        self._serial += 1
        body = f"3{province_code}{self._serial:09d}"[:12]
        return body + pin.calc_check_digit(body)

    def birth_date(self, *, age: int) -> datetime.date:
        return datetime.date(self.today.year - age, self.random.randint(1, 12), self.random.randint(1, 28))

    def official(self, unit: Unit, position: str, level: str, *, age: int | None = None, status=Official.Status.ACTIVE,
                 first_name: str | None = None) -> Official:
        first_name = first_name or self.random.choice(MALE_NAMES + FEMALE_NAMES)
        title = "นาย" if first_name in MALE_NAMES else self.random.choice(["นาง", "นางสาว"])
        official = Official(
            national_id=self.national_id(unit.code[:2] if unit.code.isdigit() else "10"),
            title=title,
            first_name=first_name,
            last_name=self.random.choice(LAST_NAMES),
            position=self.positions[position], level=self.levels[level], unit=unit, status=status,
            birth_date=self.birth_date(age=age or self.random.randint(28, 55)),
        )
        official.refresh_retirement_date()
        self.officials.append(official)
        return official

    def account(self, username: str, official: Official | None, *, national_id: str | None = None,
                position: str | None = None, level: str | None = None, unit: Unit | None = None,
                last_login_days_ago: int | None = 3, password: bool = False) -> User:
        account = User(
            username=username,
            official_id=national_id or official.national_id,
            first_name=official.first_name if official else "ไม่ทราบชื่อ",
            last_name=official.last_name if official else "",
            registered_position=self.positions[position] if position else official.position,
            registered_level=self.levels[level] if level else official.level,
            registered_unit=unit or official.unit,
            last_login=None if last_login_days_ago is None
            else timezone.now() - datetime.timedelta(days=last_login_days_ago, hours=self.random.randint(0, 8)),
        )
        if password:
            account.set_password(DEMO_PASSWORD)
        else:
            account.set_unusable_password()  # activated by the person; no password is ever sent
        self.accounts.append(account)
        return account

    def assign_off_record(self, written_name: str, role: str, unit: Unit, *, order: str, position: str, level: str,
                          start: datetime.date) -> str:
        national_id = self.national_id(unit.code[:2])
        self.lines_off_record.append((order, national_id, written_name, role, unit, position, level, start))
        return national_id

    def assign(self, official: Official, account: User | None, role: str, unit: Unit, *, order: str,
               start: datetime.date | None = None, end: datetime.date | None = None, hold: bool = True) -> None:
        self.lines.append((order, official, role, unit, start or datetime.date(self.today.year - 1, 10, 1), end))
        if account is not None and hold:
            self.held.append((account, role, unit))


def _build(world: _World) -> None:
    r = world.random
    for province_code in DEMO_PROVINCES:
        province = world.units[province_code]
        order = f"{100 + int(province_code)}/{world.today.year + 543 - 1}"
        head = world.official(province, "ปลัดจังหวัด", "M2")
        reviewer = world.official(province, "จ่าจังหวัด", "K3")
        world.assign(head, world.account(f"head.{province_code}", head), "ISV_USER", province, order=order)
        reviewer_account = world.account(f"reviewer.{province_code}", reviewer, password=True)
        world.assign(reviewer, reviewer_account, "PROVINCE_REVIEWER", province, order=order)
        world.assign(reviewer, reviewer_account, "ISV_USER", province, order=order)
        districts = sorted((u for u in world.units.values() if u.parent_id == province.pk), key=lambda u: u.code)
        for index, district in enumerate(districts):
            d = district.code
            district_order = f"{index + 1}/{world.today.year + 543 - 1}"
            chief = world.official(district, "นายอำเภอ", "M1")
            world.assign(chief, world.account(f"chief.{d}", chief), "ISV_USER", district, order=district_order)
            for n in range(r.randint(2, 4)):
                level = r.choice(["K1", "K2", "K3", "K3"])
                palad = world.official(district, "ปลัดอำเภอ", level)
                account = world.account(f"palad{n + 1}.{d}", palad)
                world.assign(palad, account, "ISV_USER", district, order=district_order)
                world.assign(palad, account, "ISV_FEE_RECEIPT", district, order=district_order)
                if level == "K3":
                    world.assign(palad, account, "ISV_AUCTION_RECEIPT", district, order=district_order)
                    world.assign(palad, account, "ISV_SCRAP_RECEIPT", district, order=district_order)
            officer = world.official(district, "เจ้าพนักงานปกครอง", r.choice(["K2", "K3"]))
            officer_account = world.account(f"officer.{d}", officer)
            world.assign(officer, officer_account, "ISV_USER", district, order=district_order)
            world.assign(officer, officer_account, "DISTRICT_REVIEWER", district, order=district_order)
            for n in range(r.randint(1, 3)):
                clerk = world.official(district, r.choice(["เจ้าพนักงานธุรการ", "เจ้าพนักงานการเงินและบัญชี"]), r.choice(["O1", "O2", "O3"]))
                account = world.account(f"clerk{n + 1}.{d}", clerk)
                world.assign(clerk, account, "ISV_USER", district, order=district_order)
                world.assign(clerk, account, "ISV_FEE_RECEIPT", district, order=district_order)
            debt = world.official(district, "พนักงานปกครอง", "O2")
            world.assign(debt, world.account(f"debt.{d}", debt), "DEBT_REPORTER", district, order=district_order)


def _build_personas_and_problems(world: _World) -> None:
    """The demo logins and one or more accounts with each audit problem, mostly in อำเภอเมืองสกลนคร (4701)."""
    u4701, u4702, u47, u49 = world.units["4701"], world.units["4702"], world.units["47"], world.units["49"]
    order = f"77/{world.today.year + 543}"
    start = world.today - datetime.timedelta(days=200)

    clerk = world.official(u4701, "เจ้าพนักงานธุรการ", "O2", first_name="มาลี")
    clerk_account = world.account("clerk.4701", clerk, password=True)
    for role in ("ISV_USER", "ISV_FEE_RECEIPT"):
        world.assign(clerk, clerk_account, role, u4701, order=order, start=start)

    palad = world.official(u4701, "ปลัดอำเภอ", "K3", first_name="ประเสริฐ")
    palad_account = world.account("palad.4701", palad, password=True)
    for role in ("ISV_USER", "ISV_FEE_RECEIPT", "ISV_AUCTION_RECEIPT", "ISV_SCRAP_RECEIPT"):
        world.assign(palad, palad_account, role, u4701, order=order, start=start)

    # POLICY_VIOLATION: the order still names a K2 for auctions, the circular no longer allows it.
    palad_k2 = world.official(u4701, "ปลัดอำเภอ", "K2", first_name="วิชัย")
    palad_k2_account = world.account("palad.k2.4701", palad_k2, password=True)
    for role in ("ISV_USER", "ISV_FEE_RECEIPT", "ISV_AUCTION_RECEIPT"):
        world.assign(palad_k2, palad_k2_account, role, u4701, order=order, start=start)

    reviewer = world.official(u4701, "เจ้าพนักงานปกครอง", "K3", first_name="สุดารัตน์")
    reviewer_account = world.account("reviewer.4701", reviewer, password=True)
    for role in ("ISV_USER", "DISTRICT_REVIEWER"):
        world.assign(reviewer, reviewer_account, role, u4701, order=order, start=start)

    legal = world.units["DOPA-LEGAL"]
    admin = world.official(legal, "นิติกร", "K4", first_name="อนุชา")
    admin_account = world.account("admin.central", admin, password=True)
    admin_account.is_staff = True
    world.assign(admin, admin_account, "CENTRAL_ADMIN", legal, order="15/2569")

    # UNKNOWN_PERSON: the national ID is not in the HR record.
    ghost_id = world.national_id("47")
    world.account("ghost.4701", None, national_id=ghost_id, position="เจ้าพนักงานธุรการ", level="O1", unit=u4701)
    # NO_ORDER, and DORMANT: never logged in.
    no_order = world.official(u4701, "เจ้าพนักงานการเงินและบัญชี", "O3")
    world.held.append((world.account("noorder.4701", no_order, last_login_days_ago=None), "ISV_USER", u4701))
    # POSITION_MISMATCH and LEVEL_MISMATCH: registered as something else than the order says.
    mismatch = world.official(u4701, "ปลัดอำเภอ", "K2")
    account = world.account("mismatch.4701", mismatch, position="เจ้าพนักงานปกครอง", level="K3")
    world.assign(mismatch, account, "ISV_USER", u4701, order=order, start=start)
    # A newcomer the order names but the HR record does not have yet, with no account: the office's finding.
    world.assign_off_record("นางสาวมาใหม่ รอทะเบียน", "ISV_USER", u4701, order=order, position="เจ้าพนักงานปกครอง",
                            level="K1", start=start)
    # UNIT_MISMATCH: registered at the province office, ordered to 4701.
    moved = world.official(u4701, "เจ้าพนักงานปกครอง", "K2")
    account = world.account("unitmix.4701", moved, unit=u47)
    world.assign(moved, account, "ISV_USER", u4701, order=order, start=start)
    # EXCESS_ROLE: holds the scrap role with no order line for it.
    excess = world.official(u4701, "เจ้าพนักงานธุรการ", "O3")
    account = world.account("excess.4701", excess)
    world.assign(excess, account, "ISV_USER", u4701, order=order, start=start)
    world.held.append((account, "ISV_FEE_RECEIPT", u4701))
    # A leaver the centre has deactivated, who still knows the demo password: the login tells them so, and whom to ask.
    left = world.official(u4701, "เจ้าพนักงานปกครอง", "K1", status=Official.Status.RESIGNED)
    world.assign(left, world.account("left.4701", left, password=True), "ISV_USER", u4701, order=order, start=start)
    # QUOTA_EXCEEDED: three informal-debt reporters at 4702, where the policy allows two.
    for n in range(3):
        reporter = world.official(u4702, "พนักงานปกครอง", "O2")
        world.assign(reporter, world.account(f"reporter{n + 1}.4702", reporter), "DEBT_REPORTER", u4702, order=order, start=start)
    # RETIRED_ACTIVE: past the computed retirement date, still in service in HR and still logging in.
    retired = world.official(u4701, "ปลัดอำเภอ", "K3", age=61)
    account = world.account("retired.4701", retired)
    world.assign(retired, account, "ISV_USER", u4701, order=order, start=start)
    retired_hr = world.official(u4702, "เจ้าพนักงานธุรการ", "O3", status=Official.Status.RETIRED)
    world.assign(retired_hr, world.account("retired.4702", retired_hr), "ISV_USER", u4702, order=order, start=start)
    # TRANSFERRED_ACTIVE and SEPARATED_ACTIVE.
    transferred = world.official(u4701, "ปลัดอำเภอ", "K2", status=Official.Status.TRANSFERRED)
    world.assign(transferred, world.account("moved.4701", transferred), "ISV_USER", u4701, order=order, start=start)
    resigned = world.official(u49, "เจ้าพนักงานธุรการ", "O2", status=Official.Status.RESIGNED)
    world.assign(resigned, world.account("resigned.49", resigned), "ISV_USER", u49, order=order, start=start)
    # DORMANT: last login 120 days ago.
    dormant = world.official(u4701, "เจ้าพนักงานการเงินและบัญชี", "O2")
    world.assign(dormant, world.account("dormant.4701", dormant, last_login_days_ago=120), "ISV_USER", u4701,
                 order=order, start=start)
    # An order that ended: the line no longer grants the role (EXCESS_ROLE and NO_ORDER).
    ended = world.official(u4701, "ปลัดอำเภอ", "K3")
    world.assign(ended, world.account("ended.4701", ended), "ISV_FEE_RECEIPT", u4701, order=f"3/{world.today.year + 542}",
                 start=start - datetime.timedelta(days=300), end=world.today - datetime.timedelta(days=10))


@transaction.atomic
def demo_world_build() -> dict[str, int]:
    """Build the demo world once; a second run changes nothing."""
    if User.objects.filter(username="admin.central").exists():
        return {}
    world = _World()
    _build(world)
    _build_personas_and_problems(world)
    Official.objects.bulk_create(world.officials, batch_size=500)
    User.objects.bulk_create(world.accounts, batch_size=500)
    accounts = {a.username: a for a in User.objects.filter(username__in=[a.username for a in world.accounts])}
    officials = {o.national_id: o for o in Official.objects.filter(national_id__in=[o.national_id for o in world.officials])}

    issuing = {}
    orders: dict[tuple[str, str], AssignmentOrder] = {}
    for number, unit, start in [*((n, u, s) for n, _o, _r, u, s, _e in world.lines),
                                *((n, u, s) for n, _i, _w, _r, u, _p, _l, s in world.lines_off_record)]:
        issuer = unit.parent if unit.kind == Unit.Kind.DISTRICT else unit
        issuing[(number, issuer.code)] = (issuer, start)
    for (number, _code), (issuer, start) in issuing.items():
        orders[(number, issuer.code)] = AssignmentOrder(
            number=number, order_date=start - datetime.timedelta(days=7), issuing_unit=issuer,
            signer="ผู้ว่าราชการจังหวัด" if issuer.kind == Unit.Kind.PROVINCE else "อธิบดีกรมการปกครอง",
        )
    AssignmentOrder.objects.bulk_create(orders.values())
    saved_orders = {(o.number, o.issuing_unit_id): o for o in AssignmentOrder.objects.all()}
    # The demo's orders were recorded before the system (no recorder) and stand confirmed by the centre.
    confirmed_at = timezone.now()
    central = accounts["admin.central"]
    lines = []
    for number, official, role, unit, start, end in world.lines:
        issuer = unit.parent if unit.kind == Unit.Kind.DISTRICT else unit
        official = officials[official.national_id]
        lines.append(OrderLine(
            order=saved_orders[(number, issuer.pk)], official=official, role=world.roles[role], unit=unit,
            position=official.position, level=official.level, effective_from=start, effective_to=end,
            confirmed_by=central, confirmed_at=confirmed_at,
        ))
    for number, national_id, written_name, role, unit, position, level, start in world.lines_off_record:
        issuer = unit.parent if unit.kind == Unit.Kind.DISTRICT else unit
        lines.append(OrderLine(
            order=saved_orders[(number, issuer.pk)], official_id=national_id, written_name=written_name,
            role=world.roles[role], unit=unit, position=world.positions[position], level=world.levels[level],
            effective_from=start, confirmed_by=central, confirmed_at=confirmed_at,
        ))
    OrderLine.objects.bulk_create(lines, batch_size=500)
    UnitUserObjectPermission.objects.bulk_create(
        [
            UnitUserObjectPermission(user=accounts[account.username], permission=world.roles[role].permission, content_object=unit)
            for account, role, unit in world.held
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    _grant_reference_data_admin(accounts["admin.central"])
    account_deactivate(account=accounts["left.4701"], actor=accounts["admin.central"],
                       reason="ลาออกจากราชการตามทะเบียนบุคคล")
    return {"officials": len(world.officials), "accounts": len(world.accounts), "order_lines": len(lines)}


def _grant_reference_data_admin(account: User) -> None:
    """Central admins keep the reference data and policies in the Django admin."""
    group, _ = Group.objects.get_or_create(name="ผู้ดูแลข้อมูลอ้างอิง")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["accounts", "rights"], codename__regex=r"^(view|change|add)_(unit|level|position|policy|official|role|assignmentorder|orderline|user)$")
    )
    account.groups.add(group)


# The demo's second factor: one known TOTP secret for every demo account whose roles need one, so a newcomer can
# add it to an authenticator app (or read the current code with `manage.py demo_code`). Built only with DEBUG on
# (seed_demo) and by the browser tests; a real deployment has no known secret.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key


def demo_second_factors_build() -> int:
    """Give each demo account that needs the second factor and has none a device with DEMO_TOTP_KEY."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    needing = set(
        UnitUserObjectPermission.objects.filter(permission__role__requires_second_factor=True)
        .values_list("user_id", flat=True)
    ) | set(User.objects.filter(is_superuser=True).values_list("pk", flat=True))
    enrolled = set(TOTPDevice.objects.filter(user_id__in=needing, confirmed=True).values_list("user_id", flat=True))
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user_id=pk, name="app", key=DEMO_TOTP_KEY, confirmed=True) for pk in sorted(needing - enrolled)
    )
    return len(needing - enrolled)


def demo_totp_secret() -> str:
    """DEMO_TOTP_KEY as authenticator apps take it (base32)."""
    from base64 import b32encode
    from binascii import unhexlify

    return b32encode(unhexlify(DEMO_TOTP_KEY)).decode()


def demo_totp_code() -> str:
    """The demo key's code now."""
    from binascii import unhexlify

    from django_otp.oath import TOTP

    return f"{TOTP(unhexlify(DEMO_TOTP_KEY)).token():06d}"
