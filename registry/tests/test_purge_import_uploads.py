"""purge_import_uploads: old unconfirmed uploads go, recent ones stay, nothing outside MEDIA_ROOT/imports/ is touched."""

from __future__ import annotations

import os
import secrets
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from events.models import Event

HOUR = 3600


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "imports").mkdir(parents=True)
    return settings.MEDIA_ROOT


def put(path: Path, *, hours_old: float, content: bytes = b"national_id,first_name\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    then = time.time() - hours_old * HOUR
    os.utime(path, (then, then))
    return path


def upload(media: Path, *, hours_old: float, fmt: str = "csv") -> Path:
    return put(media / "imports" / f"{secrets.token_hex(16)}.{fmt}", hours_old=hours_old)


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_import_uploads", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_old_uploads_are_removed_and_recent_ones_kept(media):
    old_csv, old_xlsx = upload(media, hours_old=25), upload(media, hours_old=24 * 7, fmt="xlsx")
    recent = upload(media, hours_old=23)
    output = purge()
    assert not old_csv.exists() and not old_xlsx.exists()
    assert recent.exists()
    assert f"Removed {old_csv.name}" in output and f"Removed {old_xlsx.name}" in output
    assert recent.name not in output
    assert "Removed 2 import upload(s) older than 24 hours" in output
    assert "1 recent upload(s) kept" in output


@pytest.mark.django_db
def test_older_than_sets_the_age(media):
    two_hours, half_hour = upload(media, hours_old=2), upload(media, hours_old=0.5)
    purge("--older-than", "1")
    assert not two_hours.exists()
    assert half_hour.exists()


@pytest.mark.django_db
def test_the_run_is_logged_once_with_what_it_removed(media):
    removed = sorted([upload(media, hours_old=30).name, upload(media, hours_old=48).name])
    upload(media, hours_old=1)
    purge()
    event = Event.objects.get(action="accounts.import_uploads.purged")
    assert event.actor is None
    assert event.data["removed"] == 2
    assert sorted(event.data["files"]) == removed
    assert event.data["older_than_hours"] == 24


@pytest.mark.django_db
def test_a_run_that_removes_nothing_logs_nothing(media):
    upload(media, hours_old=1)
    assert "Removed 0 import upload(s)" in purge()
    assert not Event.objects.filter(action="accounts.import_uploads.purged").exists()


@pytest.mark.django_db
def test_dry_run_removes_nothing_and_logs_nothing(media):
    old = upload(media, hours_old=48)
    output = purge("--dry-run")
    assert old.exists()
    assert f"Would remove {old.name}" in output
    assert "Would remove 1 import upload(s)" in output
    assert not Event.objects.filter(action="accounts.import_uploads.purged").exists()


@pytest.mark.django_db
def test_files_outside_the_folder_or_not_named_as_uploads_are_untouched(media, tmp_path):
    token = secrets.token_hex(16)
    outside = [
        put(media / f"{token}.csv", hours_old=100),  # MEDIA_ROOT itself
        put(media / "orders" / "2569" / f"{token}.csv", hours_old=100),  # another upload folder
        put(tmp_path / f"{token}.csv", hours_old=100),  # outside MEDIA_ROOT
    ]
    not_uploads = [
        put(media / "imports" / "README.txt", hours_old=100),
        put(media / "imports" / f"{token}.pdf", hours_old=100),
        put(media / "imports" / "nested" / f"{secrets.token_hex(16)}.csv", hours_old=100),  # no recursion
    ]
    output = purge()
    assert all(path.exists() for path in outside + not_uploads)
    assert "Removed 0 import upload(s)" in output
    assert "Left alone (not an upload): README.txt" in output


@pytest.mark.django_db
def test_symbolic_links_are_not_followed_nor_removed(media, tmp_path):
    target = put(tmp_path / "elsewhere" / "precious.csv", hours_old=100)
    link = media / "imports" / f"{secrets.token_hex(16)}.csv"
    link.symlink_to(target)
    os.utime(link, (time.time() - 100 * HOUR,) * 2, follow_symlinks=False)
    purge()
    assert target.exists() and target.read_bytes()
    assert link.is_symlink()


@pytest.mark.django_db
def test_a_linked_imports_folder_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    elsewhere = tmp_path / "elsewhere"
    target = put(elsewhere / f"{secrets.token_hex(16)}.csv", hours_old=100)
    (settings.MEDIA_ROOT / "imports").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(CommandError, match="symbolic link"):
        purge()
    assert target.exists()


@pytest.mark.django_db
def test_no_imports_folder_yet_is_not_an_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert "Removed 0 import upload(s)" in purge()


@pytest.mark.django_db
@pytest.mark.parametrize("hours", ["0", "-3", "soon", "nan"])
def test_older_than_must_be_a_positive_number(media, hours):
    with pytest.raises(CommandError):
        purge("--older-than", hours)


@pytest.mark.django_db
def test_an_abandoned_preview_of_the_upload_page_is_purged(client, media, make_account):
    from registry.tests.test_import_views import SAMPLES, token_of
    from registry.tests.test_import_views import upload as upload_through_the_page

    client.force_login(make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL"))
    token = token_of(upload_through_the_page(client, SAMPLES / "officials_good.csv"))
    stored = sorted((media / "imports").iterdir())  # the upload and the state of its check
    assert [path.name for path in stored] == [f"{token}.csv", f"{token}.job.json"]
    for path in stored:
        os.utime(path, (time.time() - 25 * HOUR,) * 2)
    purge()
    assert not any(path.exists() for path in stored)
    assert client.get(reverse("accounts:import-preview", args=[token])).status_code == 404
