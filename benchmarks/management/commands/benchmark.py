"""`python manage.py benchmark`: build a national dataset in the configured database and measure the product on it.

Prints import speed per file, the national audit_report's time and memory, the review pages beside the Django admin
changelist of the same accounts, and receipts per second by concurrent workers, each with how it was measured, then
a table against the targets of the issue. It measures; it never asserts. Use a dedicated database: a database that
holds accounts but no benchmark dataset is refused, and a benchmark database is wiped and rebuilt unless --keep.
"""

from __future__ import annotations

import gc
import io
import os
import platform
import shutil
import statistics
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from accounts.models import Official, Unit, User
from benchmarks import dataset
from benchmarks.measure import (
    PageResult,
    admin_changelist_url,
    bench_client,
    check_all_series,
    measure_audit_report,
    measure_import,
    measure_page,
    measure_receipts,
)
from benchmarks.models import BenchDataset
from receipts.models import Receipt
from rights.models import OrderLine
from rightsadmin.runtime import freeze_start_up_objects

# The targets of the issue (on its 2-core machine).
MAX_QUERIES = 15
PROVINCE_P95_MS = 150
ADMIN_RATIO = 1.5
AUDIT_SECONDS = 5
AUDIT_MB = 500
IMPORT_ROWS_PER_SECOND = 5000
RECEIPTS_PER_SECOND = 100


@dataclass
class Target:
    name: str
    measured: str
    target: str
    ok: bool | None  # None: not measured


class Command(BaseCommand):
    help = "Build a national dataset in the configured database and measure imports, audit_report, pages, receipts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="fraction of the national size (30,000 officials, 1,000,000 receipts); 0.05 is quick",
        )
        parser.add_argument(
            "--skip-receipts", action="store_true", help="build no receipts and do not measure issuing them"
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="reuse the benchmark dataset already in the database (imports are then not measured)",
        )
        parser.add_argument("--repeats", type=int, default=30, help="timed requests per page (default 30)")
        parser.add_argument(
            "--per-worker",
            type=int,
            default=None,
            help="receipts each of the 8 workers issues (default 250 x scale, at least 20)",
        )
        parser.add_argument("--seed", type=int, default=2569)

    def handle(self, *args, scale, skip_receipts, keep, repeats, per_worker, seed, **options):
        if scale <= 0:
            raise CommandError("--scale must be above 0")
        self.started = time.perf_counter()
        # Whitenoise warns on every request when collectstatic has not run; the pages do not need it.
        warnings.filterwarnings("ignore", message="No directory at")
        self.targets: list[Target] = []
        self.describe_setup()
        call_command("migrate", verbosity=0, interactive=False)
        existing = BenchDataset.objects.order_by("-pk").first()
        imports = []
        if keep and existing is not None:
            self.line(
                f"--keep: reusing the dataset built {existing.built_at:%Y-%m-%d %H:%M} UTC at scale "
                f"{existing.scale:g} (asked {scale:g}); imports are not measured again"
            )
            bench = existing
        else:
            self.prepare_database(existing)
            bench, imports = self.build(scale=scale, seed=seed, skip_receipts=skip_receipts)
        self.section("Dataset")
        self.line(
            f"{Unit.objects.filter(kind=Unit.Kind.PROVINCE).count()} provinces, "
            f"{Unit.objects.filter(kind=Unit.Kind.DISTRICT).count()} districts, "
            f"{Official.objects.count():,} officials, {User.objects.count():,} accounts, "
            f"{OrderLine.objects.count():,} order lines, {Receipt.objects.count():,} receipts"
        )
        self.report_imports(imports, kept=keep and existing is not None)
        self.report_audit()
        self.report_pages(bench, repeats=repeats)
        if skip_receipts:
            self.section("Receipts by 8 concurrent workers")
            self.line("skipped (--skip-receipts)")
            self.targets.append(
                Target("receipts/s, 8 workers, gap-free", "skipped", f">= {RECEIPTS_PER_SECOND}/s", None)
            )
        else:
            self.report_receipts(bench, per_worker=per_worker or max(20, int(round(250 * bench.scale))))
        self.report_table()

    # -- output -----------------------------------------------------------------------------------------------

    def section(self, title: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"== {title}"))

    def line(self, text: str) -> None:
        self.stdout.write(f"  {text}")

    def how(self, text: str) -> None:
        self.stdout.write(f"  how: {text}")

    def describe_setup(self) -> None:
        self.section("Setup")
        db = connection.settings_dict
        where = db["NAME"] if connection.vendor == "sqlite" else f"{db['NAME']} on {db['HOST'] or 'local socket'}"
        self.line(f"database: {connection.vendor} {where}")
        self.line(
            f"python {platform.python_version()}, DEBUG={settings.DEBUG}, {os.cpu_count()} CPUs, "
            f"load average {self.load()} (other work on the machine skews every figure)"
        )
        if settings.DEBUG:
            self.line(self.style.WARNING("DEBUG is on: page times are pessimistic (make bench runs with DEBUG=0)"))

    # -- building -----------------------------------------------------------------------------------------------

    def prepare_database(self, existing: BenchDataset | None) -> None:
        """Start from an empty registry: wipe a benchmark database, refuse any other that holds accounts."""
        if existing is None:
            if User.objects.exists() or Official.objects.exists():
                raise CommandError(
                    "this database holds accounts but no benchmark dataset: use a dedicated database "
                    "(BENCH_DATABASE_URL, or the SQLite default of make bench)"
                )
            return
        self.line("wiping the previous benchmark dataset (the whole database) ...")
        wipe_database()
        call_command("migrate", verbosity=0, interactive=False)

    def build(self, *, scale: float, seed: int, skip_receipts: bool):
        self.section("Building the national dataset")
        started = time.perf_counter()
        call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
        plan = dataset.plan_dataset(scale=scale, seed=seed)
        self.line(
            f"benchmark province {plan.province.code} {plan.province.name_th} "
            f"({sum(1 for u in plan.units if u.parent_id == plan.province.pk)} districts), "
            f"district {plan.district.code} {plan.district.name_th}"
        )
        directory = Path(tempfile.mkdtemp(prefix="rightsadmin-bench-"))
        imports = []
        try:
            files = dataset.write_files(plan, directory)
            for label, path in files.items():
                result = measure_import(label, dataset.file_kind(label), path)
                imports.append(result)
                warned = f", {result.warned_rows:,} with warnings" if result.warned_rows else ""
                self.line(f"imported {label}: {result.rows:,} rows in {result.seconds:.1f} s{warned}")
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        dataset.create_admin()
        receipts = 0
        if not skip_receipts:
            total = int(round(dataset.NATIONAL_RECEIPTS * scale))
            series = dataset.plan_receipts(total=total, seed=seed)
            receipt_started = time.perf_counter()
            receipts = dataset.write_receipts(series, seed=seed)
            self.line(
                f"wrote {receipts:,} receipts in {len(series):,} series "
                f"in {time.perf_counter() - receipt_started:.1f} s "
                f"({'COPY' if connection.vendor == 'postgresql' else 'bulk_create'}, numbers 1..n per series)"
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a database in service
        bench = BenchDataset.objects.create(
            scale=scale,
            seed=seed,
            officials=Official.objects.count(),
            accounts=User.objects.count(),
            order_lines=OrderLine.objects.count(),
            receipts=receipts,
            province_code=plan.province.code,
            district_code=plan.district.code,
        )
        self.line(f"built in {time.perf_counter() - started:.1f} s")
        return bench, imports

    # -- measurements -------------------------------------------------------------------------------------------

    def report_imports(self, imports, *, kept: bool) -> None:
        self.section("Import rows per second, per file")
        self.how(
            "wall time of registry.importers.registry_import on each generated CSV file (the same call as "
            "`manage.py import_registry KIND FILE`): read, check every row, write in bulk, log the event, commit; "
            "files imported in order into the database as it grows"
        )
        if kept:
            self.line("not measured: --keep reuses the dataset built by an earlier run")
            self.targets.append(
                Target("import rows/s", "not measured (--keep)", f">= {IMPORT_ROWS_PER_SECOND:,}", None)
            )
            return
        for result in imports:
            self.line(
                f"{result.label:<20} {result.rows:>7,} rows  {result.seconds:7.2f} s  "
                f"{result.rows_per_second:>9,.0f} rows/s"
            )
            self.targets.append(
                Target(
                    f"import {result.label} rows/s",
                    f"{result.rows_per_second:,.0f}",
                    f">= {IMPORT_ROWS_PER_SECOND:,}",
                    result.rows_per_second >= IMPORT_ROWS_PER_SECOND,
                )
            )

    def report_audit(self) -> None:
        self.section("audit_report for the whole country")
        self.how(
            "(a) in this process, call_command('audit_report', output=FILE), perf_counter; "
            "(b) a second in-process run under tracemalloc: peak of Python allocations, and the growth of this "
            "process's ru_maxrss over (a); (c) `python manage.py audit_report --output FILE` as a child process: "
            "wall time including start-up, and the child's own peak RSS (os.wait4 ru_maxrss). "
            "The targets are judged on (c), the command as an operator runs it."
        )
        self.line(f"load average before: {self.load()}")
        result = measure_audit_report()
        self.line(f"rows: {result.rows:,}")
        self.line(f"(a) in process: {result.in_process_seconds:.2f} s; ru_maxrss delta {result.maxrss_delta_mb:.0f} MB")
        self.line(f"(b) tracemalloc peak of Python allocations: {result.tracemalloc_peak_mb:.0f} MB")
        if result.subprocess_seconds is not None:
            self.line(
                f"(c) child process: {result.subprocess_seconds:.2f} s, peak RSS {result.subprocess_maxrss_mb:.0f} MB"
            )
            seconds, memory = result.subprocess_seconds, result.subprocess_maxrss_mb
            basis = "child process"
        else:
            self.line(f"(c) child process failed: {result.subprocess_error}; judging on (a) and (b)")
            seconds, memory = result.in_process_seconds, result.tracemalloc_peak_mb
            basis = "in process"
        self.targets.append(
            Target(
                f"audit_report national seconds ({basis})",
                f"{seconds:.2f} s",
                f"<= {AUDIT_SECONDS} s",
                seconds <= AUDIT_SECONDS,
            )
        )
        self.targets.append(
            Target(
                f"audit_report national peak memory ({basis})",
                f"{memory:.0f} MB",
                f"<= {AUDIT_MB} MB",
                memory <= AUDIT_MB,
            )
        )

    def report_pages(self, bench: BenchDataset, *, repeats: int) -> None:
        self.section("Review pages beside the Django admin changelist")
        self.how(
            f"Django's test Client in this process, logged in (force_login); {repeats} timed GETs per page after "
            "2 warm-up GETs; server time = the whole request/response cycle (middleware, session, view, "
            "queries, template), no network; median and p95 (nearest rank); CPU = this process's CPU time per "
            "request (time.process_time; the database server's is not in it), less skewed by other work on the "
            "machine; queries counted on one more GET with CaptureQueriesContext. Like each gunicorn worker "
            "(rightsadmin/wsgi.py), this process first takes its start-up objects out of the garbage collector's "
            "walks (rightsadmin.runtime.freeze_start_up_objects); the province summary is also timed before that, "
            "for comparison"
        )
        self.line(f"load average before: {self.load()}")
        province = Unit.objects.get(code=bench.province_code)
        district = Unit.objects.get(code=bench.district_code)
        reviewer = User.objects.get(username=f"reviewer.{province.code}")
        admin = User.objects.get(username=dataset.ADMIN_USERNAME)
        client = bench_client(reviewer)
        accounts = User.objects.filter(is_active=True, registered_unit__path__startswith=province.path).count()
        district_accounts = User.objects.filter(is_active=True, registered_unit=district).count()
        self.line(
            f"province {province.code} {province.name_th}: {accounts:,} active accounts; "
            f"district {district.code}: {district_accounts:,}; viewer {reviewer.username} (PROVINCE_REVIEWER)"
        )
        unfrozen = measure_page(
            "province summary, unfrozen", client, "audit:province-summary", [province.code], repeats=repeats
        )
        frozen_before = gc.get_freeze_count()
        freeze_start_up_objects()
        try:
            pages = [
                measure_page("province summary", client, "audit:province-summary", [province.code], repeats=repeats),
                measure_page("district account list", client, "audit:account-list", [district.code], repeats=repeats),
                # The province reviewer's home: the to-do audits the whole province on every visit.
                measure_page("reviewer home (to-do)", client, "home", [], repeats=repeats),
            ]
            admin_client = bench_client(admin)
            admin_province = measure_page(
                "admin changelist, province", admin_client, None, url=admin_changelist_url(province), repeats=repeats
            )
            admin_district = measure_page(
                "admin changelist, district", admin_client, None, url=admin_changelist_url(district), repeats=repeats
            )
        finally:
            if not frozen_before:  # the command may run inside another process (its test): leave it as it was
                gc.unfreeze()
        for page in [unfrozen, *pages, admin_province, admin_district]:
            self.print_page(page)
        self.line(
            "admin changelist: 100 accounts a page with a COUNT, as superuser "
            f"{admin.username}; filter registered_unit__id__in=<the unit and its subtree>, is_active"
        )
        for page in pages:
            if page.measured:
                self.targets.append(
                    Target(f"{page.label} queries", str(page.queries), f"<= {MAX_QUERIES}", page.queries <= MAX_QUERIES)
                )
            else:
                self.targets.append(Target(f"{page.label} queries", page.missing, f"<= {MAX_QUERIES}", None))
        summary, admin_page = pages[0], admin_province
        if summary.measured:
            self.targets.append(
                Target(
                    "province summary p95",
                    f"{summary.p95_ms:.0f} ms",
                    f"<= {PROVINCE_P95_MS} ms",
                    summary.p95_ms <= PROVINCE_P95_MS,
                )
            )
        else:
            self.targets.append(Target("province summary p95", summary.missing, f"<= {PROVINCE_P95_MS} ms", None))
        if summary.measured and admin_page.measured:
            ratio = summary.p95_ms / admin_page.p95_ms
            self.line(
                f"province summary / admin changelist: p95 {ratio:.2f}x, "
                f"median {summary.median_ms / admin_page.median_ms:.2f}x"
            )
            self.targets.append(
                Target(
                    "province summary / admin changelist (p95)",
                    f"{ratio:.2f}x",
                    f"<= {ADMIN_RATIO}x",
                    ratio <= ADMIN_RATIO,
                )
            )
        else:
            self.targets.append(
                Target("province summary / admin changelist (p95)", "not measured", f"<= {ADMIN_RATIO}x", None)
            )
        listing, admin_list = pages[1], admin_district
        if listing.measured and admin_list.measured:
            self.line(f"district account list / admin changelist: p95 {listing.p95_ms / admin_list.p95_ms:.2f}x")

    def print_page(self, page: PageResult) -> None:
        if not page.measured:
            self.line(self.style.WARNING(f"{page.label:<28} NOT MEASURED: {page.missing}"))
            return
        self.line(
            f"{page.label:<28} median {page.median_ms:7.1f} ms  p95 {page.p95_ms:7.1f} ms  "
            f"(CPU median {statistics.median(page.cpu_ms):6.1f} ms)  {page.queries:>3} queries  {page.url}"
        )

    def report_receipts(self, bench: BenchDataset, *, per_worker: int) -> None:
        self.section("Receipts by 8 concurrent workers")
        if connection.vendor != "postgresql":
            self.line("not measured: needs PostgreSQL (set BENCH_DATABASE_URL); SQLite serialises every writer")
            self.targets.append(
                Target("receipts/s, 8 workers, gap-free", "not measured (SQLite)", f">= {RECEIPTS_PER_SECOND}/s", None)
            )
            return
        district = Unit.objects.get(code=bench.district_code)
        self.how(
            f"8 workers, each with its own database connection and its own fee clerk's account, released "
            f"together by a barrier; each issues {per_worker} fee receipts through receipts.services."
            f"receipt_issue (rights check, locked counter, items, event log; one transaction each); receipts/s = "
            f"issued / wall time from the barrier to the last worker's end; then each series written to is "
            f"checked (numbers 1..n, each once, n = its counter), and so is every series in the database. "
            f"Run A (the target): 8 threads of this process, all at {district.code}, one series, the worst case "
            f"for its lock. Where the time goes: run B, 8 threads in 8 districts (8 series); run C, as A but 8 "
            f"forked processes (as gunicorn workers), free of the GIL. 'cores busy' = this process's CPU seconds "
            f"per wall second: near 1.0, the threads queue for the GIL"
        )
        load = self.load()
        shared = [(f"bench.clerk.{i}", district) for i in range(1, dataset.BENCH_CLERKS + 1)]
        users = {
            u.username: u
            for u in User.objects.filter(username__startswith="bench.spread.").select_related("registered_unit")
        }
        spread = [(name, users[name].registered_unit) for name in sorted(users)]
        results = {}
        for run, workers, processes in (("A", shared, False), ("B", spread, False), ("C", shared, True)):
            result = measure_receipts(workers=workers, per_worker=per_worker, processes=processes)
            results[run] = result
            units = len({unit.pk for _, unit in workers})
            busy = f", cores busy {result.cores_busy:.2f}" if result.cores_busy is not None else ""
            self.line(
                f"run {run}: {len(workers)} {'processes' if processes else 'threads'}, {units} series: issued "
                f"{result.issued:,} in {result.seconds:.2f} s = {result.per_second:,.0f} receipts/s; "
                f"failed {result.failed}{busy}"
            )
            for error in result.errors:
                self.line(self.style.ERROR(f"  error: {error}"))
            for check in result.checks:
                self.line(f"  gap-free check: {check}")
        checked, bad = check_all_series()
        self.line(
            f"every series in the database: {checked:,} checked, {len(bad)} broken"
            + (f" (first: {bad[0]})" if bad else "")
        )
        self.line(f"load average before the runs: {load}")
        result = results["A"]
        ok = result.per_second >= RECEIPTS_PER_SECOND and result.gap_free and not result.failed and not bad
        self.targets.append(
            Target(
                "receipts/s, 8 workers, gap-free",
                f"{result.per_second:,.0f}/s, {'gap-free' if result.gap_free and not bad else 'GAPS'}",
                f">= {RECEIPTS_PER_SECOND}/s",
                ok,
            )
        )

    @staticmethod
    def load() -> str:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())

    def report_table(self) -> None:
        self.section("Results against the targets")
        width = max(len(t.name) for t in self.targets)
        for target in self.targets:
            verdict = "PASS" if target.ok else "MISS" if target.ok is False else "----"
            style = self.style.SUCCESS if target.ok else self.style.ERROR if target.ok is False else self.style.WARNING
            self.line(f"{target.name:<{width}}  {target.measured:>24}  target {target.target:<12} {style(verdict)}")
        self.line(
            f"run took {time.perf_counter() - self.started:.0f} s, ended {timezone.localtime():%Y-%m-%d %H:%M %Z}; "
            f"load average {self.load()}"
        )


def wipe_database() -> None:
    """Drop every table of this (benchmark) database, triggers and all; migrate builds it again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            tables = [
                name
                for (name,) in cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            for table in tables:
                cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
        connection.close()
        return
    raise CommandError(f"cannot wipe a {connection.vendor} database")
