"""The `orders` file: assignment-order lines. This import never touches held roles.

Decisions
---------
- Lines with the same `order_no` and `issuing_unit_code` form one order; every line of it must give the same
  `order_date` (a line that disagrees is an error naming the order's first row).
- An order already in the database with that number and issuer receives the file's lines that it does not have
  yet; a line identical to a stored one (same person, role, unit, position, level, dates) is skipped, so importing
  the same file twice changes nothing. The stored order's date must equal the file's, and a revoked order takes no
  new lines: both are errors. Lines are never changed or removed by an import (an order is superseded by a new one).
- Two identical lines in one file are an error, like duplicate IDs in the other files.
- The person is kept as the order names them (national ID, and the name from the optional `full_name` column). A
  national ID that the HR record does not have (yet) is a warning, not a bad row: the written order is a legal
  fact, the HR record lags behind, and the audit exists to show the difference. The line reaches the HR record by
  the ID as soon as an `officials` import brings the person. A checksum-invalid ID is a bad row (a typing mistake).
- Each line's role must be one the importer may grant at the line's unit (rights.rules.may_grant:
  CENTRAL_ADMIN and PROVINCE_REVIEWER only by the centre, and so on), and no line may name the importer: both are
  bad rows.
- Four eyes: the lines an import adds grant nothing until a second person confirms their order
  (lifecycle.services.order_confirm). Only an import by the centre (national scope, or the command line) with the
  setting ORDERS_CENTRAL_IMPORT_SELF_CONFIRM on is confirmed by its importer at once.
- An importer with a limited scope (a province reviewer) imports lines only for units in that scope, and sees the
  HR record only of people whose HR unit is in it: anyone else, whether unknown to the country or on the record
  of another office, gets the same warning (not in the HR record of your scope), so the import never tells
  whether a national ID exists elsewhere. The order form and the API follow the same rule
  (lifecycle.services.order_record).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Level, Official, Position, Unit
from core.national_id import format_national_id
from registry.importers.bulk import bulk_insert
from registry.importers.core import (
    STAGE_WRITE,
    WRITE_BATCH,
    Action,
    Progress,
    RegistryImporter,
    RowCells,
    chunked,
    duplicate_message,
    fetch_in_chunks,
)
from registry.importers.values import date_value, describe_date, national_id_value, order_number_value
from rights import rules
from rights.models import AssignmentOrder, OrderLine, Role


@dataclass(slots=True)
class OrderLineRow:
    row: int
    order_no: str
    order_date: datetime.date
    issuing_unit: Unit
    national_id: str
    written_name: str
    role: Role
    unit: Unit
    position: Position
    level: Level
    effective_from: datetime.date
    effective_to: datetime.date | None

    @property
    def order_key(self) -> tuple[int, str]:
        return (self.issuing_unit.pk, self.order_no)

    @property
    def line_key(self) -> tuple:
        return (self.national_id, self.role.pk, self.unit.pk, self.position.pk, self.level.pk, self.effective_from,
                self.effective_to)


class OrdersImporter(RegistryImporter):
    kind = "orders"
    columns = (
        "order_no", "order_date", "issuing_unit_code", "national_id", "role", "unit_code", "position", "level",
        "effective_from", "effective_to", "full_name",
    )
    optional_columns = frozenset({"effective_to", "full_name"})
    column_labels = {
        "order_no": gettext_lazy("เลขที่คำสั่ง"), "order_date": gettext_lazy("วันที่ออกคำสั่ง"),
        "issuing_unit_code": gettext_lazy("รหัสหน่วยงานที่ออกคำสั่ง"),
        "national_id": gettext_lazy("เลขประจำตัวประชาชน"), "role": gettext_lazy("บทบาท"),
        "unit_code": gettext_lazy("รหัสหน่วยงาน"), "position": gettext_lazy("ตำแหน่ง"),
        "level": gettext_lazy("ระดับ"), "effective_from": gettext_lazy("มีผลตั้งแต่"),
        "effective_to": gettext_lazy("มีผลถึง"), "full_name": gettext_lazy("ชื่อ-นามสกุลตามคำสั่ง"),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.on_record: set[str] = set()  # national IDs of the file in the HR record of the importer's scope
        self.existing_orders: dict[tuple[int, str], AssignmentOrder] = {}
        self.existing_lines: set[tuple] = set()  # (order pk, *line_key)
        self._new_orders: dict[tuple[int, str], OrderLineRow] = {}  # order key -> its first row
        self._new_lines: list[OrderLineRow] = []
        self.extended: set[tuple[int, str]] = set()

    def parse_row(self, cells: RowCells) -> None:
        ref = self.reference
        order_no = cells.get("order_no", order_number_value)
        order_date = cells.get("order_date", date_value)
        issuing_unit = cells.get("issuing_unit_code", ref.unit)
        national_id = cells.get("national_id", national_id_value)
        role = cells.get("role", ref.role)
        unit = cells.get("unit_code", ref.unit)
        position = cells.get("position", ref.position)
        level = cells.get("level", ref.level)
        effective_from = cells.get("effective_from", date_value)
        effective_to = cells.get("effective_to", date_value, required=False) or None
        written_name = cells.get("full_name", required=False, max_length=200) or ""
        if effective_from and effective_to and effective_to < effective_from:
            cells.problem("effective_to", _("วันสิ้นสุด (%(end)s) อยู่ก่อนวันเริ่มมีผล (%(start)s)")
                          % {"end": describe_date(effective_to), "start": describe_date(effective_from)})
        self.check_scope(cells, "issuing_unit_code", issuing_unit)
        self.check_scope(cells, "unit_code", unit)
        # A unit outside the scope is refused already; saying also that the role may not be granted there is noise.
        if (unit is None or self.in_scope(unit)) and (refusal := self.grant_problem(role, unit)):
            cells.refuse("role", refusal)
        if national_id and rules.is_self(self.actor, national_id=national_id):
            cells.refuse("national_id", _("แถวนี้ระบุตัวท่านเอง ท่านนำเข้าคำสั่งที่ให้สิทธิ์แก่ตนเองไม่ได้"))
        if cells.ok:
            self.records.append(OrderLineRow(cells.row, order_no, order_date, issuing_unit, national_id, written_name,
                                             role, unit, position, level, effective_from, effective_to))

    def check(self) -> None:
        units = self.reference.units_by_id
        self.on_record = {
            national_id
            for national_id, unit_id in fetch_in_chunks(
                Official.objects.values_list("national_id", "unit_id"), "national_id",
                {r.national_id for r in self.records},
            )
            if self.in_scope(units.get(unit_id))
        }
        for order in fetch_in_chunks(
            AssignmentOrder.objects.only("id", "number", "order_date", "issuing_unit_id", "revoked_at"),
            "number",
            {r.order_no for r in self.records},
        ):
            self.existing_orders[(order.issuing_unit_id, order.number)] = order
        touched = [self.existing_orders[r.order_key].pk for r in self.records if r.order_key in self.existing_orders]
        for order_id, *line in fetch_in_chunks(
            OrderLine.objects.values_list("order_id", "official_id", "role_id", "unit_id", "position_id", "level_id",
                                          "effective_from", "effective_to"),
            "order_id",
            touched,
        ):
            self.existing_lines.add((order_id, *line))

        first_of_order: dict[tuple[int, str], OrderLineRow] = {}
        first_of_line: dict[tuple, int] = {}
        valid = []
        for record in self.records:
            ok = True
            first = first_of_order.setdefault(record.order_key, record)
            if record.order_date != first.order_date:
                ok = self._bad(record, "order_date", _(
                    "วันที่ออกคำสั่ง (%(date)s) ไม่ตรงกับแถวที่ %(row)d ของคำสั่งเดียวกัน (%(first)s)"
                ) % {"date": describe_date(record.order_date), "row": first.row, "first": describe_date(first.order_date)})
            stored = self.existing_orders.get(record.order_key)
            if stored is not None and stored.revoked_at is not None:
                ok = self._bad(record, "order_no", _("คำสั่งที่ %(no)s ของ %(unit)s ถูกยกเลิกแล้ว เพิ่มรายการไม่ได้")
                               % {"no": record.order_no, "unit": record.issuing_unit.code})
            elif stored is not None and stored.order_date != record.order_date:
                ok = self._bad(record, "order_date", _(
                    "คำสั่งที่ %(no)s ของ %(unit)s มีในระบบแล้ว ลงวันที่ %(stored)s ไม่ใช่ %(date)s"
                ) % {"no": record.order_no, "unit": record.issuing_unit.code, "stored": describe_date(stored.order_date),
                     "date": describe_date(record.order_date)})
            key = (record.order_key, *record.line_key)
            if key in first_of_line:
                ok = self._bad(record, "-", duplicate_message(first_of_line[key]))
            first_of_line.setdefault(key, record.row)
            if ok and record.national_id not in self.on_record:
                self.warn(record.row, "national_id", self._not_on_record(record))
            if ok:
                valid.append(record)
        self.records = valid

    def _not_on_record(self, record: OrderLineRow) -> str:
        values = {"id": format_national_id(record.national_id)}
        if self.scope is not None and not self.scope.national:
            return _(
                "ไม่พบเลขประจำตัวประชาชน %(id)s ในทะเบียนบุคคลของหน่วยงานในขอบเขตของท่าน นำเข้าตามที่เขียนในคำสั่ง "
                "และจะเชื่อมกับทะเบียนบุคคลเมื่อทะเบียนบุคคลมีบุคคลนี้"
            ) % values
        return _(
            "ไม่พบเลขประจำตัวประชาชน %(id)s ในทะเบียนบุคคล นำเข้าตามที่เขียนในคำสั่ง "
            "และจะเชื่อมกับทะเบียนบุคคลเมื่อนำเข้าแฟ้ม officials ที่มีบุคคลนี้"
        ) % values

    def _bad(self, record: OrderLineRow, column: str, message: str) -> bool:
        self.problem(record.row, column, message)
        return False

    def plan(self) -> None:
        for record in self.records:
            label = (f"{record.order_no} ({record.issuing_unit.code}) {format_national_id(record.national_id)} "
                     f"{record.role.code} @ {record.unit.code}")
            stored = self.existing_orders.get(record.order_key)
            if stored is None:
                self._new_orders.setdefault(record.order_key, record)
                self._new_lines.append(record)
                self.add_plan(record.row, Action.CREATE, label, _("คำสั่งใหม่"))
            elif (stored.pk, *record.line_key) in self.existing_lines:
                self.add_plan(record.row, Action.UNCHANGED, label, _("มีรายการนี้ในคำสั่งเดิมแล้ว"))
            else:
                self._new_lines.append(record)
                self.extended.add(record.order_key)
                self.add_plan(record.row, Action.CREATE, label, _("เพิ่มรายการในคำสั่งที่มีอยู่"))

    @property
    def confirmed_at_import(self) -> bool:
        return self.authority.national and settings.ORDERS_CENTRAL_IMPORT_SELF_CONFIRM

    def write(self, *, actor, progress: Progress | None) -> None:
        now = timezone.now()
        recorded_by = actor.pk if actor is not None and actor.pk else None
        confirmed_at = now if self.confirmed_at_import else None
        confirmed_by = recorded_by if self.confirmed_at_import else None
        created = bulk_insert(AssignmentOrder, [
            {"number": first.order_no, "order_date": first.order_date, "issuing_unit_id": first.issuing_unit.pk,
             "recorded_by_id": recorded_by, "created_at": now, "updated_at": now}
            for first in self._new_orders.values()
        ], returning=("id", "issuing_unit_id", "number"))
        order_ids = {(unit_id, number): pk for pk, unit_id, number in created}
        order_ids.update({key: order.pk for key, order in self.existing_orders.items()})
        done = 0
        for chunk in chunked(self._new_lines, WRITE_BATCH):
            bulk_insert(OrderLine, [
                {
                    "order_id": order_ids[record.order_key], "official_id": record.national_id,
                    "written_name": record.written_name,
                    "role_id": record.role.pk, "unit_id": record.unit.pk, "position_id": record.position.pk,
                    "level_id": record.level.pk, "effective_from": record.effective_from,
                    "effective_to": record.effective_to, "recorded_by_id": recorded_by, "confirmed_at": confirmed_at,
                    "confirmed_by_id": confirmed_by,
                }
                for record in chunk
            ])
            done += len(chunk)
            if progress:
                progress(str(STAGE_WRITE), done, len(self._new_lines))

    def event_data(self) -> dict:
        units = self.reference.units_by_id
        return {
            "orders_created": sorted(f"{no}@{units[unit_id].code}" for unit_id, no in self._new_orders),
            "orders_extended": sorted(f"{no}@{units[unit_id].code}" for unit_id, no in self.extended),
            "lines_created": len(self._new_lines),
            "pending_confirmation": bool(self._new_lines) and not self.confirmed_at_import,
        }
