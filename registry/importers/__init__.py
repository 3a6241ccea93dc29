"""Import the registry (officials, accounts, orders) from CSV or XLSX, as spec/interchange.md describes.

Every row is checked before anything is written; one bad row and nothing is imported. Lookups are read up front in
a fixed number of queries, rows are written with bulk statements in batches, and the whole import, with its single
event (`accounts.registry.imported`), is one transaction. The management command `import_registry` and the web
page (`registry.views`) both call `registry_import`.

Which file changes what: `officials` creates and updates HR records; `orders` adds orders and lines; `accounts`
creates and updates logins and sets their held roles to exactly the file's (see `registry.importers.accounts`).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from events.services import event_record
from registry.importers.accounts import AccountsImporter
from registry.importers.core import (
    PROGRESS_EVERY,
    STAGE_CHECK,
    Action,
    ImportReport,
    PlannedRow,
    Progress,
    Reference,
    RegistryImporter,
    RowCells,
    RowProblem,
    problem_lines,
)
from registry.importers.officials import OfficialsImporter
from registry.importers.orders import OrdersImporter
from registry.importers.reading import ImportFileError, open_rows
from registry.importers.values import cell_text
from rights.scope import Scope

__all__ = [
    "IMPORTERS", "Action", "ImportFileError", "ImportReport", "PlannedRow", "RowProblem", "problem_lines",
    "registry_import",
]

IMPORTERS: dict[str, type[RegistryImporter]] = {
    importer.kind: importer for importer in (OfficialsImporter, AccountsImporter, OrdersImporter)
}


def registry_import(
    *,
    kind: str,
    source: str | Path | BinaryIO,
    filename: str | None = None,
    actor=None,
    scope: Scope | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    origin: str = "command",
    ip_address: str | None = None,
) -> ImportReport:
    """Check every row of `source` and, when none is bad and `dry_run` is false, import the file.

    `scope` limits the rows to units the importer may touch (None: no limit, for the command line). Returns the
    report: its `problems` (empty when the file was good), the planned or done action per row, and the counts.
    Raises ImportFileError when the file cannot be read at all, ValueError for an unknown kind.
    """
    if kind not in IMPORTERS:
        raise ValueError(f"Unknown registry file kind: {kind!r}")
    if isinstance(source, (str, Path)):
        with open(source, "rb") as stream:
            return registry_import(
                kind=kind, source=stream, filename=filename or Path(source).name, actor=actor, scope=scope,
                dry_run=dry_run, progress=progress, origin=origin, ip_address=ip_address,
            )
    filename = filename or getattr(source, "name", "") or "upload"
    filename = Path(filename).name
    with _gc_paused():
        return _import(kind=kind, source=source, filename=filename, actor=actor, scope=scope, dry_run=dry_run,
                       progress=progress, origin=origin, ip_address=ip_address)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cycle collector: a large file makes tens of thousands of small objects that live until the end,
    and the collector would walk them again and again (about a fifth of the time of a 30,000-row import)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(*, kind, source, filename, actor, scope, dry_run, progress, origin, ip_address) -> ImportReport:
    report = ImportReport(kind=kind, filename=filename, dry_run=dry_run)
    if dry_run:
        importer = _check(kind, source, report, scope=scope, actor=actor, progress=progress)
        _log_refusals(importer, kind=kind, filename=filename, origin=origin, ip_address=ip_address, dry_run=True)
        return report
    try:
        with transaction.atomic():
            # Checked inside the transaction that writes, so what was checked is what is written.
            importer = _check(kind, source, report, scope=scope, actor=actor, progress=progress)
            if not report.ok:
                _log_refusals(importer, kind=kind, filename=filename, origin=origin, ip_address=ip_address,
                              dry_run=False)
                return report
            importer.write(actor=actor, progress=progress)
            event = event_record(
                action="accounts.registry.imported",
                actor=actor,
                target_label=f"{kind}: {filename}",
                unit=scope.roots[0] if scope is not None and len(scope.roots) == 1 else None,
                ip_address=ip_address,
                data={
                    "kind": kind,
                    "file": filename,
                    "sha256": _sha256(source),
                    "origin": origin,
                    "rows": report.rows,
                    "created": report.counts[Action.CREATE],
                    "updated": report.counts[Action.UPDATE],
                    "unchanged": report.counts[Action.UNCHANGED],
                    "warnings": [{"row": w.row, "column": w.column, "message": w.message} for w in report.warnings[:100]],
                    "warned_rows": report.warned_rows,
                    **importer.event_data(),
                },
            )
    except IntegrityError:
        # Another import wrote the same IDs between our check and our write; the transaction rolled back.
        raise ImportFileError(_(
            "ข้อมูลในระบบเปลี่ยนไประหว่างการนำเข้า (อาจมีผู้อื่นนำเข้าข้อมูลเดียวกันพร้อมกัน) ไม่ได้นำเข้าข้อมูลใด ๆ กรุณาลองใหม่"
        )) from None
    report.imported = True
    report.event_seq = event.seq
    return report


def _log_refusals(importer: RegistryImporter, *, kind, filename, origin, ip_address, dry_run: bool) -> None:
    """Rows refused for want of authority are logged like every refused grant (nothing of the file is written)."""
    if not importer.refusals:
        return
    scope = importer.scope
    event_record(
        action="accounts.registry.refused", actor=importer.actor, target_label=f"{kind}: {filename}",
        unit=scope.roots[0] if scope is not None and len(scope.roots) == 1 else None, ip_address=ip_address,
        data={"kind": kind, "file": filename, "origin": origin, "preview": dry_run,
              "rows": [{"row": p.row, "column": p.column, "reason": p.message} for p in importer.refusals[:100]]},
    )


def _check(kind: str, source: BinaryIO, report: ImportReport, *, scope: Scope | None, actor, progress: Progress | None):
    importer = IMPORTERS[kind](reference=Reference(), scope=scope, actor=actor)
    with open_rows(source, report.filename) as rows:
        header = next(rows, None)
        if header is None or not any(cell_text(cell) for cell in header):
            importer.problem(1, "-", _("ไฟล์ไม่มีหัวคอลัมน์ (แถวแรกต้องเป็นชื่อคอลัมน์)"))
        elif importer.read_header(header):
            last_row = 1
            for last_row, raw in enumerate(rows, start=2):
                if not any(cell_text(cell) for cell in raw):
                    continue  # blank lines between blocks are common in hand-kept sheets
                cells = RowCells(last_row, raw, importer)
                importer.unnamed_values(cells, raw)
                importer.parse_row(cells)
                report.rows += 1
                if progress and report.rows % PROGRESS_EVERY == 0:
                    progress(str(STAGE_CHECK), report.rows, None)
            if report.rows == 0:
                importer.problem(last_row + 1, "-", _("ไฟล์ไม่มีแถวข้อมูล"))
    if importer.problems and not importer.records:
        report.problems = _sorted(importer, importer.problems)
        return importer
    importer.check()
    report.problems = _sorted(importer, importer.problems)
    report.warnings = _sorted(importer, importer.warnings)
    if report.ok:
        importer.plan()
        report.planned = importer.planned
        report.counts = importer.counts
    return importer


def _sorted(importer: RegistryImporter, problems: list[RowProblem]) -> list[RowProblem]:
    """By row, and within a row in the order of the file's columns."""
    order = {name: index for index, name in enumerate(importer.columns)}
    return sorted(problems, key=lambda p: (p.row, order.get(p.column, len(order))))


def _sha256(source: BinaryIO) -> str:
    source.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: source.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()
