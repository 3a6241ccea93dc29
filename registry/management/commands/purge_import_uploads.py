"""Remove registry-import uploads that were previewed but never confirmed or cancelled.

An upload waits under MEDIA_ROOT/imports/ between the preview and the confirmation (registry.views); confirming
or cancelling removes it, a preview left open does not. These copies are temporary (the person still has the file
and nothing was imported), so removing them loses nothing anyone did. Only files named as the upload page names them
are touched, directly in that folder: no subfolder, no symbolic link and nothing outside it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import time
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.services import event_record
from registry.importers.reading import CSV, XLSX
from registry.jobs import UPLOAD_DIR, upload_dir

# How _store() in registry.views names an upload (a random token and the file's format), and how
# registry.jobs names the state of its check or import.
UPLOAD_NAME = re.compile(rf"^[0-9a-f]{{32}}\.(?:{CSV}|{XLSX}|job\.json)$")
# The event lists the names of at most this many files (its count covers them all).
EVENT_FILES_LISTED = 1000


@dataclass
class RemovedUpload:
    name: str
    size: int
    age: datetime.timedelta


@dataclass
class UploadPurge:
    removed: list[RemovedUpload] = field(default_factory=list)
    kept: int = 0  # recent uploads, still waiting for their confirmation
    skipped: list[str] = field(default_factory=list)  # entries that are not uploads: left alone

    @property
    def bytes(self) -> int:
        return sum(upload.size for upload in self.removed)


def import_uploads_purge(*, older_than: datetime.timedelta, dry_run: bool = False, now: float | None = None) -> UploadPurge:
    """Remove the uploads in MEDIA_ROOT/imports/ last modified more than `older_than` ago; log the run if any went.

    Entries are read without following symbolic links (os.scandir, lstat) and removed with unlink, which removes a
    link rather than its target, so a link placed in the folder can neither lead the purge out of it nor be removed.
    """
    directory = upload_dir()
    purge = UploadPurge()
    if directory.is_symlink():
        raise CommandError(f"{directory} is a symbolic link; refusing to remove files through it")
    if not directory.is_dir():
        return purge
    now = time.time() if now is None else now
    cutoff = now - older_than.total_seconds()
    with os.scandir(directory) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_symlink() or not entry.is_file(follow_symlinks=False) or not UPLOAD_NAME.match(entry.name):
                purge.skipped.append(entry.name)
                continue
            stat = entry.stat(follow_symlinks=False)
            if stat.st_mtime > cutoff:
                purge.kept += 1
                continue
            if not dry_run:
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:  # confirmed or cancelled meanwhile
                    continue
            purge.removed.append(
                RemovedUpload(entry.name, stat.st_size, datetime.timedelta(seconds=int(now - stat.st_mtime)))
            )
    if purge.removed and not dry_run:
        with transaction.atomic():
            event_record(
                action="accounts.import_uploads.purged",
                target_label=f"MEDIA_ROOT/{UPLOAD_DIR}/",
                data={
                    "removed": len(purge.removed),
                    "bytes": purge.bytes,
                    "older_than_hours": older_than.total_seconds() / 3600,
                    "files": [upload.name for upload in purge.removed[:EVENT_FILES_LISTED]],
                },
            )
    return purge


def positive_hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {value!r}") from None
    if not 0 < hours < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 hours: {value!r}")
    return hours


class Command(BaseCommand):
    help = (
        "Remove registry-import uploads that were previewed but never confirmed, from MEDIA_ROOT/imports/, once they "
        "are older than --older-than hours. Nothing else is touched. Run it daily (or hourly) from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=positive_hours, default=24.0, metavar="HOURS",
                            help="remove uploads last modified more than this many hours ago (default 24)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")

    def handle(self, *args, **options):
        hours, dry_run = options["older_than"], options["dry_run"]
        purge = import_uploads_purge(older_than=datetime.timedelta(hours=hours), dry_run=dry_run)
        verb = "Would remove" if dry_run else "Removed"
        for upload in purge.removed:
            self.stdout.write(f"{verb} {upload.name} ({upload.size:,} bytes, {upload.age} old)")
        for name in purge.skipped:
            self.stdout.write(f"Left alone (not an upload): {name}")
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {len(purge.removed)} import upload(s) older than {hours:g} hours ({purge.bytes:,} bytes); "
            f"{purge.kept} recent upload(s) kept."
        ))
