"""Every review screen and export costs the same number of queries for 10 accounts as for 200.

Each budget is one number for both sizes, a little above what the screen needs today, and well below what a
query per account (or per office) would add even at 10 accounts.
"""

import pytest
from django.urls import reverse

from audit.tests.screens import central_admin, district_reviewer, populate, province_reviewer

SIZES = [10, 200]
PROVINCE_47 = ("4701", "4702", "4703", "4704", "47")


def list_screens():
    return [
        ("list", reverse("audit:account-list", args=["4701"]) + "?as_of=2569-06-15", 25),
        ("list-filtered", reverse("audit:account-list", args=["4701"]) + "?flag=EXCESS_ROLE&q=pop", 25),
        ("list-page-2", reverse("audit:account-list", args=["4701"]) + "?page=2", 25),
        ("list-sorted", reverse("audit:account-list", args=["4701"]) + "?sort=-name&q=pop", 25),
        ("list-csv", reverse("audit:account-list-export", args=["4701", "csv"]), 27),
        ("list-csv-sorted", reverse("audit:account-list-export", args=["4701", "csv"]) + "?sort=position", 27),
        ("list-xlsx", reverse("audit:account-list-export", args=["4701", "xlsx"]), 27),
        ("list-pdf", reverse("audit:account-list-export", args=["4701", "pdf"]), 28),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name, url, budget", list_screens())
def test_district_screens_query_budget(client, django_assert_max_num_queries, size, name, url, budget):
    client.force_login(district_reviewer("4701"))
    populate(size, ("4701",))
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    if not name.endswith(("xlsx", "pdf")):  # the rows are really there (an XLSX or a PDF is compressed)
        assert response.content.count(b"pop") >= min(size, 10)


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
def test_account_page_query_budget(client, django_assert_max_num_queries, size):
    client.force_login(district_reviewer("4701"))
    accounts = populate(size, ("4701",))
    with django_assert_max_num_queries(31):
        response = client.get(reverse("audit:account-detail", args=[accounts[0].pk]))
    assert response.status_code == 200


def province_screens():
    return [
        ("summary", reverse("audit:province-summary", args=["47"]), 26),
        ("summary-csv", reverse("audit:province-summary-export", args=["47", "csv"]), 28),
        ("summary-xlsx", reverse("audit:province-summary-export", args=["47", "xlsx"]), 28),
        ("summary-pdf", reverse("audit:province-summary-pdf", args=["47"]), 28),
        ("office-47", reverse("audit:account-list", args=["47"]), 25),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name, url, budget", province_screens())
def test_province_screens_query_budget(client, django_assert_max_num_queries, size, name, url, budget):
    client.force_login(province_reviewer("47"))
    populate(size, PROVINCE_47)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


def national_screens():
    return [
        ("national", reverse("audit:national-summary"), 25),
        ("national-csv", reverse("audit:national-summary-export", args=["csv"]), 27),
        ("national-xlsx", reverse("audit:national-summary-export", args=["xlsx"]), 27),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name, url, budget", national_screens())
def test_national_screens_query_budget(client, django_assert_max_num_queries, size, name, url, budget):
    client.force_login(central_admin())
    populate(size, ("4701", "4702", "4901", "4902", "1001", "47", "DOPA-LEGAL"))
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
