"""Registry imports from the web run beside the request, not in it: checking or importing a national file takes
longer than a server lets one request run, and a person waiting on a blank page reloads it and starts it again.

The upload page stores the file (registry.views), then starts a job here: a thread of the server process
checks the file (a dry run) or imports it, and writes what it has done to a small JSON file beside the upload
(`MEDIA_ROOT/imports/<token>.job.json`), so any server process can show the progress and then the preview. The
state lives beside the upload because the upload already has to be where every process can read it; nothing of
it is needed once the import is done or cancelled, and purge_import_uploads removes what a session left behind.

A job whose file has not been touched for REGISTRY_IMPORT_JOB_STALE_SECONDS died with its process: a check is
started again (it writes nothing); an import rolled back with its transaction, and the person is asked to confirm
again (importing the same file twice changes nothing).

The API's import (api.views_import) starts the same jobs: it answers at once when the job is done within the wait,
and otherwise with 202 and the job's address to ask again. An API job has no confirmation step, so its upload is
removed as soon as the job ends; its state stays until purge_import_uploads removes it.

Inside a transaction (the test suite runs every test in one) a thread could not see the data being checked, so
there the job runs in the request instead, in the same way and with the same states.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import secrets
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from registry.importers import IMPORTERS, Action, ImportFileError, ImportReport, registry_import
from rights.scope import cached_account_rights

logger = logging.getLogger(__name__)

MENU = "menu_import_registry"
UPLOAD_DIR = "imports"
# Rows of the preview tables kept with the job; the counts cover the whole file.
PREVIEW_ROWS = 500

# How upload_stored names an upload: anything else is no upload of ours.
TOKEN = re.compile(r"^[0-9a-f]{32}$")

CHECK = "check"
IMPORT = "import"

CHECKING = "checking"
CHECKED = "checked"  # checked, nothing wrong: waiting for the confirmation
REJECTED = "rejected"  # checked, problems found: nothing can be imported
IMPORTING = "importing"
IMPORTED = "imported"
REFUSED = "refused"  # problems found again at the confirmation (the database changed): nothing imported
FAILED = "failed"  # the file could not be read, or the job broke: nothing imported

RUNNING = {CHECKING, IMPORTING}

# Why a FAILED job failed, for programs (the API) to branch on; `error` says it in the person's language.
UNREADABLE = "unreadable"  # the file itself: not CSV/XLSX, beyond the bounds, broken
NO_RIGHTS = "no_rights"  # the owner lost the menu (or the account) before the job ran
BROKEN = "broken"  # a fault of ours, logged with its traceback
DIED = "died"  # the process running it stopped; nothing was imported


@dataclasses.dataclass
class ImportJob:
    token: str
    kind: str
    name: str
    file_format: str
    owner_id: int
    ip_address: str | None
    language: str
    state: str
    stage: str = ""
    rows_done: int = 0
    started_at: float = 0.0
    updated_at: float = 0.0
    result: dict | None = None
    error: str = ""
    error_code: str = ""
    origin: str = "web"
    task: str = ""

    @property
    def upload_path(self) -> Path:
        return upload_dir() / f"{self.token}.{self.file_format}"

    @property
    def running(self) -> bool:
        return self.state in RUNNING

    @property
    def stale(self) -> bool:
        return self.running and time.time() - self.updated_at > settings.REGISTRY_IMPORT_JOB_STALE_SECONDS

    @property
    def elapsed_seconds(self) -> int:
        return int((self.updated_at if not self.running else time.time()) - self.started_at)


def upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR


def job_path(token: str) -> Path:
    return upload_dir() / f"{token}.job.json"


def import_job(token: str) -> ImportJob | None:
    try:
        data = json.loads(job_path(token).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    fields = {field.name for field in dataclasses.fields(ImportJob)}
    return ImportJob(**{key: value for key, value in data.items() if key in fields})


def _saved(job: ImportJob) -> ImportJob:
    """Write the job atomically (a reader sees the old state or the new one, never half a file)."""
    job.updated_at = time.time()
    path = job_path(job.token)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_text(json.dumps(dataclasses.asdict(job), ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
    return job


def import_job_died(job: ImportJob) -> ImportJob:
    """Record that a stale job's process stopped: nothing was imported (its transaction rolled back)."""
    job.state, job.error_code = FAILED, DIED
    job.error = _("การตรวจหรือนำเข้าหยุดกลางคัน ไม่ได้นำเข้าข้อมูลใด ๆ กรุณาส่งไฟล์อีกครั้ง")
    job.upload_path.unlink(missing_ok=True)
    return _saved(job)


def import_job_forgotten(token: str) -> None:
    job_path(token).unlink(missing_ok=True)


def upload_stored(upload, file_format: str) -> str:
    """Copy an uploaded file to where every server process can read it; return its new random token."""
    token = secrets.token_hex(16)
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / f"{token}.{file_format}").open("xb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return token


def import_job_started(
    *, token: str, pending: dict, user, ip_address: str | None, task: str, origin: str = "web"
) -> ImportJob:
    """Start checking (`CHECK`) or importing (`IMPORT`) the upload `token` for `user`; return the job as started.

    Waits up to REGISTRY_IMPORT_WAIT_SECONDS for it, so a small file's page answers at once; returns the job's
    state then."""
    previous = import_job(token)
    job = ImportJob(
        token=token, kind=pending["kind"], name=pending["name"], file_format=pending["format"], owner_id=user.pk,
        ip_address=ip_address, language=translation.get_language() or settings.LANGUAGE_CODE,
        state=CHECKING if task == CHECK else IMPORTING, started_at=time.time(), origin=origin, task=task,
        # Until the import has its own answer, the page keeps showing what the check found.
        result=previous.result if previous is not None and task == IMPORT else None,
    )
    _saved(job)
    if connection.in_atomic_block:
        _run(token, task)
    else:
        worker = threading.Thread(target=_run_in_thread, args=(token, task), name=f"registry-import-{token[:8]}")
        worker.start()
        worker.join(timeout=settings.REGISTRY_IMPORT_WAIT_SECONDS)
    return import_job(token) or job


def _run_in_thread(token: str, task: str) -> None:
    try:
        _run(token, task)
    finally:
        connection.close()  # the thread's own connection


def _run(token: str, task: str) -> None:
    from accounts.models import User

    job = import_job(token)
    if job is None:  # cancelled before the job began
        return
    with translation.override(job.language):
        try:
            _work(job, User.objects.get(pk=job.owner_id), task)
        except Exception:
            logger.exception("registry import job %s failed", token)
            job.state, job.error_code = FAILED, BROKEN
            job.error = _("เกิดข้อผิดพลาดระหว่างตรวจหรือนำเข้าไฟล์ ไม่ได้นำเข้าข้อมูลใด ๆ กรุณาลองใหม่")
            _saved(job)
        finally:
            if job.origin == "api":  # no confirmation follows: the copy of the file has served
                job.upload_path.unlink(missing_ok=True)


def _work(job: ImportJob, user, task: str) -> None:
    # The rights are read again now: they may have changed since the upload.
    scope = cached_account_rights(user).scope_for(MENU) if user.is_active else None
    if not scope:
        job.state, job.error_code = FAILED, NO_RIGHTS
        job.error = _("ท่านไม่มีสิทธิ์นำเข้าข้อมูลทะเบียนแล้ว ไม่ได้นำเข้าข้อมูลใด ๆ")
        _saved(job)
        return

    def progress(stage: str, done: int, total: int | None) -> None:
        if import_job(job.token) is None:
            raise _Cancelled
        job.stage, job.rows_done = stage, done
        _saved(job)

    try:
        report = registry_import(
            kind=job.kind, source=job.upload_path, filename=job.name, scope=scope, dry_run=task == CHECK,
            actor=user, origin=job.origin, ip_address=job.ip_address, progress=progress,
        )
    except _Cancelled:
        return
    except ImportFileError as exc:
        job.state, job.error, job.error_code = FAILED, str(exc), UNREADABLE
    else:
        job.result = report_summary(report)
        if task == CHECK:
            job.state = CHECKED if report.ok else REJECTED
        else:
            job.state = IMPORTED if report.imported else REFUSED
    if import_job(job.token) is not None:  # not cancelled meanwhile
        _saved(job)


class _Cancelled(Exception):
    """The upload was cancelled while its job ran: stop, write nothing more."""


def report_summary(report: ImportReport) -> dict:
    """What the preview shows of a report, as JSON: counts of the whole file, the first PREVIEW_ROWS of each list."""
    labels = IMPORTERS[report.kind].column_labels

    def row_problem(problem):
        return {"row": problem.row, "column": problem.column, "label": str(labels.get(problem.column, "")),
                "message": str(problem.message)}

    changes = [row for row in report.planned if row.action != Action.UNCHANGED]
    return {
        "rows": report.rows,
        "problems": len(report.problems),
        "warnings": len(report.warnings),
        "bad_rows": report.bad_rows,
        "warned_rows": report.warned_rows,
        "counts": {action: report.counts.get(action, 0) for action in (Action.CREATE, Action.UPDATE, Action.UNCHANGED)},
        "problem_list": [row_problem(problem) for problem in report.problems[:PREVIEW_ROWS]],
        "warning_list": [row_problem(warning) for warning in report.warnings[:PREVIEW_ROWS]],
        "change_list": [
            {"row": row.row, "action": row.action, "label": str(row.label), "changes": str(row.changes)}
            for row in changes[:PREVIEW_ROWS]
        ],
        "changes": len(changes),
        "imported": report.imported,
        "event_seq": report.event_seq,
    }
