"""What every registry import shares: the header check, per-row cell reading, reference lookups, the report."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Level, Position, Unit
from registry.importers.values import (
    Cell,
    CellError,
    cell_text,
    code_value,
    collapse_spaces,
    level_key,
    level_names,
)
from rights import rules
from rights.models import Role
from rights.scope import (
    Scope,
)

# Rows written per bulk statement, and keys per `__in` lookup: a 30,000-row file costs a few dozen queries.
WRITE_BATCH = 1000
LOOKUP_CHUNK = 2000
PROGRESS_EVERY = 1000


class _Absent:
    """A column the file does not have (allowed only for optional columns): keep what the database holds."""

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()

Progress = Callable[[str, int, int | None], None]

STAGE_CHECK = gettext_lazy("ตรวจข้อมูล")
STAGE_WRITE = gettext_lazy("บันทึก")


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"

    LABELS = {
        CREATE: gettext_lazy("สร้างใหม่"),
        UPDATE: gettext_lazy("แก้ไข"),
        UNCHANGED: gettext_lazy("ไม่เปลี่ยนแปลง"),
    }


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in a file: the spreadsheet row (the header is row 1), the column, and what is wrong, in Thai."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.message}"


def problem_lines(problems: Iterable[RowProblem]) -> list[str]:
    """One line per bad row, `row N: column: what is wrong`; a row's further problems follow after "; "."""
    by_row: dict[int, list[RowProblem]] = {}
    for problem in problems:
        by_row.setdefault(problem.row, []).append(problem)
    lines = []
    for row in sorted(by_row):
        parts = [f"{p.column}: {p.message}" for p in by_row[row]]
        lines.append(f"row {row}: " + "; ".join(parts))
    return lines


@dataclass
class PlannedRow:
    """What the import does (or would do) with one row: shown in the web preview."""

    row: int
    action: str
    label: str
    changes: str = ""

    @property
    def action_label(self) -> str:
        return str(Action.LABELS[self.action])


@dataclass
class ImportReport:
    kind: str
    filename: str
    dry_run: bool
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    # What the office should know but that does not stop the import (e.g. an order naming someone the HR record
    # does not have yet): listed beside the problems, counted in the summary.
    warnings: list[RowProblem] = field(default_factory=list)
    planned: list[PlannedRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    imported: bool = False
    event_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})

    @property
    def warned_rows(self) -> int:
        return len({w.row for w in self.warnings})

    def problem_lines(self) -> list[str]:
        return problem_lines(self.problems)

    def warning_lines(self) -> list[str]:
        return problem_lines(self.warnings)

    def summary(self) -> str:
        text = _("%(kind)s: %(rows)s แถว สร้างใหม่ %(created)s แก้ไข %(updated)s ไม่เปลี่ยนแปลง %(unchanged)s") % {
            "kind": self.kind,
            "rows": f"{self.rows:,}",
            "created": f"{self.counts.get(Action.CREATE, 0):,}",
            "updated": f"{self.counts.get(Action.UPDATE, 0):,}",
            "unchanged": f"{self.counts.get(Action.UNCHANGED, 0):,}",
        }
        if self.warnings:
            text += _(" คำเตือน %(warned)s แถว") % {"warned": f"{self.warned_rows:,}"}
        return text


def chunked(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def fetch_in_chunks(queryset: QuerySet, field_name: str, keys: Iterable) -> Iterator[Any]:
    """Run `queryset.filter(<field>__in=chunk)` per chunk of keys: one query per LOOKUP_CHUNK keys, not per row."""
    keys = sorted(set(keys))
    for chunk in chunked(keys, LOOKUP_CHUNK):
        yield from queryset.filter(**{f"{field_name}__in": chunk})


class Reference:
    """Units, levels, positions and roles, each read once (four queries) for the whole file."""

    def __init__(self) -> None:
        units = list(Unit.objects.only("id", "code", "path", "name_th", "kind", "is_bma"))
        self.units_by_code = {unit.code.upper(): unit for unit in units}
        self.units_by_id = {unit.pk: unit for unit in units}
        levels = list(Level.objects.all())
        self.levels = level_names(levels)
        self.positions = {collapse_spaces(p.name_th): p for p in Position.objects.all()}
        roles = list(Role.objects.only("id", "code", "name_th", "permission_id", "national_scope", "granted_by"))
        self.roles = {role.code: role for role in roles}
        self.roles_by_permission = {role.permission_id: role for role in roles}

    def unit(self, value: Cell) -> Unit:
        unit = self.units_by_code.get(code_value(value))
        if unit is None:
            raise CellError(_("ไม่พบหน่วยงานรหัส %(value)s") % {"value": cell_text(value)})
        return unit

    def level(self, value: Cell) -> Level:
        level = self.levels.get(level_key(value))
        if level is None:
            raise CellError(
                _("ไม่รู้จักระดับ %(value)s (ใช้รหัส เช่น K3 ชื่อภาษาไทย เช่น ชำนาญการพิเศษ หรือชื่อภาษาอังกฤษ)")
                % {"value": cell_text(value)}
            )
        return level

    def position(self, value: Cell) -> Position:
        position = self.positions.get(collapse_spaces(cell_text(value)))
        if position is None:
            raise CellError(_("ไม่พบตำแหน่ง %(value)s ในข้อมูลอ้างอิง") % {"value": cell_text(value)})
        return position

    def role(self, value: Cell) -> Role:
        role = self.roles.get(code_value(value))
        if role is None:
            raise CellError(_("ไม่รู้จักบทบาท %(value)s") % {"value": cell_text(value)})
        return role


class RowCells:
    """The cells of one data row, read by column name; each unreadable cell becomes a problem of this row."""

    __slots__ = ("row", "_cells", "_importer", "ok")

    def __init__(self, row: int, cells: list[Cell], importer: RegistryImporter) -> None:
        self.row = row
        self._cells = cells
        self._importer = importer
        self.ok = True

    def problem(self, column: str, message: str) -> None:
        self.ok = False
        self._importer.problem(self.row, column, message)

    def refuse(self, column: str, message: str) -> None:
        self.ok = False
        self._importer.refuse(self.row, column, message)

    def get(
        self,
        column: str,
        parse: Callable[[Cell], Any] | None = None,
        *,
        required: bool = True,
        max_length: int | None = None,
    ) -> Any:
        """The parsed value of `column`; None when empty (a problem if required); ABSENT when the file lacks it."""
        index = self._importer.column_index.get(column)
        if index is None:
            return ABSENT
        value = self._cells[index] if index < len(self._cells) else None
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if required:
                self.problem(column, _("ต้องกรอกข้อมูล"))
            return None
        if parse is None:
            text = collapse_spaces(cell_text(value))
            if max_length is not None and len(text) > max_length:
                self.problem(column, _("ยาวเกิน %(max)d ตัวอักษร") % {"max": max_length})
                return None
            return text
        try:
            return parse(value)
        except CellError as exc:
            self.problem(column, str(exc))
            return None


class RegistryImporter:
    """One kind of interchange file. Subclasses read rows into records, check them, plan, then write in bulk.

    The steps: `read_header`, `parse_row` per row (no query), `check` (a fixed number of queries whatever the
    number of rows: lookups by chunks of keys), `plan` (no query), `write` (bulk statements in batches).
    """

    kind: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    # Columns a file may leave out; every other column of `columns` must be in the header.
    optional_columns: ClassVar[frozenset[str]] = frozenset()
    # Thai names of the columns, for people reading the preview.
    column_labels: ClassVar[dict[str, str]] = {}

    def __init__(self, *, reference: Reference, scope: Scope | None, actor=None) -> None:
        self.reference = reference
        self.scope = scope
        # Whose import it is, and the authority its grants are judged by: the command line is the centre's.
        self.actor = actor
        self.authority = scope if scope is not None else Scope(national=True)
        self.column_index: dict[str, int] = {}
        self._unnamed_columns: list[int] = []
        self.problems: list[RowProblem] = []
        # The problems that are refusals of authority (a role above the importer's, a row about themselves): the
        # import logs them as a refusal, as every other path does.
        self.refusals: list[RowProblem] = []
        self.warnings: list[RowProblem] = []
        self.records: list = []
        self.planned: list[PlannedRow] = []
        self.counts: dict[str, int] = {Action.CREATE: 0, Action.UPDATE: 0, Action.UNCHANGED: 0}
        self._first_rows: dict[str, dict[Any, int]] = {}

    # -- problems and scope -------------------------------------------------------------------------------------

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(RowProblem(row, column, message))

    def refuse(self, row: int, column: str, message: str) -> None:
        """A problem that is a refusal of authority (rights.rules), logged by the import."""
        self.problem(row, column, message)
        self.refusals.append(RowProblem(row, column, message))

    def warn(self, row: int, column: str, message: str) -> None:
        """Something the office should know about a row that is imported all the same."""
        self.warnings.append(RowProblem(row, column, message))

    def in_scope(self, unit: Unit | None) -> bool:
        return self.scope is None or self.scope.contains(unit)

    def check_scope(self, cells: RowCells, column: str, unit: Unit | None) -> None:
        # A province reviewer imports only rows of units in the province: anything else is refused by row.
        if unit is not None and not self.in_scope(unit):
            cells.problem(column, _("หน่วยงาน %(code)s (%(name)s) อยู่นอกขอบเขตที่ท่านนำเข้าได้")
                          % {"code": unit.code, "name": unit.name_th})

    def grant_problem(self, role: Role | None, unit: Unit | None) -> str | None:
        """rights.rules.grant_refusal for the importer: a role above its authority at that unit is a bad row."""
        if role is None or unit is None:
            return None
        return rules.grant_refusal(self.authority, role, unit)

    def check_unique(self, cells: RowCells, column: str, value: Any) -> None:
        """Refuse a value of `column` seen on an earlier row of the file, naming that row."""
        if value is None:
            return
        first_rows = self._first_rows.setdefault(column, {})
        first = first_rows.setdefault(value, cells.row)
        if first != cells.row:
            cells.problem(column, duplicate_message(first))

    # -- header -------------------------------------------------------------------------------------------------

    def read_header(self, header: list[Cell]) -> bool:
        """Map column names to positions; report unknown, duplicated and missing columns on row 1."""
        known = set(self.columns)
        for index, cell in enumerate(header):
            name = cell_text(cell).lstrip("\ufeff").strip().lower()
            if not name:
                self._unnamed_columns.append(index)
            elif name in self.column_index:
                self.problem(1, name, _("หัวคอลัมน์ซ้ำ"))
            elif name not in known:
                self.problem(1, name, _("ไม่รู้จักคอลัมน์นี้ คอลัมน์ของแฟ้ม %(kind)s คือ %(columns)s")
                             % {"kind": self.kind, "columns": ", ".join(self.columns)})
            else:
                self.column_index[name] = index
        for name in self.columns:
            if name not in self.column_index and name not in self.optional_columns:
                self.problem(1, name, _("ไม่มีคอลัมน์นี้ในหัวตาราง (ต้องมี)"))
        return not self.problems

    def unnamed_values(self, cells: RowCells, raw: list[Cell]) -> None:
        width = len(self.column_index) + len(self._unnamed_columns)
        for index in [*self._unnamed_columns, *range(width, len(raw))]:
            if index < len(raw) and cell_text(raw[index]):
                cells.problem(_("คอลัมน์ที่ %(n)d") % {"n": index + 1}, _("มีข้อมูลในคอลัมน์ที่ไม่มีหัวคอลัมน์"))

    # -- the steps subclasses fill in ---------------------------------------------------------------------------

    def parse_row(self, cells: RowCells) -> None:
        raise NotImplementedError

    def check(self) -> None:
        """Cross-row and database checks, after every row was read."""

    def plan(self) -> None:
        raise NotImplementedError

    def write(self, *, actor, progress: Progress | None) -> None:
        raise NotImplementedError

    def event_data(self) -> dict:
        return {}

    # -- helpers ------------------------------------------------------------------------------------------------

    def add_plan(self, row: int, action: str, label: str, changes: str = "") -> None:
        self.counts[action] += 1
        self.planned.append(PlannedRow(row, action, label, changes))

    def field_labels(self, model: type[Model], names: Iterable[str]) -> str:
        return ", ".join(str(model._meta.get_field(name).verbose_name) for name in names)


def duplicate_message(first_row: int) -> str:
    return _("ซ้ำกับแถวที่ %(row)d ในไฟล์เดียวกัน") % {"row": first_row}


def not_in_future(value: datetime.date | datetime.datetime | None, today: datetime.date) -> bool:
    if value is None:
        return True
    day = value.date() if isinstance(value, datetime.datetime) else value
    return day <= today
