"""scripts/backup.sh and scripts/restore.sh: a backup restored into a fresh PostgreSQL database is the same data.

The demo world (accounts, orders, receipts, the event log) is backed up with its media files, restored into a new
database, and compared table by table, row by row; the restored event log still verifies and is still append-only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

# Here rather than in tests/: pytest-django runs transactional tests in collection order, and the browser journeys
# of tests/browser leave Playwright's event loop in this thread, where the ORM refuses to run.
pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

SCRIPTS = Path(settings.BASE_DIR) / "scripts"


def url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def table_digests(cursor) -> dict[str, tuple[int, str]]:
    """Per table of the public schema: its row count and a digest of every row."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    digests = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) FROM "{table}" t')
        digests[table] = cursor.fetchone()
    return digests


@pytest.fixture
def restored_database():
    name = f"rightsadmin_restore_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPTS / script), *args], env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=300)


def test_a_backup_restores_into_a_fresh_database_whole_and_still_verified(tmp_path, restored_database):
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.fail("pg_dump and pg_restore are needed: apt-get install postgresql-client", pytrace=False)
    call_command("load_reference_data", verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_receipts", verbosity=0)
    media = tmp_path / "media"
    (media / "orders").mkdir(parents=True)
    (media / "orders" / "order-12-2569.pdf").write_bytes(b"%PDF-1.7 order")
    source_url = url(connection.settings_dict["NAME"])
    common = {"DEBUG": "0", "SECRET_KEY": "backup-test-only", "EVENT_ANCHOR_FILE": str(tmp_path / "no-anchors.jsonl")}

    backup = run("backup.sh", str(tmp_path / "backup"), env={**common, "DATABASE_URL": source_url,
                                                              "MEDIA_ROOT": str(media)})
    assert backup.returncode == 0, backup.stderr
    restore = run("restore.sh", str(tmp_path / "backup"), env={
        **common, "DATABASE_URL": url(restored_database), "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "PYTHON": os.environ.get("PYTHON", str(Path(settings.BASE_DIR) / ".venv" / "bin" / "python")),
    })
    assert restore.returncode == 0, restore.stdout + restore.stderr

    with connection.cursor() as cursor:
        source = table_digests(cursor)
    target = psycopg2.connect(url(restored_database))
    try:
        with target.cursor() as cursor:
            restored = table_digests(cursor)
            assert restored == source
            assert restored["receipts_receipt"][0] > 0 and restored["events_event"][0] > 0
            cursor.execute("SELECT set_config('rightsadmin.event_log_writable', 'off', false)")
            with pytest.raises(psycopg2.Error, match="append-only"):
                cursor.execute("UPDATE events_event SET action = 'x'")
    finally:
        target.close()
    assert (tmp_path / "restored-media" / "orders" / "order-12-2569.pdf").read_bytes() == b"%PDF-1.7 order"


def test_a_restore_refuses_a_damaged_backup_and_a_database_in_use(tmp_path, restored_database):
    common = {"DEBUG": "0", "SECRET_KEY": "backup-test-only", "MEDIA_ROOT": str(tmp_path / "media")}
    backup = run("backup.sh", str(tmp_path / "backup"), env={**common, "DATABASE_URL": url(connection.settings_dict["NAME"])})
    assert backup.returncode == 0, backup.stderr
    in_use = run("restore.sh", str(tmp_path / "backup"), env={**common, "DATABASE_URL": url(connection.settings_dict["NAME"])})
    assert in_use.returncode != 0 and "restore into an empty one" in in_use.stderr
    with (tmp_path / "backup" / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    damaged = run("restore.sh", str(tmp_path / "backup"), env={**common, "DATABASE_URL": url(restored_database)})
    assert damaged.returncode != 0 and "FAILED" in (damaged.stdout + damaged.stderr)
