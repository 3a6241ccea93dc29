"""The registry import (registry.importers) and its command: refusals, happy paths, holdings, query budget."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook
from stdnum.th import pin

from accounts.models import Official, UnitUserObjectPermission, User
from audit.engine import audit_account
from audit.selectors import people_without_record
from events.models import Event
from registry.importers import Action, ImportFileError, registry_import
from rights.models import AssignmentOrder, OrderLine
from rights.scope import Scope
from tests.factories import (
    AssignmentOrderFactory,
    OfficialFactory,
    OrderLineFactory,
    UserFactory,
    hold,
    level,
    position,
    role,
    unit,
)

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"
BANGKOK = ZoneInfo("Asia/Bangkok")
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

OFFICIAL_COLUMNS = ["national_id", "title", "first_name", "last_name", "position", "level", "unit_code", "status", "birth_date"]
ACCOUNT_COLUMNS = ["username", "national_id", "registered_position", "registered_level", "registered_unit_code",
                   "is_active", "last_login", "roles"]
ORDER_COLUMNS = ["order_no", "order_date", "issuing_unit_code", "national_id", "role", "unit_code", "position", "level",
                 "effective_from", "effective_to"]


def nid(n: int, prefix: str = "5") -> str:
    body = f"{prefix}{n:011d}"
    return body + pin.calc_check_digit(body)


def dashed(national_id: str) -> str:
    return f"{national_id[0]}-{national_id[1:5]}-{national_id[5:10]}-{national_id[10:12]}-{national_id[12]}"


def write_csv(tmp_path: Path, header: list[str], rows: list[list], *, name: str = "file.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(tmp_path: Path, header: list[str], rows: list[list], *, name: str = "file.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def official_row(n: int, **overrides) -> list:
    values = {"national_id": nid(n), "title": "นาย", "first_name": f"ทดลอง{n}", "last_name": "นำเข้า",
              "position": "ปลัดอำเภอ", "level": "K3", "unit_code": "4701", "status": "active", "birth_date": "1980-05-17"}
    values.update(overrides)
    return [values[column] for column in OFFICIAL_COLUMNS]


def account_row(n: int, **overrides) -> list:
    values = {"username": f"import.user{n}", "national_id": nid(n), "registered_position": "ปลัดอำเภอ",
              "registered_level": "K3", "registered_unit_code": "4701", "is_active": "true",
              "last_login": "2026-05-01 09:00", "roles": "ISV_USER"}
    values.update(overrides)
    return [values[column] for column in ACCOUNT_COLUMNS]


def order_row(n: int, **overrides) -> list:
    values = {"order_no": "12/2569", "order_date": "2569-06-01", "issuing_unit_code": "47", "national_id": nid(n),
              "role": "ISV_USER", "unit_code": "4701", "position": "ปลัดอำเภอ", "level": "K3",
              "effective_from": "2569-06-15", "effective_to": ""}
    values.update(overrides)
    return [values[column] for column in ORDER_COLUMNS]


def make_officials(*numbers: int, unit_code: str = "4701") -> list[Official]:
    return [OfficialFactory(national_id=nid(n), unit=unit(unit_code)) for n in numbers]


def registry_counts() -> dict[str, int]:
    return {
        "officials": Official.objects.count(),
        "accounts": User.objects.count(),
        "orders": AssignmentOrder.objects.count(),
        "lines": OrderLine.objects.count(),
        "holdings": UnitUserObjectPermission.objects.count(),
        "events": Event.objects.filter(action="accounts.registry.imported").count(),
    }


def import_event() -> Event:
    return Event.objects.get(action="accounts.registry.imported")


# ---------------------------------------------------------------------------------------------------------------
# Refusals: one bad row and nothing is imported


REFUSALS = [
    pytest.param("officials", OFFICIAL_COLUMNS, lambda: official_row(1, national_id=nid(1)[:12] + str((int(nid(1)[12]) + 1) % 10)),
                 "national_id", "เลขตรวจสอบ", id="bad-checksum"),
    pytest.param("officials", OFFICIAL_COLUMNS, lambda: official_row(1, unit_code="4799"), "unit_code", "ไม่พบหน่วยงานรหัส 4799",
                 id="unknown-unit"),
    pytest.param("officials", OFFICIAL_COLUMNS, lambda: official_row(1, level="K9"), "level", "ไม่รู้จักระดับ K9",
                 id="unknown-level"),
    pytest.param("officials", OFFICIAL_COLUMNS, lambda: official_row(1, position="ผู้ใหญ่บ้าน"), "position",
                 "ไม่พบตำแหน่ง ผู้ใหญ่บ้าน", id="unknown-position"),
    pytest.param("officials", OFFICIAL_COLUMNS, lambda: official_row(1, birth_date="2569-02-30"), "birth_date",
                 "ไม่มีวันที่นี้ในปฏิทิน", id="impossible-date"),
    pytest.param("officials", OFFICIAL_COLUMNS, lambda: official_row(1, status="พักราชการ"), "status", "ไม่รู้จักสถานะ",
                 id="unknown-status"),
    pytest.param("accounts", ACCOUNT_COLUMNS, lambda: account_row(1, roles="ISV_USER;ISV_NOPE"), "roles",
                 "ไม่รู้จักบทบาท ISV_NOPE", id="unknown-role-in-accounts"),
    pytest.param("accounts", ACCOUNT_COLUMNS, lambda: account_row(1, is_active="maybe"), "is_active", "true หรือ false",
                 id="bad-boolean"),
    pytest.param("accounts", ACCOUNT_COLUMNS, lambda: account_row(1, last_login="2026-13-01 08:00"), "last_login",
                 "วันเวลาแบบ ISO", id="impossible-datetime"),
    pytest.param("orders", ORDER_COLUMNS, lambda: order_row(1, role="ISV_AUCTIONS"), "role", "ไม่รู้จักบทบาท ISV_AUCTIONS",
                 id="unknown-role-in-orders"),
    pytest.param("orders", ORDER_COLUMNS, lambda: order_row(1, effective_to="2569-06-14"), "effective_to",
                 "อยู่ก่อนวันเริ่มมีผล", id="reversed-dates"),
    pytest.param("orders", ORDER_COLUMNS, lambda: order_row(1, order_date="2026-02-29"), "order_date",
                 "ไม่มีวันที่นี้ในปฏิทิน", id="impossible-order-date"),
    pytest.param("orders", ORDER_COLUMNS, lambda: order_row(1, order_no="เลขที่ 7"), "order_no", "123/2569",
                 id="bad-order-number"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("kind, header, bad_row, column, message", REFUSALS)
def test_one_bad_row_among_good_ones_imports_nothing(tmp_path, kind, header, bad_row, column, message):
    make_officials(1, 2, 3)
    good = {"officials": official_row, "accounts": account_row, "orders": order_row}[kind]
    path = write_csv(tmp_path, header, [good(2), bad_row(), good(3)])
    before = registry_counts()

    report = registry_import(kind=kind, source=path)

    assert not report.imported
    assert [(p.row, p.column) for p in report.problems] == [(3, column)]
    assert message in report.problems[0].message
    assert registry_counts() == before


@pytest.mark.django_db
def test_unknown_and_missing_columns_are_named_on_row_1(tmp_path):
    header = [c for c in OFFICIAL_COLUMNS if c != "level"] + ["nickname"]
    path = write_csv(tmp_path, header, [official_row(1)[:5] + official_row(1)[6:] + ["โอ๋"]])

    report = registry_import(kind="officials", source=path)

    problems = {(p.row, p.column): p.message for p in report.problems}
    assert set(problems) == {(1, "nickname"), (1, "level")}
    assert "ไม่รู้จักคอลัมน์" in problems[(1, "nickname")]
    assert "ไม่มีคอลัมน์" in problems[(1, "level")]
    assert Official.objects.count() == 0


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_only_the_first(tmp_path):
    rows = [official_row(1, level="K9"), official_row(2), official_row(3, unit_code="9999", birth_date="2000-02-30")]
    report = registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, rows))

    assert report.problem_lines() == [
        "row 2: level: " + report.problems[0].message,
        f"row 4: unit_code: {report.problems[1].message}; birth_date: {report.problems[2].message}",
    ]


@pytest.mark.django_db
def test_duplicate_national_id_in_one_officials_file(tmp_path):
    rows = [official_row(1), official_row(2), official_row(1, first_name="ซ้ำ")]
    report = registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, rows))
    assert [(p.row, p.column) for p in report.problems] == [(4, "national_id")]
    assert "แถวที่ 2" in report.problems[0].message
    assert Official.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_username_and_national_id_in_one_accounts_file(tmp_path):
    rows = [account_row(1), account_row(2, username="import.user1"), account_row(3, national_id=nid(1))]
    report = registry_import(kind="accounts", source=write_csv(tmp_path, ACCOUNT_COLUMNS, rows))
    assert [(p.row, p.column) for p in report.problems] == [(3, "username"), (4, "national_id")]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_is_reported_even_when_the_row_has_other_problems(tmp_path):
    rows = [account_row(1), account_row(2, username="import.user1", is_active="maybe")]
    report = registry_import(kind="accounts", source=write_csv(tmp_path, ACCOUNT_COLUMNS, rows))
    assert [(p.row, p.column) for p in report.problems] == [(3, "username"), (3, "is_active")]


@pytest.mark.django_db
def test_files_that_are_neither_csv_nor_xlsx_are_refused(tmp_path):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 not an xlsx")
    (tmp_path / "fake.xlsx").write_bytes(b"national_id,title\n")
    (tmp_path / "latin.csv").write_bytes(",".join(OFFICIAL_COLUMNS).encode() + b"\n\xe0\xb9\x91,\xff\xfe\n")
    for name, message in [("old.xls", "CSV (UTF-8) หรือ XLSX"), ("fake.xlsx", "ไม่ใช่ไฟล์ XLSX"), ("latin.csv", "UTF-8")]:
        with pytest.raises(ImportFileError, match=re.escape(message)):
            registry_import(kind="officials", source=tmp_path / name)
    assert Official.objects.count() == 0


@pytest.mark.django_db
def test_empty_file_and_header_only_file_are_refused(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    report = registry_import(kind="officials", source=tmp_path / "empty.csv")
    assert [(p.row, p.column) for p in report.problems] == [(1, "-")]
    report = registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, []))
    assert [(p.row, p.column) for p in report.problems] == [(2, "-")]


@pytest.mark.django_db
def test_values_under_an_unnamed_column_are_refused(tmp_path):
    path = write_csv(tmp_path, [*OFFICIAL_COLUMNS, ""], [official_row(1) + [""], official_row(2) + ["หมายเหตุ"]])
    report = registry_import(kind="officials", source=path)
    assert [(p.row, p.column) for p in report.problems] == [(3, "คอลัมน์ที่ 10")]


@pytest.mark.django_db
def test_blank_lines_are_skipped_and_row_numbers_stay_those_of_the_sheet(tmp_path):
    path = write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(1), [""] * 9, official_row(2, level="K9")])
    report = registry_import(kind="officials", source=path)
    assert report.rows == 2
    assert [p.row for p in report.problems] == [4]


# ---------------------------------------------------------------------------------------------------------------
# Officials


@pytest.mark.django_db
def test_officials_accept_be_years_thai_digits_dashed_ids_and_level_names(tmp_path):
    rows = [
        official_row(1, national_id=dashed(nid(1)), birth_date="2509-10-01", level="ชำนาญการพิเศษ"),
        official_row(2, national_id=dashed(nid(2)).translate(THAI), birth_date="๒๕๐๙-๑๐-๐๒", level="Senior Professional",
                     unit_code="๔๗๐๒"),
        official_row(3, national_id=f" {nid(3)[:6]} {nid(3)[6:]} ", level="ชำนาญการพิเศษ (K3)", status="เกษียณ",
                     birth_date=""),
        official_row(4, level="k2", status="ย้าย", title=""),
    ]
    report = registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, rows, bom=True))

    assert report.ok, report.problem_lines()
    assert report.counts == {"create": 4, "update": 0, "unchanged": 0}
    first, second, third, fourth = (Official.objects.get(national_id=nid(n)) for n in (1, 2, 3, 4))
    assert first.birth_date == datetime.date(1966, 10, 1)
    assert first.retirement_date == datetime.date(2026, 9, 30)
    assert second.birth_date == datetime.date(1966, 10, 2)
    assert second.retirement_date == datetime.date(2027, 9, 30)
    assert second.unit.code == "4702"
    assert {first.level.code, second.level.code, third.level.code, fourth.level.code} == {"K3", "K2"}
    assert third.status == Official.Status.RETIRED and third.birth_date is None and third.retirement_date is None
    assert fourth.status == Official.Status.TRANSFERRED and fourth.title == ""
    event = import_event()
    assert event.data["kind"] == "officials" and event.data["created"] == 4 and event.data["origin"] == "command"


@pytest.mark.django_db
@pytest.mark.parametrize("sample", ["officials_good.csv", "officials_good.xlsx"])
def test_officials_samples_import(sample):
    report = registry_import(kind="officials", source=SAMPLES / sample)
    assert report.ok, report.problem_lines()
    assert report.counts["create"] == 6
    somchai = Official.objects.get(first_name="สมชาย")
    assert (somchai.position.name_th, somchai.level.code, somchai.unit.code) == ("ปลัดอำเภอ", "K3", "4701")
    assert somchai.birth_date == datetime.date(1975, 3, 12)  # 2518 BE
    kanjana = Official.objects.get(first_name="กาญจนา")
    assert (kanjana.level.code, kanjana.unit.code, kanjana.birth_date) == ("K2", "4702", datetime.date(1987, 1, 20))
    assert Official.objects.get(first_name="อรุณี").status == Official.Status.RETIRED


@pytest.mark.django_db
def test_existing_official_is_updated_and_retirement_date_follows(tmp_path):
    official = OfficialFactory(national_id=nid(1), birth_date=datetime.date(1980, 5, 17), last_name="เดิม")
    untouched = OfficialFactory(national_id=nid(2), last_name="คงเดิม")
    rows = [official_row(1, last_name="ใหม่", birth_date="1966-10-01", level="K2"), official_row(3)]

    report = registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, rows))

    assert report.counts == {"create": 1, "update": 1, "unchanged": 0}
    official.refresh_from_db()
    assert (official.last_name, official.level.code, official.birth_date) == ("ใหม่", "K2", datetime.date(1966, 10, 1))
    assert official.retirement_date == datetime.date(2026, 9, 30)
    untouched.refresh_from_db()
    assert untouched.last_name == "คงเดิม"
    # The same file again changes nothing.
    report = registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, rows, name="again.csv"))
    assert report.counts == {"create": 0, "update": 0, "unchanged": 2}


@pytest.mark.django_db
def test_update_batch_keeps_fields_that_other_rows_change(tmp_path):
    """One UPDATE sets a batch's fields on every row of it: a row must keep what only another row changes."""
    a = OfficialFactory(national_id=nid(1), unit=unit("4701"), birth_date=datetime.date(1970, 1, 1))
    b = OfficialFactory(national_id=nid(2), unit=unit("4702"), birth_date=datetime.date(1971, 1, 1))
    rows = [official_row(1, last_name=a.last_name, first_name=a.first_name, unit_code="4703", birth_date="1970-01-01"),
            official_row(2, last_name="ใหม่", first_name=b.first_name, unit_code="4702", birth_date="1971-01-01")]
    assert registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, rows)).counts["update"] == 2
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.unit.code, a.last_name, a.retirement_date) == ("4703", "ใจดี", datetime.date(2030, 9, 30))
    assert (b.unit.code, b.last_name, b.retirement_date) == ("4702", "ใหม่", datetime.date(2031, 9, 30))


@pytest.mark.django_db
def test_file_without_optional_columns_keeps_stored_title_and_birth_date(tmp_path):
    official = OfficialFactory(national_id=nid(1), title="ว่าที่ร้อยตรี", birth_date=datetime.date(1970, 1, 1))
    header = [c for c in OFFICIAL_COLUMNS if c not in ("title", "birth_date")]
    row = [v for c, v in zip(OFFICIAL_COLUMNS, official_row(1, level="K2"), strict=True) if c in header]
    report = registry_import(kind="officials", source=write_csv(tmp_path, header, [row]))
    assert report.ok, report.problem_lines()
    official.refresh_from_db()
    assert (official.title, official.birth_date, official.level.code) == ("ว่าที่ร้อยตรี", datetime.date(1970, 1, 1), "K2")


@pytest.mark.django_db
def test_birth_date_in_the_future_is_refused(tmp_path):
    report = registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(1, birth_date="2999-01-01")]))
    assert [(p.row, p.column) for p in report.problems] == [(2, "birth_date")]


# ---------------------------------------------------------------------------------------------------------------
# Accounts


@pytest.mark.django_db
@pytest.mark.parametrize("sample", ["accounts_good.csv", "accounts_good.xlsx"])
def test_accounts_samples_import(sample):
    assert registry_import(kind="officials", source=SAMPLES / "officials_good.csv").ok
    report = registry_import(kind="accounts", source=SAMPLES / sample)
    assert report.ok, report.problem_lines()
    assert report.counts["create"] == 6

    somchai = User.objects.get(username="somchai.s")
    assert somchai.official.first_name == "สมชาย" and somchai.first_name == "สมชาย"
    assert (somchai.registered_position.name_th, somchai.registered_level.code, somchai.registered_unit.code) == (
        "ปลัดอำเภอ", "K3", "4701")
    assert somchai.last_login == datetime.datetime(2026, 5, 2, 9, 15, tzinfo=BANGKOK)
    assert not somchai.has_usable_password()
    held = set(UnitUserObjectPermission.objects.filter(user=somchai).values_list(
        "permission__role__code", "content_object__code"))
    assert held == {("ISV_USER", "4701"), ("ISV_AUCTION_RECEIPT", "4701")}
    sudarat = User.objects.get(username="sudarat.p")
    assert sudarat.registered_level.code == "K3"
    assert sudarat.last_login == datetime.datetime(2026, 5, 20, 8, 30, tzinfo=BANGKOK)  # 2569 BE, naive = Bangkok
    assert User.objects.get(username="kanjana.s").last_login is None
    unknown = User.objects.get(username="unknown.person")
    assert unknown.official_id and not Official.objects.filter(national_id=unknown.official_id).exists()
    assert not unknown.is_active


@pytest.mark.django_db
def test_account_whose_person_is_not_in_the_hr_record_is_imported(tmp_path):
    report = registry_import(kind="accounts", source=write_csv(tmp_path, ACCOUNT_COLUMNS, [account_row(1)]))
    assert report.ok
    account = User.objects.get(username="import.user1")
    assert account.official_id == nid(1)
    assert not Official.objects.filter(national_id=nid(1)).exists()  # the audit's UNKNOWN_PERSON


@pytest.mark.django_db
def test_accounts_import_sets_held_roles_to_exactly_the_files_and_logs_each_change(tmp_path):
    account = UserFactory(username="import.user1", official=OfficialFactory(national_id=nid(1)),
                          registered_unit=unit("4701"))
    hold(account, "ISV_USER", "4701")
    hold(account, "ISV_FEE_RECEIPT", "4701")
    hold(account, "DISTRICT_REVIEWER", "4702")  # held at another unit: not in the file, so withdrawn
    other = UserFactory(username="not.in.file")
    hold(other, "ISV_USER", "4701")
    rows = [account_row(1, roles="isv_user; ISV_SCRAP_RECEIPT"), account_row(2, roles="")]

    report = registry_import(kind="accounts", source=write_csv(tmp_path, ACCOUNT_COLUMNS, rows))

    assert report.ok, report.problem_lines()
    held = set(UnitUserObjectPermission.objects.filter(user=account).values_list(
        "permission__role__code", "content_object__code"))
    assert held == {("ISV_USER", "4701"), ("ISV_SCRAP_RECEIPT", "4701")}
    assert not UnitUserObjectPermission.objects.filter(user__username="import.user2").exists()
    assert UnitUserObjectPermission.objects.filter(user=other).count() == 1  # accounts not in the file: untouched
    event = import_event()
    assert sorted(event.data["roles_added"]) == [["import.user1", "ISV_SCRAP_RECEIPT", "4701"]]
    assert sorted(event.data["roles_removed"]) == [["import.user1", "DISTRICT_REVIEWER", "4702"],
                                                   ["import.user1", "ISV_FEE_RECEIPT", "4701"]]
    assert Event.objects.filter(action__in=["accounts.role.granted", "accounts.role.revoked"]).count() == 0


@pytest.mark.django_db
def test_held_roles_follow_a_change_of_registered_unit(tmp_path):
    account = UserFactory(username="import.user1", official=OfficialFactory(national_id=nid(1)))
    hold(account, "ISV_USER", "4701")
    rows = [account_row(1, registered_unit_code="4702", roles="ISV_USER")]
    assert registry_import(kind="accounts", source=write_csv(tmp_path, ACCOUNT_COLUMNS, rows)).ok
    held = set(UnitUserObjectPermission.objects.filter(user=account).values_list("permission__role__code", "content_object__code"))
    assert held == {("ISV_USER", "4702")}
    assert import_event().data["roles_removed"] == [["import.user1", "ISV_USER", "4701"]]


@pytest.mark.django_db
def test_officials_and_orders_imports_never_touch_holdings(tmp_path):
    account = UserFactory(username="import.user1", official=OfficialFactory(national_id=nid(1)))
    hold(account, "ISV_AUCTION_RECEIPT", "4701")
    before = set(UnitUserObjectPermission.objects.values_list("pk", "user_id", "permission_id", "content_object_id"))
    assert registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(1, level="K1")])).ok
    assert registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, [order_row(1)], name="o.csv")).ok
    after = set(UnitUserObjectPermission.objects.values_list("pk", "user_id", "permission_id", "content_object_id"))
    assert after == before


@pytest.mark.django_db
def test_deactivation_by_import_is_recorded_and_other_accounts_keep_their_data(tmp_path):
    leaving = UserFactory(username="import.user1", official=OfficialFactory(national_id=nid(1)), registered_unit=unit("4701"))
    staying = UserFactory(username="import.user2", official=OfficialFactory(national_id=nid(2)), registered_unit=unit("4701"),
                          is_active=False, deactivation_reason="ย้ายไปจังหวัดอื่น")
    staying.deactivated_at = datetime.datetime(2026, 1, 1, tzinfo=BANGKOK)
    staying.save()
    rows = [account_row(1, is_active="false"), account_row(2, is_active="FALSE", registered_level="K2")]

    report = registry_import(kind="accounts", source=write_csv(tmp_path, ACCOUNT_COLUMNS, rows))

    assert report.counts["update"] == 2
    leaving.refresh_from_db()
    staying.refresh_from_db()
    assert not leaving.is_active and leaving.deactivated_at is not None and "นำเข้า" in leaving.deactivation_reason
    assert leaving.registered_unit.code == "4701" and leaving.registered_level.code == "K3"
    assert staying.deactivated_at == datetime.datetime(2026, 1, 1, tzinfo=BANGKOK)
    assert staying.deactivation_reason == "ย้ายไปจังหวัดอื่น" and staying.registered_level.code == "K2"
    assert import_event().data["deactivated"] == ["import.user1"]


@pytest.mark.django_db
def test_file_without_last_login_keeps_the_stored_one(tmp_path):
    seen = datetime.datetime(2026, 4, 1, 2, 0, tzinfo=datetime.UTC)
    account = UserFactory(username="import.user1", official=OfficialFactory(national_id=nid(1)), last_login=seen)
    header = [c for c in ACCOUNT_COLUMNS if c != "last_login"]
    row = [v for c, v in zip(ACCOUNT_COLUMNS, account_row(1), strict=True) if c != "last_login"]
    assert registry_import(kind="accounts", source=write_csv(tmp_path, header, [row])).ok
    account.refresh_from_db()
    assert account.last_login == seen


# ---------------------------------------------------------------------------------------------------------------
# Orders


@pytest.mark.django_db
@pytest.mark.parametrize("sample", ["orders_good.csv", "orders_good.xlsx"])
def test_orders_samples_import(sample):
    assert registry_import(kind="officials", source=SAMPLES / "officials_good.csv").ok
    report = registry_import(kind="orders", source=SAMPLES / sample)
    assert report.ok, report.problem_lines()
    assert report.counts["create"] == 5
    order = AssignmentOrder.objects.get(number="12/2569", issuing_unit__code="47")
    assert order.order_date == datetime.date(2026, 6, 1)
    assert order.lines.count() == 3
    assert {line.effective_from for line in order.lines.all()} == {datetime.date(2026, 6, 15)}
    fee = AssignmentOrder.objects.get(number="5/2569")  # written ๕/๒๕๖๙ in the file
    line = fee.lines.get()
    assert (line.role.code, line.level.code, line.effective_to) == ("ISV_FEE_RECEIPT", "O2", datetime.date(2026, 9, 30))
    assert AssignmentOrder.objects.count() == 3


@pytest.mark.django_db
def test_the_newcomer_sample_imports_with_one_warning():
    assert registry_import(kind="officials", source=SAMPLES / "officials_good.csv").ok
    report = registry_import(kind="orders", source=SAMPLES / "orders_newcomer.csv")
    assert report.imported and [(w.row, w.column) for w in report.warnings] == [(3, "national_id")]
    assert OrderLine.objects.get(official_id="3470100099018").written_name == "นางสาวมาใหม่ รอทะเบียน"


@pytest.mark.django_db
def test_lines_of_one_order_must_agree_on_its_date(tmp_path):
    make_officials(1, 2)
    rows = [order_row(1), order_row(2, order_date="2569-06-02"), order_row(2, order_no="13/2569", order_date="2569-06-02")]
    report = registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, rows))
    assert [(p.row, p.column) for p in report.problems] == [(3, "order_date")]
    assert "แถวที่ 2" in report.problems[0].message
    assert AssignmentOrder.objects.count() == 0


@pytest.mark.django_db
def test_existing_order_receives_new_lines_and_skips_identical_ones(tmp_path):
    first, second = make_officials(1, 2)
    order = AssignmentOrderFactory(number="12/2569", issuing_unit=unit("47"), order_date=datetime.date(2026, 6, 1))
    OrderLineFactory(order=order, official=first, role=role("ISV_USER"), unit=unit("4701"), position=position("ปลัดอำเภอ"),
                     level=level("K3"), effective_from=datetime.date(2026, 6, 15))
    rows = [order_row(1), order_row(2), order_row(1, role="ISV_FEE_RECEIPT")]

    report = registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, rows))

    assert report.counts == {"create": 2, "update": 0, "unchanged": 1}
    assert AssignmentOrder.objects.count() == 1
    assert order.lines.count() == 3
    assert import_event().data["orders_extended"] == ["12/2569@47"]
    again = registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, rows, name="again.csv"))
    assert again.counts == {"create": 0, "update": 0, "unchanged": 3}
    assert order.lines.count() == 3


@pytest.mark.django_db
def test_existing_order_with_another_date_or_revoked_is_refused(tmp_path):
    make_officials(1)
    AssignmentOrderFactory(number="12/2569", issuing_unit=unit("47"), order_date=datetime.date(2026, 5, 1))
    AssignmentOrderFactory(number="13/2569", issuing_unit=unit("47"), order_date=datetime.date(2026, 6, 1),
                           revoked_at=datetime.datetime(2026, 6, 2, tzinfo=BANGKOK))
    AssignmentOrderFactory(number="12/2569", issuing_unit=unit("4701"), order_date=datetime.date(2026, 6, 1))  # other issuer
    rows = [order_row(1), order_row(1, order_no="13/2569"), order_row(1, issuing_unit_code="4701")]
    report = registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, rows))
    assert [(p.row, p.column) for p in report.problems] == [(2, "order_date"), (3, "order_no")]
    assert OrderLine.objects.count() == 0


@pytest.mark.django_db
def test_order_lines_naming_people_off_the_hr_record_are_imported_with_warnings(tmp_path, settings):
    """The written order is a fact whatever the HR record says: such lines are warnings, not bad rows; the HR
    record arriving later reaches them by the ID; the audit judges the accounts against them before and after."""
    settings.ORDERS_CENTRAL_IMPORT_SELF_CONFIRM = True
    make_officials(1, 2)
    newcomer = UserFactory(official=None, username="newcomer", first_name="มาใหม่", last_name="มีบัญชี",
                           registered_unit=unit("4701"),
                           registered_position=position("ปลัดอำเภอ"), registered_level=level("K3"),
                           last_login=timezone.now())
    newcomer.official_id = nid(3)  # an account whose national ID the HR record does not have yet
    newcomer.save()
    hold(newcomer, "ISV_USER", "4701")
    rows = [order_row(1), order_row(3), order_row(2), order_row(4), order_row(5, unit_code="4702")]
    header = [*ORDER_COLUMNS, "full_name"]
    names = ["", "นายมาใหม่ มีบัญชี", "", "นางสาวไร้ ทะเบียน", ""]
    path = write_csv(tmp_path, header, [[*row, name] for row, name in zip(rows, names, strict=True)])

    report = registry_import(kind="orders", source=path)
    assert report.ok and report.imported
    assert [(w.row, w.column) for w in report.warnings] == [(3, "national_id"), (5, "national_id"), (6, "national_id")]
    assert dashed(nid(3)) in report.warnings[0].message and "officials" in report.warnings[0].message
    assert report.counts[Action.CREATE] == 5 and report.warned_rows == 3
    assert "คำเตือน 3 แถว" in report.summary()
    assert dict(OrderLine.objects.values_list("official_id", "written_name"))[nid(4)] == "นางสาวไร้ ทะเบียน"
    event = Event.objects.get(action="accounts.registry.imported")
    assert event.data["warned_rows"] == 3 and [w["row"] for w in event.data["warnings"]] == [3, 5, 6]

    again = registry_import(kind="orders", source=path)
    assert again.ok and again.counts == {Action.CREATE: 0, Action.UPDATE: 0, Action.UNCHANGED: 5}
    assert OrderLine.objects.count() == 5

    as_of = datetime.date(2026, 6, 20)
    assert audit_account(account=newcomer, as_of=as_of).codes == ["UNKNOWN_PERSON"]  # judged by its order line
    without = people_without_record(unit=unit("4701"), viewer_scope=Scope(national=True), as_of=as_of)
    assert [line.official_id for line in without] == [nid(4)]  # nid(3) has an account, nid(5) is at 4702

    officials = write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(3), official_row(4)], name="officials.csv")
    assert registry_import(kind="officials", source=officials).imported
    line = OrderLine.objects.get(official_id=nid(3))
    assert line.hr_record.first_name == "ทดลอง3" and line.official.national_id == nid(3)
    assert audit_account(account=newcomer, as_of=as_of).codes == []
    assert people_without_record(unit=unit("4701"), viewer_scope=Scope(national=True), as_of=as_of) == []


@pytest.mark.django_db
def test_a_mistyped_national_id_in_an_order_is_still_a_bad_row(tmp_path):
    make_officials(1)
    bad = nid(2)[:-1] + str((int(nid(2)[-1]) + 1) % 10)
    report = registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, [order_row(1), order_row(2, national_id=bad)]))
    assert [(p.row, p.column) for p in report.problems] == [(3, "national_id")]
    assert not report.imported and OrderLine.objects.count() == 0


@pytest.mark.django_db
def test_the_command_prints_warnings_and_counts_them(tmp_path, capsys):
    make_officials(1)
    path = write_csv(tmp_path, ORDER_COLUMNS, [order_row(1), order_row(7)])
    call_command("import_registry", "orders", str(path))
    out = capsys.readouterr().out
    assert f"คำเตือน row 3: national_id: ไม่พบเลขประจำตัวประชาชน {dashed(nid(7))}" in out
    assert "คำเตือน 1 แถว" in out


@pytest.mark.django_db
def test_identical_lines_in_one_file_are_refused(tmp_path):
    make_officials(1)
    report = registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, [order_row(1), order_row(1)]))
    assert [(p.row, p.column) for p in report.problems] == [(3, "-")]


@pytest.mark.django_db
def test_orders_from_xlsx_with_date_cells_and_numeric_ids(tmp_path):
    make_officials(1)
    row = order_row(1, order_date=datetime.datetime(2026, 6, 1), effective_from=datetime.date(2026, 6, 15),
                    national_id=int(nid(1)), unit_code=4701, issuing_unit_code=47)
    report = registry_import(kind="orders", source=write_xlsx(tmp_path, ORDER_COLUMNS, [row]))
    assert report.ok, report.problem_lines()
    line = OrderLine.objects.get()
    assert (line.order.order_date, line.effective_from, line.unit.code) == (
        datetime.date(2026, 6, 1), datetime.date(2026, 6, 15), "4701")


# ---------------------------------------------------------------------------------------------------------------
# Dry run, scope, transaction, query budget


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["officials", "accounts", "orders"])
def test_dry_run_writes_nothing(kind):
    if kind != "officials":
        assert registry_import(kind="officials", source=SAMPLES / "officials_good.csv").ok
    before = registry_counts()
    report = registry_import(kind=kind, source=SAMPLES / f"{kind}_good.csv", dry_run=True)
    assert report.ok and not report.imported
    assert report.counts["create"] > 0
    assert registry_counts() == before


@pytest.mark.django_db
def test_scope_refuses_rows_of_units_outside_it(tmp_path):
    make_officials(1, 2)
    province = Scope(roots=[unit("47")])
    rows = [official_row(1, unit_code="4701"), official_row(2, unit_code="4901"), official_row(3, unit_code="49")]
    report = registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, rows), scope=province)
    assert [(p.row, p.column) for p in report.problems] == [(3, "unit_code"), (4, "unit_code")]
    assert "นอกขอบเขต" in report.problems[0].message
    orders = [order_row(1, issuing_unit_code="49"), order_row(2, unit_code="4901"), order_row(1, order_no="20/2569")]
    report = registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, orders, name="o.csv"), scope=province)
    assert [(p.row, p.column) for p in report.problems] == [(2, "issuing_unit_code"), (3, "unit_code")]
    assert OrderLine.objects.count() == 0


@pytest.mark.django_db
def test_a_province_importer_learns_nothing_of_people_of_another_province(tmp_path):
    """A person on the HR record of another province gets exactly the warning of a national ID unknown to the
    country, so the import never tells them apart; lines only for units in the importer's scope."""
    make_officials(1)
    make_officials(2, unit_code="4901")
    province = Scope(roots=[unit("47")])
    rows = [order_row(1), order_row(2), order_row(3)]  # in the province, in another province, nowhere
    report = registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, rows), scope=province,
                             dry_run=True)
    assert report.ok and [(w.row, w.column) for w in report.warnings] == [(3, "national_id"), (4, "national_id")]
    other, missing = (w.message for w in report.warnings)
    assert other.replace(dashed(nid(2)), "ID") == missing.replace(dashed(nid(3)), "ID")
    assert "ขอบเขตของท่าน" in other
    outside = registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, [order_row(3, unit_code="4901")],
                                                              name="o.csv"), scope=province)
    assert [(p.row, p.column) for p in outside.problems] == [(2, "unit_code")]
    national = registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, rows[:2], name="n.csv"))
    assert national.ok and national.warnings == [] and OrderLine.objects.count() == 2


@pytest.mark.django_db
def test_scope_refuses_updating_records_held_outside_it(tmp_path):
    OfficialFactory(national_id=nid(1), unit=unit("4901"))
    UserFactory(username="import.user2", registered_unit=unit("4901"))
    province = Scope(roots=[unit("47")])
    report = registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(1)]), scope=province)
    assert [(p.row, p.column) for p in report.problems] == [(2, "national_id")]
    report = registry_import(kind="accounts", source=write_csv(tmp_path, ACCOUNT_COLUMNS, [account_row(2)], name="a.csv"),
                             scope=province)
    assert [(p.row, p.column) for p in report.problems] == [(2, "username")]


@pytest.mark.django_db
def test_national_roles_need_a_national_importer(tmp_path):
    make_officials(1)
    province = Scope(roots=[unit("47")])
    report = registry_import(kind="accounts", scope=province,
                             source=write_csv(tmp_path, ACCOUNT_COLUMNS, [account_row(1, roles="ISV_USER;CENTRAL_ADMIN")]))
    assert [(p.row, p.column) for p in report.problems] == [(2, "roles")]
    report = registry_import(kind="orders", scope=province,
                             source=write_csv(tmp_path, ORDER_COLUMNS, [order_row(1, role="CENTRAL_ADMIN")], name="o.csv"))
    assert [(p.row, p.column) for p in report.problems] == [(2, "role")]
    national = registry_import(kind="orders", scope=Scope(national=True),
                               source=write_csv(tmp_path, ORDER_COLUMNS, [order_row(1, role="CENTRAL_ADMIN")], name="n.csv"))
    assert national.ok


def _import_queries(tmp_path, kind: str, rows: list[list], header: list[str], name: str) -> list[str]:
    path = write_csv(tmp_path, header, rows, name=name)
    with CaptureQueriesContext(connection) as queries:
        report = registry_import(kind=kind, source=path)
    assert report.ok, report.problem_lines()[:3]
    return [query["sql"].split(" ", 1)[0] for query in queries.captured_queries]


@pytest.mark.django_db
def test_query_count_is_the_same_for_10_and_200_rows(tmp_path):
    small, large = range(1, 11), range(1001, 1201)
    # Warm up: the first event of the log creates its chain head, once.
    _import_queries(tmp_path, "officials", [official_row(9999)], OFFICIAL_COLUMNS, "warm-up.csv")
    counts = {}
    for label, numbers in (("small", small), ("large", large)):
        counts[label] = [
            len(_import_queries(tmp_path, "officials", [official_row(n) for n in numbers], OFFICIAL_COLUMNS, f"o{label}.csv")),
            # The same people again, changed: the update path.
            len(_import_queries(tmp_path, "officials", [official_row(n, level="K2") for n in numbers], OFFICIAL_COLUMNS,
                                f"o2{label}.csv")),
            len(_import_queries(tmp_path, "accounts", [account_row(n, roles="ISV_USER;ISV_FEE_RECEIPT") for n in numbers],
                                ACCOUNT_COLUMNS, f"a{label}.csv")),
            len(_import_queries(tmp_path, "accounts", [account_row(n, roles="ISV_USER", is_active="false") for n in numbers],
                                ACCOUNT_COLUMNS, f"a2{label}.csv")),
            len(_import_queries(tmp_path, "orders", [order_row(n, order_no=f"{n}/2569") for n in numbers], ORDER_COLUMNS,
                                f"r{label}.csv")),
        ]
    assert counts["small"] == counts["large"]
    assert max(counts["small"]) <= 20


# ---------------------------------------------------------------------------------------------------------------
# The command


@pytest.mark.django_db
def test_command_prints_one_line_per_bad_row_and_exits_with_status_1():
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_registry", "officials", str(SAMPLES / "officials_bad.csv"), stdout=out, stderr=err)
    assert refused.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert [line.split(":", 2)[:2] for line in lines] == [
        ["row 2", " national_id"], ["row 3", " unit_code"], ["row 4", " level"], ["row 5", " birth_date"],
        ["row 6", " position"], ["row 7", " status"],
    ]
    assert Official.objects.count() == 0


@pytest.mark.django_db
def test_command_imports_and_dry_runs():
    out = io.StringIO()
    call_command("import_registry", "officials", str(SAMPLES / "officials_good.xlsx"), "--dry-run", stdout=out)
    assert "dry-run" in out.getvalue() and Official.objects.count() == 0
    call_command("import_registry", "officials", str(SAMPLES / "officials_good.xlsx"), stdout=out)
    assert Official.objects.count() == 6
    assert "สร้างใหม่ 6" in out.getvalue()


@pytest.mark.django_db
def test_command_shows_progress_only_on_a_terminal(tmp_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    path = write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(n) for n in range(1, 1202)])
    quiet, terminal = io.StringIO(), Terminal()
    call_command("import_registry", "officials", str(path), "--dry-run", stdout=quiet)
    call_command("import_registry", "officials", str(path), stdout=terminal)
    assert "\r" not in quiet.getvalue()
    assert "\rตรวจข้อมูล: 1,000 แถว" in terminal.getvalue()
    assert "\rบันทึก: 1,201/1,201 แถว" in terminal.getvalue()


@pytest.mark.django_db
def test_command_reports_a_file_it_cannot_read(tmp_path):
    (tmp_path / "list.txt").write_text("hello")
    with pytest.raises(CommandError, match="CSV"):
        call_command("import_registry", "officials", str(tmp_path / "list.txt"))
    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        call_command("import_registry", "officials", str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_other_databases_get_djangos_bulk_create_and_bulk_update(tmp_path, monkeypatch):
    """The linear INSERT/UPDATE statements are for PostgreSQL and SQLite; elsewhere Django's bulk methods do it."""
    import registry.importers.bulk as bulk

    monkeypatch.setattr(bulk, "_fast_path", lambda: False)
    make_officials(1)
    assert registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(2)])).ok
    assert registry_import(kind="officials", source=write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(2, level="K1")],
                                                              name="b.csv")).counts["update"] == 1
    assert Official.objects.get(national_id=nid(2)).level.code == "K1"
    assert registry_import(kind="accounts", source=write_csv(tmp_path, ACCOUNT_COLUMNS, [account_row(1)], name="c.csv")).ok
    assert User.objects.get(username="import.user1").official_id == nid(1)
    assert registry_import(kind="orders", source=write_csv(tmp_path, ORDER_COLUMNS, [order_row(1)], name="d.csv")).ok
    assert OrderLine.objects.get().order.number == "12/2569"


@pytest.mark.django_db
def test_province_importer_cannot_withdraw_holdings_outside_the_province(tmp_path):
    account = UserFactory(username="import.user1", official=OfficialFactory(national_id=nid(1)), registered_unit=unit("4701"))
    hold(account, "ISV_USER", "4701")
    hold(account, "DISTRICT_REVIEWER", "4901")
    report = registry_import(kind="accounts", scope=Scope(roots=[unit("47")]),
                             source=write_csv(tmp_path, ACCOUNT_COLUMNS, [account_row(1, roles="ISV_USER")]))
    assert [(p.row, p.column) for p in report.problems] == [(2, "roles")]
    assert "DISTRICT_REVIEWER@4901" in report.problems[0].message
    assert UnitUserObjectPermission.objects.filter(user=account).count() == 2


@pytest.mark.django_db
def test_bulk_insert_keeps_every_value_as_given():
    """Text with tabs, newlines and backslashes, NULL against the empty string, booleans and aware datetimes come
    back as written (on PostgreSQL they travel in COPY's text format), and the returned keys match the rows."""
    from django.utils import timezone

    from registry.importers.bulk import bulk_insert

    joined = timezone.make_aware(datetime.datetime(2026, 6, 15, 8, 30, 5))
    rows = [
        {"username": f"bulk.{n}", "first_name": name, "last_name": "", "email": "", "password": "!", "is_active": active,
         "is_staff": False, "is_superuser": False, "date_joined": joined, "last_login": None, "official_id": None,
         "registered_unit_id": unit("4701").pk, "deactivated_at": None, "deactivation_reason": ""}
        for n, (name, active) in enumerate([("ก\tข", True), ("line\nbreak\r", False), ("back\\slash \\N", True), ("", True)])
    ]
    keys = dict(bulk_insert(User, rows, returning=("username", "id")))
    stored = {user.username: user for user in User.objects.filter(username__startswith="bulk.")}
    assert keys == {username: user.pk for username, user in stored.items()}
    for row in rows:
        user = stored[row["username"]]
        assert (user.first_name, user.last_name, user.is_active) == (row["first_name"], "", row["is_active"])
        assert user.date_joined == joined and user.last_login is None and user.official_id is None


@pytest.mark.django_db
def test_bulk_insert_stores_text_subclasses_by_their_text():
    """An Enum on str and a lazy translation are stored as their text (on PostgreSQL through COPY, as INSERT would)."""
    import enum

    from django.utils import timezone
    from django.utils.translation import gettext_lazy

    from registry.importers.bulk import bulk_insert

    class Kind(str, enum.Enum):  # noqa: UP042 (not StrEnum: its str() is already the value; this one's is not)
        A = "a-value"

    row = {"username": "bulk.enum", "first_name": Kind.A, "last_name": "", "email": "", "password": "!",
           "is_active": True, "is_staff": False, "is_superuser": False, "date_joined": timezone.now(),
           "last_login": None, "official_id": None, "registered_unit_id": unit("4701").pk, "deactivated_at": None,
           "deactivation_reason": gettext_lazy("ระงับการใช้งานตามแฟ้มนำเข้าข้อมูลทะเบียน")}
    bulk_insert(User, [row])
    stored = User.objects.get(username="bulk.enum")
    assert (stored.first_name, stored.deactivation_reason) == ("a-value", "ระงับการใช้งานตามแฟ้มนำเข้าข้อมูลทะเบียน")
