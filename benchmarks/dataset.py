"""The national benchmark dataset: the registry as import files, and a million receipts written in bulk.

Deterministic (seeded). The officials, accounts and orders are written as the interchange files of
spec/interchange.md and go through the real importer (`registry.importers.registry_import`), which is also how their
import speed is measured. Receipts are far too many to issue one by one, so they are written directly in bulk, with
numbers 1..n per unit and fiscal year and each series' counter set to n, exactly as the issue service would leave them.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from stdnum.th import pin

from accounts.models import Unit, User
from receipts.models import Category, FeeType, PaymentMethod, Receipt, ReceiptCounter, fiscal_year_be
from rights.scope import today
from rightsadmin.demo import FEMALE_NAMES, LAST_NAMES, MALE_NAMES

# The national size at --scale 1, from the issue.
NATIONAL_OFFICIALS = 30_000
NATIONAL_RECEIPTS = 1_000_000
BENCH_CLERKS = 8  # the receipt workers' accounts: one per concurrent worker
ADMIN_USERNAME = "bench.admin"
BENCH_PASSWORD = "bench-pass-2569"

OFFICIALS_COLUMNS = [
    "national_id",
    "title",
    "first_name",
    "last_name",
    "position",
    "level",
    "unit_code",
    "status",
    "birth_date",
]
ACCOUNTS_COLUMNS = [
    "username",
    "national_id",
    "registered_position",
    "registered_level",
    "registered_unit_code",
    "is_active",
    "last_login",
    "roles",
]
ORDERS_COLUMNS = [
    "order_no",
    "order_date",
    "issuing_unit_code",
    "national_id",
    "role",
    "unit_code",
    "position",
    "level",
    "effective_from",
    "effective_to",
]

# (position, levels it is found at, weight, the role its order gives). Districts and province offices differ.
DISTRICT_STAFF = [
    ("ปลัดอำเภอ", ["K1", "K2", "K3", "K3"], 30, "ISV_AUCTION_RECEIPT"),
    ("เจ้าพนักงานปกครอง", ["K1", "K2", "K3"], 15, "ISV_SCRAP_RECEIPT"),
    ("พนักงานปกครอง", ["O1", "O2", "O2", "O3"], 25, "LINKAGE_USER"),
    ("เจ้าพนักงานธุรการ", ["O1", "O2", "O3"], 15, "ISV_FEE_RECEIPT"),
    ("เจ้าพนักงานการเงินและบัญชี", ["O2", "O3"], 15, "ISV_FEE_RECEIPT"),
]
PROVINCE_STAFF = [
    ("นักจัดการงานทั่วไป", ["K1", "K2", "K3"], 30, "LINKAGE_USER"),
    ("นักวิชาการเงินและบัญชี", ["K1", "K2", "K3"], 20, "ISV_FEE_RECEIPT"),
    ("นิติกร", ["K1", "K2", "K3"], 15, "LINKAGE_USER"),
    ("จ่าจังหวัด", ["K3"], 5, "LINKAGE_USER"),
    ("ป้องกันจังหวัด", ["K3"], 5, "LINKAGE_USER"),
    ("นักทรัพยากรบุคคล", ["K1", "K2"], 15, "ISV_USER"),
    ("นักวิชาการคอมพิวเตอร์", ["K1", "K2"], 10, "ISV_USER"),
]
# Roles whose policy needs K3 (the circular): a lower-level holder is a POLICY_VIOLATION, kept rare on purpose.
RANK_RULE_ROLES = {"ISV_AUCTION_RECEIPT", "ISV_SCRAP_RECEIPT"}


def national_id(prefix: str, serial: int) -> str:
    body = f"{prefix}{serial:011d}"
    return body + pin.calc_check_digit(body)


@dataclass
class Person:
    national_id: str
    title: str
    first_name: str
    last_name: str
    position: str
    level: str
    unit: Unit
    status: str
    birth_date: datetime.date
    main_role: str
    username: str = ""
    extra_lines: list[str] = field(default_factory=list)  # further roles ordered in the current year's order
    holds: list[str] = field(default_factory=list)  # roles the account holds (the accounts file's `roles`)
    order_ends: datetime.date | None = None  # last year's line ended, and no current line: NO_ORDER
    clean: bool = False  # reviewers and receipt clerks: no flag at all


@dataclass
class Plan:
    """The people of the dataset and the units they work in, before anything is written."""

    scale: float
    seed: int
    province: Unit  # the benchmark province: the one with the most DOPA districts
    district: Unit  # its first district: the receipt workers' office
    units: list[Unit]  # staffed units, the benchmark province first
    people: list[Person]
    province_reviewer: str = ""
    district_reviewer: str = ""
    clerks: list[str] = field(default_factory=list)


def bench_units() -> tuple[Unit, Unit, list[Unit]]:
    """The benchmark province and district, and every staffed unit (province offices and DOPA districts).

    Bangkok's khet are run by the Bangkok Metropolitan Administration, not by DOPA district offices: no staff there.
    """
    provinces = list(Unit.objects.filter(kind=Unit.Kind.PROVINCE).order_by("code"))
    districts = list(Unit.objects.filter(kind=Unit.Kind.DISTRICT, is_bma=False).order_by("code"))
    by_province: dict[int, list[Unit]] = {}
    for district in districts:
        by_province.setdefault(district.parent_id, []).append(district)
    province = max(provinces, key=lambda p: (len(by_province.get(p.pk, [])), -int(p.code) if p.code.isdigit() else 0))
    own = by_province[province.pk]
    others = [p for p in provinces if p.pk != province.pk] + [d for d in districts if d.parent_id != province.pk]
    return province, own[0], [province, *own, *others]


def plan_dataset(*, scale: float, seed: int = 2569) -> Plan:
    rng = random.Random(seed)
    province, district, units = bench_units()
    on = today()
    wanted = max(
        int(round(NATIONAL_OFFICIALS * scale)), len([province, *[u for u in units if u.parent_id == province.pk]])
    )
    # One person per unit first (its reviewer), the benchmark province first, then the rest weighted: a province
    # office has about three times a district's staff.
    assigned = units[:wanted]
    if wanted > len(units):
        weights = [3 if u.kind == Unit.Kind.PROVINCE else 1 for u in units]
        assigned += rng.choices(units, weights=weights, k=wanted - len(units))
    seen_per_unit: dict[int, int] = {}
    people: list[Person] = []
    plan = Plan(scale=scale, seed=seed, province=province, district=district, units=units, people=people)

    def birth(age_low: int, age_high: int) -> datetime.date:
        return datetime.date(on.year - rng.randint(age_low, age_high), rng.randint(1, 12), rng.randint(1, 28))

    def name() -> tuple[str, str, str]:
        first = rng.choice(MALE_NAMES + FEMALE_NAMES)
        title = "นาย" if first in MALE_NAMES else rng.choice(["นาง", "นางสาว"])
        return title, first, rng.choice(LAST_NAMES)

    for serial, unit in enumerate(assigned, start=1):
        nth = seen_per_unit.get(unit.pk, 0)
        seen_per_unit[unit.pk] = nth + 1
        title, first, last = name()
        person = Person(
            national_id=national_id("5", serial),
            title=title,
            first_name=first,
            last_name=last,
            position="",
            level="",
            unit=unit,
            status="active",
            birth_date=birth(28, 57),
            main_role="",
        )
        if nth == 0:  # the unit's head reviews its accounts
            person.clean = True
            if unit.kind == Unit.Kind.PROVINCE:
                person.position, person.level, person.main_role = "ปลัดจังหวัด", "M1", "PROVINCE_REVIEWER"
                person.username = f"reviewer.{unit.code}"
            else:
                person.position, person.level, person.main_role = "นายอำเภอ", "M1", "DISTRICT_REVIEWER"
                person.username = f"reviewer.{unit.code}"
        else:
            staff = PROVINCE_STAFF if unit.kind == Unit.Kind.PROVINCE else DISTRICT_STAFF
            position, levels, _, role = rng.choices(staff, weights=[s[2] for s in staff])[0]
            person.position, person.level, person.main_role = position, rng.choice(levels), role
            if role in RANK_RULE_ROLES and person.level != "K3" and rng.random() > 0.05:
                person.main_role = "LINKAGE_USER"  # most offices follow the circular; 5% still do not
            if person.level == "O1" and person.main_role == "LINKAGE_USER" and rng.random() > 0.1:
                person.main_role = "ISV_USER"
            if nth in (1, 2) or (nth == 3 and rng.random() < 0.05):
                person.extra_lines.append("DEBT_REPORTER")  # at most 2 per unit: a third holder is QUOTA_EXCEEDED
            # What went wrong in the HR record: the audit must find these.
            draw = rng.random()
            if draw < 0.015:
                person.status = "retired"
            elif draw < 0.03:
                person.status = "transferred"
            elif draw < 0.035:
                person.status = rng.choice(["resigned", "deceased"])
            elif draw < 0.055:
                person.birth_date = birth(61, 62)  # past the retirement date, still "active" in HR
            if rng.random() < 0.02:
                person.order_ends = datetime.date(on.year - 1, 9, 30)
        people.append(person)
        if unit.pk == province.pk and nth == 0:
            plan.province_reviewer = person.username
        if unit.pk == district.pk and nth == 0:
            plan.district_reviewer = person.username

    # The receipt workers, clean, one account each: eight fee clerks of the benchmark district (one series shared by
    # all), and one fee clerk in each of the province's first eight districts (a series each).
    districts = [u for u in units if u.parent_id == province.pk][:BENCH_CLERKS]
    for index in range(1, BENCH_CLERKS + 1):
        for prefix, username, unit in (
            ("6", f"bench.clerk.{index}", district),
            ("4", f"bench.spread.{index}", districts[(index - 1) % len(districts)]),
        ):
            title, first, last = name()
            people.append(
                Person(
                    national_id=national_id(prefix, index),
                    title=title,
                    first_name=first,
                    last_name=last,
                    position="เจ้าพนักงานการเงินและบัญชี",
                    level="O3",
                    unit=unit,
                    status="active",
                    birth_date=birth(30, 45),
                    main_role="ISV_FEE_RECEIPT",
                    username=username,
                    clean=True,
                )
            )
        plan.clerks.append(f"bench.clerk.{index}")
    for serial, person in enumerate(people, start=1):
        person.username = person.username or f"u{serial:06d}"
        person.holds = [
            "ISV_USER",
            *([person.main_role] if person.main_role != "ISV_USER" else []),
            *person.extra_lines,
        ]
    return plan


# ---------------------------------------------------------------------------------------------------------------
# The interchange files


def _write(path: Path, columns: list[str], rows: Iterator[list]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_files(plan: Plan, directory: Path) -> dict[str, Path]:
    """officials.csv, accounts.csv and two orders files (last year's and this year's), about 30,000 rows each at
    scale 1. Returns {label: path} in the order they must be imported."""
    rng = random.Random(plan.seed + 1)
    on = today()
    now = timezone.now()
    units = plan.units
    siblings: dict[int, list[Unit]] = {}
    for unit in units:
        siblings.setdefault(unit.parent_id, []).append(unit)
    order_index = {unit.pk: index for index, unit in enumerate(units, start=1)}
    be = on.year + 543
    last_year = (datetime.date(on.year - 2, 9, 15), datetime.date(on.year - 2, 10, 1), be - 2)
    this_year = (datetime.date(on.year - 1, 9, 15), datetime.date(on.year - 1, 10, 1), be - 1)

    def province_of(unit: Unit) -> Unit:
        return unit if unit.kind == Unit.Kind.PROVINCE else next(u for u in units if u.pk == unit.parent_id)

    province_codes = {unit.pk: province_of(unit).code for unit in units if unit.kind == Unit.Kind.PROVINCE}
    province_codes.update(
        {unit.pk: province_codes.get(unit.parent_id, "") for unit in units if unit.kind == Unit.Kind.DISTRICT}
    )

    def officials():
        for p in plan.people:
            yield [
                p.national_id,
                p.title,
                p.first_name,
                p.last_name,
                p.position,
                p.level,
                p.unit.code,
                p.status,
                p.birth_date.isoformat(),
            ]

    def accounts():
        for p in plan.people:
            position, level, unit, active = p.position, p.level, p.unit, "true"
            if not p.clean:
                draw = rng.random()
                if draw < 0.03:
                    position = "พนักงานปกครอง" if position != "พนักงานปกครอง" else "เจ้าพนักงานธุรการ"
                elif draw < 0.07:
                    level = {"K1": "K2", "K2": "K3", "K3": "K2", "O1": "O2", "O2": "O3", "O3": "O2"}.get(level, level)
                elif draw < 0.10:
                    others = [u for u in siblings.get(unit.parent_id, []) if u.pk != unit.pk]
                    unit = rng.choice(others) if others else unit
                if rng.random() < 0.02:
                    active = "false"
            if p.clean:
                last_login = now - datetime.timedelta(days=rng.randint(0, 10))
            else:
                draw = rng.random()
                last_login = (
                    None
                    if draw < 0.05
                    else now - datetime.timedelta(days=rng.randint(100, 400))
                    if draw < 0.20
                    else now - datetime.timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 8))
                )
            holds = list(p.holds)
            if not p.clean and rng.random() < 0.02:
                holds.append("LINKAGE_USER" if "LINKAGE_USER" not in holds else "ISV_FEE_RECEIPT")  # EXCESS_ROLE
            yield [
                p.username,
                p.national_id,
                position,
                level,
                unit.code,
                active,
                last_login.isoformat() if last_login else "",
                ";".join(dict.fromkeys(holds)),
            ]
        # Accounts whose national ID is not in the HR record: UNKNOWN_PERSON.
        strays = max(1, len(plan.people) // 100)
        for index in range(1, strays + 1):
            unit = units[index % len(units)]
            yield [
                f"stray{index:05d}",
                national_id("7", index),
                "พนักงานปกครอง",
                "O2",
                unit.code,
                "true",
                (now - datetime.timedelta(days=rng.randint(0, 60))).isoformat(),
                "ISV_USER",
            ]

    def orders(year: tuple, current: bool):
        order_date, effective_from, year_be = year
        if not current:
            yield from off_record_lines(order_date, effective_from, year_be)
        for p in plan.people:
            issuer = province_codes[p.unit.pk]
            number = f"{order_index[p.unit.pk]}/{year_be}"
            if not current:
                end = p.order_ends.isoformat() if p.order_ends else ""
                yield [
                    number,
                    order_date.isoformat(),
                    issuer,
                    p.national_id,
                    "ISV_USER",
                    p.unit.code,
                    p.position,
                    p.level,
                    effective_from.isoformat(),
                    end,
                ]
                continue
            if p.order_ends:
                continue
            for role in [p.main_role, *p.extra_lines]:
                if role == "ISV_USER":
                    continue
                yield [
                    number,
                    order_date.isoformat(),
                    issuer,
                    p.national_id,
                    role,
                    p.unit.code,
                    p.position,
                    p.level,
                    effective_from.isoformat(),
                    "",
                ]

    def off_record_lines(order_date: datetime.date, effective_from: datetime.date, year_be: int):
        """About 1% of the order lines name people the HR record does not have: the stray accounts (every other
        one), and as many newcomers with no account. Imported with warnings, judged by the audit."""
        strays = max(1, len(plan.people) // 100)
        for index in range(1, strays + 1):
            stray = index % 2 == 0
            unit = units[index % len(units)]
            yield [
                f"{order_index[unit.pk]}/{year_be}",
                order_date.isoformat(),
                province_codes[unit.pk],
                national_id("7", index) if stray else national_id("8", index),
                "ISV_USER",
                unit.code,
                "พนักงานปกครอง",
                "O2",
                effective_from.isoformat(),
                "",
            ]

    directory.mkdir(parents=True, exist_ok=True)
    files = {
        "officials": directory / "officials.csv",
        "accounts": directory / "accounts.csv",
        "orders (last year)": directory / "orders-last-year.csv",
        "orders (this year)": directory / "orders-this-year.csv",
    }
    _write(files["officials"], OFFICIALS_COLUMNS, officials())
    _write(files["accounts"], ACCOUNTS_COLUMNS, accounts())
    _write(files["orders (last year)"], ORDERS_COLUMNS, orders(last_year, current=False))
    _write(files["orders (this year)"], ORDERS_COLUMNS, orders(this_year, current=True))
    return files


def file_kind(label: str) -> str:
    return label.split(" ")[0]


def create_admin() -> User:
    """A superuser for the Django admin changelist that the review pages are compared with."""
    admin, _ = User.objects.get_or_create(
        username=ADMIN_USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "password": make_password(BENCH_PASSWORD)},
    )
    return admin


# ---------------------------------------------------------------------------------------------------------------
# Receipts, in bulk


RECEIPT_COLUMNS = [
    "unit_id",
    "fiscal_year",
    "trial",
    "number",
    "category",
    "fee_type_id",
    "payer_name",
    "payer_national_id",
    "payer_address",
    "payment_method",
    "payment_reference",
    "total",
    "issued_on",
    "issued_at",
    "issued_by_id",
    "issuer_name",
    "issuer_position",
    "office_name",
    "payin_slip_id",
    "voided_at",
    "voided_by_id",
    "void_reason",
    "idempotency_key",
]


@dataclass
class ReceiptSeries:
    unit: Unit
    fiscal_year: int
    first_day: datetime.date
    last_day: datetime.date
    count: int
    issuer_id: int
    issuer_name: str


def plan_receipts(*, total: int, seed: int) -> list[ReceiptSeries]:
    """Spread `total` receipts over every unit that has an account: last fiscal year and this one so far."""
    rng = random.Random(seed + 2)
    on = today()
    this_fy_start = datetime.date(on.year if on.month >= 10 else on.year - 1, 10, 1)
    last_fy_start = datetime.date(this_fy_start.year - 1, 10, 1)
    yesterday = on - datetime.timedelta(days=1)
    issuers: dict[int, tuple[int, str]] = {}
    for pk, unit_id, first, last in (
        User.objects.filter(registered_unit__isnull=False, is_superuser=False)
        .order_by("registered_unit_id", "pk")
        .values_list("pk", "registered_unit_id", "first_name", "last_name")
    ):
        issuers.setdefault(unit_id, (pk, f"{first} {last}".strip()))
    units = list(Unit.objects.filter(pk__in=issuers).order_by("path"))
    if not units or total <= 0:
        return []
    weights = [rng.uniform(0.5, 1.5) for _ in units]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    counts[0] += total - sum(counts)
    series = []
    current_share = (on - this_fy_start).days / 365 if this_fy_start <= yesterday else 0
    for unit, count in zip(units, counts, strict=True):
        issuer_id, issuer_name = issuers[unit.pk]
        now_count = int(count * current_share / (1 + current_share))
        if now_count and this_fy_start <= yesterday:
            series.append(
                ReceiptSeries(
                    unit, fiscal_year_be(this_fy_start), this_fy_start, yesterday, now_count, issuer_id, issuer_name
                )
            )
        series.append(
            ReceiptSeries(
                unit,
                fiscal_year_be(last_fy_start),
                last_fy_start,
                this_fy_start - datetime.timedelta(days=1),
                count - now_count,
                issuer_id,
                issuer_name,
            )
        )
    return series


def _receipt_rows(series: list[ReceiptSeries], *, seed: int) -> Iterator[list]:
    rng = random.Random(seed + 3)
    fee_types = list(FeeType.objects.filter(is_active=True).values_list("pk", flat=True))
    names = MALE_NAMES + FEMALE_NAMES
    tz = timezone.get_current_timezone()
    for s in series:
        span = (s.last_day - s.first_day).days
        office = s.unit.display_name
        # Numbers rise with the date, as the service would have given them.
        offsets = sorted(rng.randint(0, span) for _ in range(s.count))
        for number, offset in enumerate(offsets, start=1):
            day = s.first_day + datetime.timedelta(days=offset)
            issued_at = datetime.datetime.combine(day, datetime.time(8 + number % 9, number % 60), tzinfo=tz)
            draw = rng.random()
            category = Category.FEE if draw < 0.9 else Category.AUCTION if draw < 0.95 else Category.SCRAP
            fee_type = rng.choice(fee_types) if category == Category.FEE and fee_types else None
            if category == Category.FEE and fee_type is None:
                category = Category.SCRAP
            total = Decimal(rng.choice([20, 50, 100, 200, 500, 1500, 27500])).quantize(Decimal("0.01"))
            yield [
                s.unit.pk,
                s.fiscal_year,
                False,
                number,
                category.value,
                fee_type,
                f"{rng.choice(names)} {rng.choice(LAST_NAMES)}",
                "",
                "",
                PaymentMethod.CASH.value,
                "",
                total,
                day,
                issued_at,
                s.issuer_id,
                s.issuer_name,
                "เจ้าพนักงานการเงินและบัญชีชำนาญงาน",
                office,
                None,
                None,
                None,
                "",
                "",
            ]


def write_receipts(
    series: list[ReceiptSeries], *, seed: int, progress: Callable[[int], None] | None = None, batch: int = 20_000
) -> int:
    """Write every series' receipts and set each series' counter to its last number. Returns the receipts written.

    PostgreSQL gets them through COPY (a million rows in well under a minute); other databases through bulk_create.
    """
    written = 0
    with transaction.atomic():
        rows = _receipt_rows(series, seed=seed)
        while True:
            chunk = list(itertools.islice(rows, batch))
            if not chunk:
                break
            if connection.vendor == "postgresql":
                _copy_receipts(chunk)
            else:
                Receipt.objects.bulk_create(
                    [Receipt(**dict(zip(RECEIPT_COLUMNS, row, strict=True))) for row in chunk], batch_size=2000
                )
            written += len(chunk)
            if progress:
                progress(written)
        ReceiptCounter.objects.bulk_create(
            [
                ReceiptCounter(
                    unit=s.unit,
                    fiscal_year=s.fiscal_year,
                    trial=False,
                    kind=ReceiptCounter.Kind.RECEIPT,
                    last_number=s.count,
                )
                for s in series
            ],
            batch_size=2000,
        )
    return written


def _copy_receipts(rows: list[list]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(
            ["" if value is None else ("t" if value is True else "f" if value is False else value) for value in row]
        )
    buffer.seek(0)
    columns = ", ".join(RECEIPT_COLUMNS)
    with connection.cursor() as cursor:
        # NULL is the unquoted empty field; text columns that are empty but NOT NULL are written quoted ("").
        cursor.cursor.copy_expert(
            f"COPY {Receipt._meta.db_table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL "
            f"(payer_national_id, payer_address, payment_reference, void_reason, idempotency_key))",
            buffer,
        )
