"""The benchmark command must keep running as the product changes. Its figures are printed, never asserted here."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from benchmarks.models import BenchDataset
from rights.models import OrderLine
from tests.factories import UserFactory

FIGURES = [
    "import officials rows/s",
    "import accounts rows/s",
    "import orders (last year) rows/s",
    "import orders (this year) rows/s",
    "audit_report national seconds",
    "audit_report national peak memory",
    "province summary queries",
    "district account list queries",
    "province summary p95",
    "province summary / admin changelist (p95)",
    "receipts/s, 8 workers, gap-free",
]


@pytest.mark.django_db(transaction=True)
def test_benchmark_runs_at_a_tiny_scale_and_prints_every_figure():
    out = io.StringIO()
    call_command("benchmark", "--scale", "0.002", "--skip-receipts", "--repeats", "2", stdout=out)
    text = out.getvalue()
    table = text.split("== Results against the targets", 1)[1]
    for figure in FIGURES:
        assert figure in table, figure
    assert "how:" in text
    # Every page was measured: none answered a redirect (to the login or the second factor) or an error instead.
    assert "HTTP " not in table, table
    # The dataset came through the importer: every generated person has an account and order lines.
    bench = BenchDataset.objects.get()
    assert bench.accounts == User.objects.count() > 60
    assert OrderLine.objects.count() > bench.officials


@pytest.mark.django_db(transaction=True)
def test_benchmark_refuses_a_database_with_accounts_of_its_own():
    UserFactory()
    with pytest.raises(CommandError, match="dedicated database"):
        call_command("benchmark", "--scale", "0.002", "--skip-receipts", stdout=io.StringIO())
    assert not BenchDataset.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_benchmark_receipt_workers_run_and_check_the_numbers():
    out = io.StringIO()
    call_command("benchmark", "--scale", "0.002", "--repeats", "1", "--per-worker", "2", stdout=out)
    text = out.getvalue()
    for run in (
        "run A: 8 threads, 1 series: issued 16",
        "run B: 8 threads, 8 series: issued 16",
        "run C: 8 processes, 1 series: issued 16",
    ):
        assert run in text, run
    assert "BROKEN" not in text
    assert ", 0 broken" in text
