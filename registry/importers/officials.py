"""The `officials` file: the HR record. A national ID already present is updated; this import never touches held roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Level, Official, Position, Unit
from core.national_id import format_national_id
from registry.importers.bulk import bulk_insert, bulk_update_by_pk
from registry.importers.core import (
    ABSENT,
    STAGE_WRITE,
    WRITE_BATCH,
    Action,
    Progress,
    RegistryImporter,
    RowCells,
    chunked,
    fetch_in_chunks,
)
from registry.importers.values import date_value, national_id_value, status_value
from rights.scope import (
    today,
)

# The fields an import may change, compared one by one to tell an update from an unchanged row.
_COMPARED = ("title", "first_name", "last_name", "position_id", "level_id", "unit_id", "status", "birth_date")


@dataclass(slots=True)
class OfficialRow:
    row: int
    national_id: str
    title: Any  # str, or ABSENT to keep the stored one
    first_name: str
    last_name: str
    position: Position
    level: Level
    unit: Unit
    status: str
    birth_date: Any  # date, None, or ABSENT to keep the stored one

    def values(self) -> dict[str, Any]:
        values = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "position_id": self.position.pk,
            "level_id": self.level.pk,
            "unit_id": self.unit.pk,
            "status": self.status,
        }
        if self.title is not ABSENT:
            values["title"] = self.title
        if self.birth_date is not ABSENT:
            values["birth_date"] = self.birth_date
        return values


class OfficialsImporter(RegistryImporter):
    kind = "officials"
    columns = ("national_id", "title", "first_name", "last_name", "position", "level", "unit_code", "status", "birth_date")
    # A file without these columns keeps what the HR record holds; an empty cell clears it.
    optional_columns = frozenset({"title", "birth_date"})
    column_labels = {
        "national_id": gettext_lazy("เลขประจำตัวประชาชน"), "title": gettext_lazy("คำนำหน้า"),
        "first_name": gettext_lazy("ชื่อ"), "last_name": gettext_lazy("นามสกุล"), "position": gettext_lazy("ตำแหน่ง"),
        "level": gettext_lazy("ระดับ"), "unit_code": gettext_lazy("รหัสหน่วยงาน"), "status": gettext_lazy("สถานะ"),
        "birth_date": gettext_lazy("วันเกิด"),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.today = today()
        self.existing: dict[str, tuple[int, dict[str, Any]]] = {}  # national ID -> (pk, stored values)
        self._to_create: list[OfficialRow] = []
        self._to_update: list[tuple[int, dict[str, Any], dict[str, Any]]] = []  # (pk, stored, changed)

    def parse_row(self, cells: RowCells) -> None:
        ref = self.reference
        national_id = cells.get("national_id", national_id_value)
        title = cells.get("title", required=False, max_length=50)
        first_name = cells.get("first_name", max_length=100)
        last_name = cells.get("last_name", max_length=100)
        position = cells.get("position", ref.position)
        level = cells.get("level", ref.level)
        unit = cells.get("unit_code", ref.unit)
        status = cells.get("status", status_value)
        birth_date = cells.get("birth_date", date_value, required=False)
        if birth_date and birth_date > self.today:
            cells.problem("birth_date", _("วันเกิดอยู่ในอนาคต"))
        self.check_scope(cells, "unit_code", unit)
        self.check_unique(cells, "national_id", national_id)
        if cells.ok:
            self.records.append(OfficialRow(
                cells.row, national_id, "" if title is None else title, first_name, last_name, position, level,
                unit, status, birth_date,
            ))

    def check(self) -> None:
        # Plain tuples, not model instances: building 30,000 instances would cost more than the whole check.
        self.existing = {
            national_id: (pk, dict(zip(_COMPARED, values, strict=True)))
            for national_id, pk, *values in fetch_in_chunks(
                Official.objects.values_list("national_id", "pk", *_COMPARED),
                "national_id",
                [record.national_id for record in self.records],
            )
        }
        if self.scope is not None and not self.scope.national:
            for record in self.records:
                stored = self.existing.get(record.national_id)
                unit = self.reference.units_by_id.get(stored[1]["unit_id"]) if stored else None
                if unit is not None and not self.in_scope(unit):
                    self.problem(record.row, "national_id", _(
                        "ข้าราชการรายนี้สังกัด %(code)s (%(name)s) ในทะเบียนบุคคล อยู่นอกขอบเขตที่ท่านนำเข้าได้"
                    ) % {"code": unit.code, "name": unit.name_th})

    def plan(self) -> None:
        for record in self.records:
            label = f"{format_national_id(record.national_id)} {record.first_name} {record.last_name}"
            stored = self.existing.get(record.national_id)
            if stored is None:
                self._to_create.append(record)
                self.add_plan(record.row, Action.CREATE, label)
                continue
            pk, current = stored
            changed = {name: value for name, value in record.values().items() if current[name] != value}
            if changed:
                self._to_update.append((pk, current, changed))
                names = [name.removesuffix("_id") for name in changed]
                self.add_plan(record.row, Action.UPDATE, label, self.field_labels(Official, names))
            else:
                self.add_plan(record.row, Action.UNCHANGED, label)

    def write(self, *, actor, progress: Progress | None) -> None:
        now = timezone.now()
        total = len(self._to_create) + len(self._to_update)
        done = 0
        probe = Official()  # computes each retirement date by the model's own rule, without a model per row
        for chunk in chunked(self._to_create, WRITE_BATCH):
            rows = []
            for record in chunk:
                probe.birth_date = record.birth_date or None
                probe.refresh_retirement_date()
                rows.append({"national_id": record.national_id, **record.values(), "retirement_date": probe.retirement_date,
                             "created_at": now, "updated_at": now})
            bulk_insert(Official, rows)
            done += len(chunk)
            if progress:
                progress(str(STAGE_WRITE), done, total)
        for chunk in chunked(self._to_update, WRITE_BATCH):
            rows = []
            for pk, current, changed in chunk:
                # The statement sets the batch's fields on every row of it: start from the stored values.
                values = {**current, **changed, "updated_at": now}  # no auto_now outside save()
                probe.birth_date = values["birth_date"]
                probe.refresh_retirement_date()
                values["retirement_date"] = probe.retirement_date
                rows.append((pk, values))
            # Only the columns some row of the batch changes.
            batch_fields = sorted({name for _pk, _c, changed in chunk for name in changed} | {"retirement_date", "updated_at"})
            bulk_update_by_pk(Official, rows, batch_fields)
            done += len(chunk)
            if progress:
                progress(str(STAGE_WRITE), done, total)

    def event_data(self) -> dict:
        return {}

