import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.factories import UserFactory, hold, unit


def run(*args) -> str:
    out = io.StringIO()
    call_command("audit_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_report_columns_sorting_and_flags(make_account):
    make_account("ISV_USER", unit_code="4702", username="b.4702")
    clean = make_account("ISV_USER", unit_code="4701", username="z.4701")
    flagged = make_account("ISV_USER", unit_code="4701", username="a.4701")
    hold(flagged, "ISV_SCRAP_RECEIPT", "4701")
    flagged.last_login = None
    flagged.save()
    rows = list(csv.reader(io.StringIO(run("--unit", "47", "--as-of", "2026-01-10"))))
    assert rows[0] == ["unit_code", "username", "national_id", "full_name", "flags"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("4701", "a.4701"), ("4701", "z.4701"), ("4702", "b.4702")]
    assert rows[1][2] == flagged.national_id
    assert rows[1][3] == flagged.official.full_name
    assert rows[1][4] == "DORMANT;EXCESS_ROLE"
    assert rows[2][4] == ""
    assert clean.username == rows[2][1]


@pytest.mark.django_db
def test_report_scope_is_the_registered_unit_and_below(make_account):
    make_account("ISV_USER", unit_code="4701", username="in.4701")
    make_account("ISV_USER", unit_code="4901", username="out.4901")
    body = run("--unit", "4701", "--as-of", "2026-01-10")
    assert "in.4701" in body and "out.4901" not in body
    national = run("--as-of", "2026-01-10")
    assert "in.4701" in national and "out.4901" in national


@pytest.mark.django_db
def test_report_accepts_buddhist_era_dates(make_account):
    make_account("ISV_USER", username="x.4701", effective_from=datetime.date(2026, 1, 1))
    assert "NO_ORDER" in run("--unit", "4701", "--as-of", "2568-12-31")
    assert "NO_ORDER" not in run("--unit", "4701", "--as-of", "2569-01-01")


@pytest.mark.django_db
def test_report_neutralises_formulas(make_account):
    UserFactory(username="=cmd|calc", first_name="+bad", registered_unit=unit("4701"))
    rows = list(csv.reader(io.StringIO(run("--unit", "4701"))))
    assert rows[1][1] == "'=cmd|calc"


@pytest.mark.django_db
def test_report_as_xlsx(make_account, tmp_path):
    make_account("ISV_USER", username="x.4701")
    target = tmp_path / "report.xlsx"
    call_command("audit_report", "--unit", "4701", "--format", "xlsx", "--output", str(target), stderr=io.StringIO())
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]] == ["unit_code", "username", "national_id", "full_name", "flags"]
    assert sheet["B2"].value == "x.4701"


@pytest.mark.django_db
@pytest.mark.parametrize("args", [["--unit", "9999"], ["--as-of", "2026-02-30"], ["--format", "xlsx"]])
def test_report_refuses_bad_arguments(args):
    with pytest.raises(CommandError):
        run(*args)
