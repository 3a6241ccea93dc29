"""Fixtures shared by every app's tests: reference data, fast hashing, and accounts built from orders."""

import datetime
import os
import shutil

import pytest

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Thai: a request through the test client leaves its language (e.g. English) active."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _second_factor_sessions(monkeypatch):
    """The test client's force_login makes a session that passed the second factor, as the login of an enrolled
    account does; `force_login(user, second_factor=False)` makes one that did not (a password-only session)."""
    from django.test.client import ClientMixin

    password_only = ClientMixin.force_login

    def force_login(self, user, backend=None, second_factor=True):
        password_only(self, user, backend)
        if second_factor:
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="app", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from rights.reference_data import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture(autouse=True)
def reference_data(request, django_db_blocker):
    """Keep the reference data present for every test that touches the database.

    Transactional tests flush every table when they end, so the data is loaded again after them.
    """
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(names & {"transactional_db", "live_server"})
    from accounts.models import Unit
    from rights.reference_data import reference_data_load

    if transactional:
        def reload_after_flush():
            with django_db_blocker.unblock():
                if not Unit.objects.exists():
                    reference_data_load()

        request.addfinalizer(reload_after_flush)
        request.getfixturevalue("transactional_db")
        if not Unit.objects.exists():
            reference_data_load()
    else:
        request.getfixturevalue("db")
    # A fresh per-process reference cache for every test (a rolled-back test may have changed what it held), loaded
    # up front as a running server has it, so query budgets count the steady state.
    from rights.reference_cache import reference_cache_clear, reference_objects

    reference_cache_clear()
    reference_objects()


@pytest.fixture
def today():
    from rights.scope import today as bangkok_today

    return bangkok_today()


@pytest.fixture
def make_account():
    """Build an official, their account, an order granting `roles` at `unit`, and the held roles. See factories."""
    from tests.factories import account_with_roles

    return account_with_roles


@pytest.fixture
def long_ago():
    return datetime.date(2020, 1, 1)



IN_CI = os.environ.get("CI", "").lower() == "true"


def missing_service(reason: str) -> None:
    """Skip on a developer's machine; in CI a missing service is an error, never a silent skip."""
    if IN_CI:
        pytest.fail(f"CI must provide this: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def held_registry_import(monkeypatch):
    """Registry import jobs report their first thousand rows, then wait until the test sets the returned event."""
    import threading

    from registry import jobs as import_jobs

    release = threading.Event()
    real_import = import_jobs.registry_import

    def held(**kwargs):
        kwargs["progress"]("ตรวจข้อมูล", 1000, None)
        release.wait(timeout=20)
        return real_import(**kwargs)

    monkeypatch.setattr(import_jobs, "registry_import", held)
    yield release
    release.set()  # a failed test leaves no job thread waiting


def xlsx_table(content: bytes) -> list[list]:
    """The table of an exported XLSX: its header row (the one the panes freeze under) and the rows below it."""
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    header_row = int("".join(ch for ch in (sheet.freeze_panes or "A2") if ch.isdigit())) - 1
    return [list(row) for row in sheet.iter_rows(min_row=header_row, values_only=True)]


def require_tool(tool: str, package: str) -> None:
    """A command-line tool a test runs (pdftotext, ...): `make deps` installs it; without it, one line names it."""
    if shutil.which(tool) is None:
        missing_service(f"needs {tool}: apt-get install {package} (make test installs it when run as root)")


_POSTGRESQL_ONLY = pytest.StashKey[int]()


def pytest_collection_modifyitems(config, items):
    """On SQLite, the PostgreSQL-only tests (row locks under real concurrency, pg_dump) are set aside, not skipped:
    the run says in one line how many and how to run them."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    kept = [item for item in items if not item.get_closest_marker("postgresql")]
    set_aside = [item for item in items if item.get_closest_marker("postgresql")]
    if set_aside:
        config.hook.pytest_deselected(items=set_aside)
        items[:] = kept
    config.stash[_POSTGRESQL_ONLY] = len(set_aside)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    set_aside = config.stash.get(_POSTGRESQL_ONLY, 0)
    if set_aside:
        terminalreporter.write_line(
            f"{set_aside} PostgreSQL-only tests were not run on SQLite: run them with "
            "DATABASE_URL=postgres://USER:PASSWORD@127.0.0.1:5432/DB make test (CI does)"
        )


@pytest.fixture(autouse=True)
def _require_marked_services(request):
    if request.node.get_closest_marker("postgresql"):
        from django.db import connection

        if connection.vendor != "postgresql":
            missing_service("needs PostgreSQL: set DATABASE_URL=postgres://... (the SQLite pass of CI deselects it)")
