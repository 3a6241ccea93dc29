"""The measurements of `manage.py benchmark`. Each returns numbers and says how they were taken; none asserts."""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Count, Max, Min
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Unit, User
from receipts.models import Receipt, ReceiptCounter
from registry.importers import registry_import

# ---------------------------------------------------------------------------------------------------------------
# Imports


@dataclass
class ImportResult:
    label: str
    rows: int
    seconds: float
    warned_rows: int = 0  # rows imported with a warning (people the HR record does not have)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def measure_import(label: str, kind: str, path: Path) -> ImportResult:
    """Wall time of one `registry_import` call on the file: read, check every row, write, log, commit."""
    started = time.perf_counter()
    # The load stands for the centre's migration of orders already in force, confirmed as they are imported: the
    # audit measured next needs them in force (a real deployment decides by ORDERS_CENTRAL_IMPORT_SELF_CONFIRM).
    with override_settings(ORDERS_CENTRAL_IMPORT_SELF_CONFIRM=True):
        report = registry_import(kind=kind, source=path, origin="command")
    seconds = time.perf_counter() - started
    if not report.ok or not report.imported:
        lines = "\n".join(report.problem_lines()[:10])
        raise RuntimeError(f"the generated {label} file was refused by the importer:\n{lines}")
    return ImportResult(label=label, rows=report.rows, seconds=seconds, warned_rows=report.warned_rows)


# ---------------------------------------------------------------------------------------------------------------
# audit_report


@dataclass
class AuditResult:
    rows: int
    in_process_seconds: float
    tracemalloc_peak_mb: float
    maxrss_delta_mb: float
    subprocess_seconds: float | None
    subprocess_maxrss_mb: float | None
    subprocess_error: str = ""


def _maxrss_mb(usage) -> float:
    return usage.ru_maxrss / 1024  # kilobytes on Linux


def database_url() -> str:
    """The URL of the database this process uses (a test run's test database included), for a child process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    if connection.vendor == "postgresql":
        auth = f"{quote(s['USER'] or '', safe='')}:{quote(s['PASSWORD'] or '', safe='')}@" if s["USER"] else ""
        return f"postgres://{auth}{s['HOST'] or ''}:{s['PORT'] or 5432}/{s['NAME']}"
    raise RuntimeError(f"no URL for a {connection.vendor} database")


def measure_audit_report() -> AuditResult:
    """The whole country's audit_report, three ways.

    1. In this process, `call_command("audit_report", output=file)`, timed with perf_counter: the report alone.
    2. In this process again, under tracemalloc: the peak of Python allocations (tracemalloc slows Python down, so
       this run is not timed), and the growth of this process's peak RSS (ru_maxrss delta: it only shows what goes
       above the process's earlier peak, which the dataset build may have set).
    3. As an operator runs it, `python manage.py audit_report --output FILE` in a child process: wall time including
       Python and Django start-up, and the child's own peak RSS (os.wait4), the whole process's memory.
    """
    with tempfile.TemporaryDirectory() as directory, open(os.devnull, "w") as quiet:
        output = Path(directory) / "audit.csv"
        usage_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        call_command("audit_report", output=str(output), stderr=quiet)
        in_process = time.perf_counter() - started
        maxrss_delta = _maxrss_mb(resource.getrusage(resource.RUSAGE_SELF)) - _maxrss_mb(usage_before)
        rows = max(sum(1 for _ in output.open(encoding="utf-8-sig")) - 1, 0)

        tracemalloc.start()
        call_command("audit_report", output=str(output), stderr=quiet)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        sub_seconds = sub_rss = None
        error = ""
        env = {**os.environ, "DATABASE_URL": database_url()}
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "audit_report",
            "--output",
            str(Path(directory) / "audit-child.csv"),
        ]
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        sub_elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        stderr = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
        if child.returncode == 0:
            sub_seconds, sub_rss = sub_elapsed, _maxrss_mb(usage)
        else:
            error = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit status {child.returncode}"
    return AuditResult(
        rows=rows,
        in_process_seconds=in_process,
        tracemalloc_peak_mb=peak / 2**20,
        maxrss_delta_mb=maxrss_delta,
        subprocess_seconds=sub_seconds,
        subprocess_maxrss_mb=sub_rss,
        subprocess_error=error,
    )


# ---------------------------------------------------------------------------------------------------------------
# Pages


@dataclass
class PageResult:
    label: str
    url: str = ""
    status: int | None = None
    queries: int | None = None
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # this process's CPU time per request (not the database's)
    missing: str = ""  # why the page could not be measured

    @property
    def measured(self) -> bool:
        return bool(self.times_ms)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(self.times_ms, 95)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least pct% of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def bench_client(user: User) -> Client:
    host = (
        "testserver"
        if "testserver" in settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS
        else next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".")), "localhost")
    )
    # A page that fails answers 500 and is reported as such; the other pages are still measured.
    client = Client(SERVER_NAME=host, raise_request_exception=False)
    client.force_login(user, backend="signin.backends.AccountBackend")
    # Reviewers' pages need a session that passed the second factor (signin.second_factor): the bench's reviewer
    # gets an enrolled authenticator in this dedicated database, and the session is marked as after its code.
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="benchmark", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure_page(
    label: str,
    client: Client,
    url_name: str | None,
    args: list | None = None,
    *,
    url: str = "",
    repeats: int,
    warmup: int = 2,
) -> PageResult:
    """Server time of GET `url` through Django's test Client: the whole request/response cycle in this process
    (middleware, session, view, queries, template), no network. The queries are counted on one extra request;
    the timed requests run without query capture."""
    result = PageResult(label=label)
    if url_name:
        try:
            url = reverse(url_name, args=args or [])
        except NoReverseMatch:
            result.missing = f"URL {url_name} does not exist yet"
            return result
    result.url = url
    secure = settings.SECURE_SSL_REDIRECT
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)  # a failing page is reported once below, not with a traceback per GET
    try:
        for _ in range(warmup):
            response = client.get(url, secure=secure)
    finally:
        request_log.setLevel(level)
    result.status = response.status_code
    if response.status_code != 200:
        error = getattr(response, "exc_info", None)
        why = f": {error[0].__name__}: {str(error[1]).splitlines()[0]}" if error else ""
        result.missing = f"HTTP {response.status_code} for {url}{why}"
        return result
    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=secure)
    result.queries = len(captured.captured_queries)
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        client.get(url, secure=secure)
        result.times_ms.append((time.perf_counter() - started) * 1000)
        result.cpu_ms.append((time.process_time() - cpu) * 1000)
    return result


def admin_changelist_url(unit: Unit) -> str:
    """The Django admin's list of the same accounts as a unit's review page: active accounts registered in the unit
    and below. The admin refuses `registered_unit__path__startswith` (not a list_filter), so the nearest allowed
    equivalent is the list of the subtree's unit ids."""
    ids = ",".join(str(pk) for pk in Unit.objects.subtree_of(unit).order_by("pk").values_list("pk", flat=True))
    return f"/admin/accounts/user/?is_active__exact=1&registered_unit__id__in={ids}"


# ---------------------------------------------------------------------------------------------------------------
# Receipts by concurrent workers


@dataclass
class ReceiptsResult:
    workers: int
    issued: int
    failed: int
    seconds: float
    gap_free: bool
    checks: list[str]
    errors: list[str] = field(default_factory=list)
    cpu_seconds: float | None = None  # CPU time of this process during a threaded run (all its threads)

    @property
    def per_second(self) -> float:
        return self.issued / self.seconds if self.seconds else 0.0

    @property
    def cores_busy(self) -> float | None:
        """CPU seconds of this process per wall second: near 1.0, the threads were queueing for the GIL."""
        return self.cpu_seconds / self.seconds if self.cpu_seconds is not None and self.seconds else None


def _issue_receipts(index: int, username: str, unit_pk: int, per_worker: int, barrier) -> tuple[int, int, list[str]]:
    """One worker: wait on the barrier, then issue `per_worker` fee receipts. Returns (issued, failed, errors)."""
    from receipts.models import Category, FeeType, PaymentMethod
    from receipts.services import ItemInput, receipt_issue

    issued = failed = 0
    errors: list[str] = []
    try:
        fee_type = FeeType.objects.filter(is_active=True).order_by("code").first()
        issuer = User.objects.get(username=username)
        office = Unit.objects.get(pk=unit_pk)
        barrier.wait()
        for n in range(per_worker):
            try:
                receipt_issue(
                    issuer=issuer,
                    unit=office,
                    category=Category.FEE,
                    fee_type=fee_type,
                    payer_name=f"ผู้ชำระ {index}-{n}",
                    payment_method=PaymentMethod.CASH,
                    items=[ItemInput(description=fee_type.name_th, quantity=Decimal("1"), unit_price=Decimal("20.00"))],
                )
                issued += 1
            except Exception as exc:  # counted and shown: a benchmark reports failures, it does not stop
                failed += 1
                if len(errors) < 5:
                    errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        connections.close_all()
    return issued, failed, errors


def _process_worker(index, username, unit_pk, per_worker, barrier, results) -> None:
    results.put(_issue_receipts(index, username, unit_pk, per_worker, barrier))


def measure_receipts(*, workers: list[tuple[str, Unit]], per_worker: int, processes: bool = False) -> ReceiptsResult:
    """One worker per (username, unit), each with its own database connection, all released together by a barrier;
    each issues `per_worker` fee receipts at its unit through `receipts.services.receipt_issue` (the rights check,
    the locked counter, the items and the event log entry, one transaction per receipt). Workers are threads of
    this process, or with `processes` forked processes (as gunicorn's workers are). Receipts per second = receipts
    issued / wall time from the barrier to the last worker's end. Then every series the workers wrote to is
    checked: numbers 1..n, each once, n equal to its counter."""
    from receipts.models import fiscal_year_be
    from rights.scope import today

    outcomes: list[tuple[int, int, list[str]]] = []
    cpu_before = time.process_time()
    if processes:
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(len(workers) + 1)
        queue = context.Queue()
        connections.close_all()  # a forked child must open its own connection, never share ours
        children = [
            context.Process(target=_process_worker, args=(i, name, unit.pk, per_worker, barrier, queue))
            for i, (name, unit) in enumerate(workers)
        ]
        for child in children:
            child.start()
        barrier.wait()
        started = time.perf_counter()
        outcomes = [queue.get() for _ in children]
        seconds = time.perf_counter() - started
        for child in children:
            child.join()
    else:
        barrier = threading.Barrier(len(workers) + 1)
        lock = threading.Lock()

        def work(index: int, username: str, unit_pk: int) -> None:
            outcome = _issue_receipts(index, username, unit_pk, per_worker, barrier)
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=work, args=(i, name, unit.pk)) for i, (name, unit) in enumerate(workers)]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_before

    fiscal_year = fiscal_year_be(today())
    checks, gap_free = [], True
    for unit in {unit.pk: unit for _, unit in workers}.values():
        counter = ReceiptCounter.objects.filter(
            unit=unit, fiscal_year=fiscal_year, trial=False, kind=ReceiptCounter.Kind.RECEIPT
        ).first()
        numbers = Receipt.objects.filter(unit=unit, fiscal_year=fiscal_year, trial=False).aggregate(
            n=Count("pk"), distinct=Count("number", distinct=True), low=Min("number"), high=Max("number")
        )
        last = counter.last_number if counter else 0
        ok = numbers["n"] == numbers["distinct"] == last == (numbers["high"] or 0) and (numbers["low"] or 1) == 1
        gap_free = gap_free and ok
        checks.append(
            f"{'OK' if ok else 'BROKEN'} series {unit.code}/{fiscal_year}: {numbers['n']:,} receipts, "
            f"{numbers['distinct']:,} distinct numbers {numbers['low']}..{numbers['high']}, counter {last:,}"
        )
    return ReceiptsResult(
        workers=len(workers),
        issued=sum(o[0] for o in outcomes),
        failed=sum(o[1] for o in outcomes),
        seconds=seconds,
        gap_free=gap_free,
        checks=checks,
        errors=[e for o in outcomes for e in o[2]][:5],
        cpu_seconds=None if processes else cpu_seconds,
    )


def check_all_series() -> tuple[int, list[str]]:
    """Every receipt series in the database: numbers 1..n, each once, n equal to its counter. One grouped query."""
    counters = {
        (row["unit_id"], row["fiscal_year"], row["trial"]): row["last_number"]
        for row in ReceiptCounter.objects.filter(kind=ReceiptCounter.Kind.RECEIPT).values(
            "unit_id", "fiscal_year", "trial", "last_number"
        )
    }
    bad = []
    seen = 0
    for row in (
        Receipt.objects.order_by()
        .values("unit_id", "fiscal_year", "trial")
        .annotate(n=Count("pk"), distinct=Count("number", distinct=True), low=Min("number"), high=Max("number"))
    ):
        seen += 1
        key = (row["unit_id"], row["fiscal_year"], row["trial"])
        if not (row["n"] == row["distinct"] == row["high"] == counters.get(key) and row["low"] == 1):
            bad.append(
                f"unit {key[0]} year {key[1]}: {row['n']} receipts, numbers {row['low']}..{row['high']}, "
                f"counter {counters.get(key)}"
            )
    return seen, bad
