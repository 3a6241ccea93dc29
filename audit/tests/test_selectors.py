"""The summaries, filters and comparisons behind the review screens, and the as-of form."""

import datetime

import pytest

from accounts.models import Unit
from audit.engine import audit_account
from audit.forms import AccountFilterForm, AsOfForm, be_iso
from audit.selectors import (
    ANY_PROBLEM,
    NO_PROBLEM,
    account_comparison,
    account_order_lines,
    national_summary,
    office_accounts,
    office_accounts_export_rows,
    province_summary,
    short_office_name,
    summary_export_rows,
)
from audit.tests.screens import populate
from core.national_id import format_national_id
from tests.factories import account_with_roles, hold, level, position, unit

ON = datetime.date(2026, 1, 10)


@pytest.fixture
def office(db):
    clean = account_with_roles("ISV_USER", username="clean.4701", first_name="สมใจ", last_name="รักดี")
    excess = account_with_roles("ISV_USER", username="excess.4701", first_name="มณี")
    hold(excess, "ISV_SCRAP_RECEIPT", "4701")
    account_with_roles("ISV_USER", unit_code="4702", username="next.4702")
    return {"clean": clean, "excess": excess}


def usernames(result) -> list[str]:
    return [audit.account.username for audit in result.rows]


@pytest.mark.django_db
def test_office_accounts_are_the_active_accounts_registered_at_the_office_itself(office):
    account_with_roles("ISV_USER", unit_code="47", position_name="จ่าจังหวัด", username="staff.47")
    gone = account_with_roles("ISV_USER", username="gone.4701")
    gone.is_active = False
    gone.save()
    assert usernames(office_accounts(unit=unit("4701"), as_of=ON)) == ["clean.4701", "excess.4701"]
    # The province office's list is its own staff, not the districts below it.
    assert usernames(office_accounts(unit=unit("47"), as_of=ON)) == ["staff.47"]


@pytest.mark.django_db
def test_office_accounts_filter_by_flag_any_and_clean(office):
    district = unit("4701")
    assert usernames(office_accounts(unit=district, as_of=ON, flag="EXCESS_ROLE")) == ["excess.4701"]
    assert usernames(office_accounts(unit=district, as_of=ON, flag=ANY_PROBLEM)) == ["excess.4701"]
    assert usernames(office_accounts(unit=district, as_of=ON, flag=NO_PROBLEM)) == ["clean.4701"]
    assert usernames(office_accounts(unit=district, as_of=ON, flag="DORMANT")) == []
    result = office_accounts(unit=district, as_of=ON, flag="EXCESS_ROLE")
    assert result.total == 2 and result.with_problems == 1  # counts are of the whole office, not the filter


@pytest.mark.django_db
@pytest.mark.parametrize("query, found", [
    ("excess", ["excess.4701"]),
    ("EXCESS.4701", ["excess.4701"]),
    ("สมใจ", ["clean.4701"]),
    ("สมใจ รักดี", ["clean.4701"]),
    ("รักดี", ["clean.4701"]),
    ("ไม่มีใคร", []),
])
def test_office_accounts_search_by_name_and_username(office, query, found):
    assert usernames(office_accounts(unit=unit("4701"), as_of=ON, query=query)) == found


@pytest.mark.django_db
def test_search_by_national_id_needs_all_13_digits(office):
    national_id = office["excess"].national_id
    for typed in (national_id, format_national_id(national_id), " ".join(national_id), format_national_id(national_id).replace("-", " ")):
        assert usernames(office_accounts(unit=unit("4701"), as_of=ON, query=typed)) == ["excess.4701"], typed
    thai_digits = national_id.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert usernames(office_accounts(unit=unit("4701"), as_of=ON, query=thai_digits)) == ["excess.4701"]
    assert usernames(office_accounts(unit=unit("4701"), as_of=ON, query=national_id[:12])) == []
    assert usernames(office_accounts(unit=unit("4701"), as_of=ON, query=national_id[5:10])) == []


@pytest.mark.django_db
def test_office_counts_per_flag(office):
    counts = {item.code: item.count for item in office_accounts(unit=unit("4701"), as_of=ON).flag_counts}
    assert counts["EXCESS_ROLE"] == 1
    assert sum(counts.values()) == 1
    assert len(counts) == 12


@pytest.mark.django_db
def test_export_rows_mask_or_not(office):
    result = office_accounts(unit=unit("4701"), as_of=ON)
    national_id = office["clean"].national_id
    _, masked = office_accounts_export_rows(result, masked=True)
    _, full = office_accounts_export_rows(result, masked=False)
    assert masked[0][3] == f"{national_id[0]}-{national_id[1:5]}-xxxxx-xx-{national_id[12]}"
    assert full[0][3] == format_national_id(national_id)
    assert masked[1][8] == "EXCESS_ROLE"


@pytest.mark.django_db
def test_province_summary_has_a_row_for_the_province_office_and_each_district():
    populate(6, ("4701", "4702", "47"), problem_every=3)  # problems at n=0 (4701) and n=3 (4701)
    summary = province_summary(province=unit("47"), as_of=ON)
    codes = [row.code for row in summary.rows]
    assert codes[0] == "47"
    assert codes[1:] == sorted(Unit.objects.filter(parent__code="47").values_list("code", flat=True))
    by_code = {row.code: row for row in summary.rows}
    assert (by_code["4701"].accounts, by_code["4701"].with_problems, by_code["4701"].counts["EXCESS_ROLE"]) == (2, 2, 2)
    assert (by_code["4702"].accounts, by_code["4702"].with_problems) == (2, 0)
    assert (by_code["47"].accounts, by_code["47"].with_problems) == (2, 0)
    assert by_code["4703"].accounts == 0
    assert (summary.total.accounts, summary.total.with_problems) == (6, 2)
    assert len(summary.problems) == 2


@pytest.mark.django_db
def test_province_summary_sees_nothing_of_another_province():
    populate(3, ("4901",), problem_every=1)
    summary = province_summary(province=unit("47"), as_of=ON)
    assert summary.total.accounts == 0 and summary.problems == []


@pytest.mark.django_db
def test_an_account_counts_once_per_flag_however_many_times_it_is_raised():
    account = account_with_roles("ISV_USER", username="twice.4701")
    hold(account, "ISV_SCRAP_RECEIPT", "4701")
    hold(account, "ISV_AUCTION_RECEIPT", "4701")
    summary = province_summary(province=unit("47"), as_of=ON)
    assert summary.total.counts["EXCESS_ROLE"] == 1
    assert len([p for p in summary.problems if p.code == "EXCESS_ROLE"]) == 2  # the form lists both


@pytest.mark.django_db
def test_chart_widths_scale_to_the_office_with_most_problems():
    populate(40, ("4701",), problem_every=2)  # 20 problems
    populate(1, ("4702",), problem_every=1)  # 1 problem: a visible bar all the same
    bars = {bar["row"].code: bar["width"] for bar in province_summary(province=unit("47"), as_of=ON).chart}
    assert bars["4701"] == 100
    assert bars["4702"] == 5
    assert bars["4703"] == 0


@pytest.mark.django_db
def test_chart_of_a_province_without_problems_is_all_empty():
    populate(3, ("4701", "4702"), problem_every=0)
    summary = province_summary(province=unit("47"), as_of=ON)
    assert summary.total.accounts == 3
    assert {bar["width"] for bar in summary.chart} == {0}


@pytest.mark.django_db
def test_national_summary_groups_by_province_and_keeps_central_units_apart():
    populate(4, ("4701", "47", "4901", "DOPA-LEGAL"), problem_every=2)  # problems: 4701 and 4901
    summary = national_summary(as_of=ON)
    assert len(summary.rows) == 77
    by_code = {row.code: row for row in summary.rows}
    assert (by_code["47"].accounts, by_code["47"].with_problems) == (2, 1)
    assert (by_code["49"].accounts, by_code["49"].with_problems) == (1, 1)
    assert by_code["10"].accounts == 0
    assert [row.code for row in summary.extra_rows] == ["DOPA-LEGAL"]
    assert summary.total.accounts == 4
    header, rows = summary_export_rows(summary, include_extra=True)
    assert len(rows) == 77 + 1 + 1
    assert rows[-1][:4] == ["", "รวมทั้งประเทศ", 4, 2]


@pytest.mark.django_db
def test_short_office_names():
    assert short_office_name(unit("4701")) == "อำเภอเมืองสกลนคร"
    assert short_office_name(unit("47")) == "ที่ทำการปกครองจังหวัด"
    bangkok_khet = Unit.objects.filter(parent__code="10").first()
    assert short_office_name(bangkok_khet).startswith("เขต")


@pytest.mark.django_db
def test_comparison_marks_what_differs_from_the_latest_order():
    account = account_with_roles("ISV_USER", level_code="K2")
    account.registered_level = level("K3")
    account.save()
    rows = {row.label: row for row in account_comparison(audit_account(account=account, as_of=ON))}
    assert rows["ระดับ"].registered_differs and not rows["ระดับ"].hr_differs
    assert rows["ระดับ"].registered == "ชำนาญการพิเศษ (K3)" and rows["ระดับ"].ordered == "ชำนาญการ (K2)"
    assert not rows["ตำแหน่ง"].registered_differs
    assert rows["หน่วยงาน"].hr == "ที่ทำการปกครองอำเภอเมืองสกลนคร"


@pytest.mark.django_db
def test_comparison_marks_the_hr_record_when_it_disagrees_with_the_order():
    account = account_with_roles("ISV_USER")
    account.official.position = position("เจ้าพนักงานปกครอง")
    account.official.save()
    rows = {row.label: row for row in account_comparison(audit_account(account=account, as_of=ON))}
    assert rows["ตำแหน่ง"].hr_differs and not rows["ตำแหน่ง"].registered_differs


@pytest.mark.django_db
def test_comparison_without_an_order_falls_back_on_the_hr_record():
    account = account_with_roles("ISV_USER", ordered=False)
    account.registered_unit = unit("4702")
    account.save()
    rows = {row.label: row for row in account_comparison(audit_account(account=account, as_of=ON))}
    assert rows["หน่วยงาน"].registered_differs
    assert rows["หน่วยงาน"].ordered == ""
    assert not rows["ตำแหน่ง"].registered_differs


@pytest.mark.django_db
def test_order_lines_are_marked_in_force_on_the_day():
    account = account_with_roles("ISV_USER", effective_from=datetime.date(2026, 1, 10),
                                 effective_to=datetime.date(2026, 3, 31))
    assert [line.in_force_on_as_of for line in account_order_lines(account=account, as_of=ON)] == [True]
    assert [line.in_force_on_as_of for line in account_order_lines(account=account, as_of=ON.replace(day=9))] == [False]
    assert [line.in_force_on_as_of for line in account_order_lines(account=account, as_of=datetime.date(2026, 4, 1))] == [False]


# ---------------------------------------------------------------------------------------------------------------
# The as-of form


@pytest.mark.parametrize("typed, expected", [
    ("2569-06-15", datetime.date(2026, 6, 15)),  # Buddhist Era
    ("2026-06-15", datetime.date(2026, 6, 15)),
    ("๒๕๖๙-๐๖-๑๕", datetime.date(2026, 6, 15)),  # Thai digits
    (" 2569-6-5 ", datetime.date(2026, 6, 5)),
    ("15/06/2569", datetime.date(2026, 6, 15)),
    ("15 มิ.ย. 2569", datetime.date(2026, 6, 15)),
])
def test_as_of_form_reads_buddhist_era_and_thai_digits(typed, expected):
    assert AsOfForm({"as_of": typed}).as_of_date == expected


@pytest.mark.parametrize("typed", ["2569-02-30", "15/13/2569", "yesterday"])
def test_as_of_form_falls_back_on_today_with_a_message(typed, today):
    form = AsOfForm({"as_of": typed})
    assert form.as_of_date == today
    assert form.errors["as_of"]


def test_as_of_form_defaults_to_today_shown_in_buddhist_era(today):
    form = AsOfForm({})
    assert form.as_of_date == today
    assert form["as_of"].value() == be_iso(today)
    assert be_iso(datetime.date(2026, 6, 5)) == "2569-06-05"


def test_account_filter_keeps_the_search_when_the_flag_is_bad():
    form = AccountFilterForm({"q": "สมใจ", "flag": "NOT_A_FLAG"})
    assert form.filters() == {"flag": "", "query": "สมใจ"}
    assert AccountFilterForm({"flag": "DORMANT"}).filters() == {"flag": "DORMANT", "query": ""}
