"""Who may open which review screen and export: 403 without the menu, 404 outside the scope, 200 inside it."""

import pytest
from django.urls import reverse

from audit.tests.screens import central_admin, district_reviewer, no_menu_account, province_reviewer
from tests.factories import OrderLineFactory, account_with_roles, hold, role, unit


@pytest.fixture
def viewers(db):
    return {
        "d4701": district_reviewer("4701"),
        "p47": province_reviewer("47"),
        "p49": province_reviewer("49"),
        "central": central_admin(),
        "nomenu": no_menu_account(),
    }


@pytest.fixture
def accounts(db):
    return {
        "4701": account_with_roles("ISV_USER", unit_code="4701", username="staff.4701"),
        "4702": account_with_roles("ISV_USER", unit_code="4702", username="staff.4702"),
        "47": account_with_roles("ISV_USER", unit_code="47", position_name="จ่าจังหวัด", username="staff.47"),
        "4901": account_with_roles("ISV_USER", unit_code="4901", username="staff.4901"),
    }


def office_urls(code: str) -> list[str]:
    return [
        reverse("audit:account-list", args=[code]),
        reverse("audit:account-list-export", args=[code, "csv"]),
        reverse("audit:account-list-export", args=[code, "xlsx"]),
    ]


def province_urls(code: str) -> list[str]:
    return [
        reverse("audit:province-summary", args=[code]),
        reverse("audit:province-summary-export", args=[code, "csv"]),
        reverse("audit:province-summary-export", args=[code, "xlsx"]),
        reverse("audit:province-summary-pdf", args=[code]),
    ]


def national_urls() -> list[str]:
    return [
        reverse("audit:national-summary"),
        reverse("audit:national-summary-export", args=["csv"]),
        reverse("audit:national-summary-export", args=["xlsx"]),
    ]


def detail_url(account) -> str:
    return reverse("audit:account-detail", args=[account.pk])


# (viewer, office code, expected status) for the district list and its exports.
OFFICE_MATRIX = [
    ("d4701", "4701", 200),
    ("d4701", "4702", 404),  # the next district
    ("d4701", "47", 404),  # the province office is above a district reviewer
    ("d4701", "4901", 404),
    ("p47", "4701", 200),
    ("p47", "4702", 200),
    ("p47", "47", 200),  # the province office's own staff
    ("p47", "4901", 404),  # another province
    ("p47", "49", 404),
    ("p49", "4701", 404),
    ("p49", "4901", 200),
    ("central", "4701", 200),
    ("central", "4901", 200),
    ("central", "DOPA-LEGAL", 200),
    ("nomenu", "4701", 403),
    ("nomenu", "4702", 403),
]


@pytest.mark.django_db
@pytest.mark.parametrize("viewer, code, status", OFFICE_MATRIX)
def test_office_list_and_exports_follow_the_scope(client, viewers, viewer, code, status):
    client.force_login(viewers[viewer])
    for url in office_urls(code):
        assert client.get(url).status_code == status, url


DETAIL_MATRIX = [
    ("d4701", "4701", 200),
    ("d4701", "4702", 404),
    ("d4701", "47", 404),
    ("d4701", "4901", 404),
    ("p47", "4701", 200),
    ("p47", "4702", 200),
    ("p47", "47", 200),
    ("p47", "4901", 404),
    ("p49", "4701", 404),
    ("p49", "4901", 200),
    ("central", "4701", 200),
    ("central", "4901", 200),
    ("nomenu", "4701", 403),
]


@pytest.mark.django_db
@pytest.mark.parametrize("viewer, where, status", DETAIL_MATRIX)
def test_account_page_follows_the_scope(client, viewers, accounts, viewer, where, status):
    client.force_login(viewers[viewer])
    assert client.get(detail_url(accounts[where])).status_code == status


PROVINCE_MATRIX = [
    ("d4701", "47", 404),  # a district reviewer is below the province office, even in their own province
    ("d4701", "49", 404),
    ("p47", "47", 200),
    ("p47", "49", 404),
    ("p49", "47", 404),
    ("p49", "49", 200),
    ("central", "47", 200),
    ("central", "49", 200),
    ("nomenu", "47", 403),
]


@pytest.mark.django_db
@pytest.mark.parametrize("viewer, code, status", PROVINCE_MATRIX)
def test_province_summary_exports_and_pdf_follow_the_scope(client, viewers, viewer, code, status):
    client.force_login(viewers[viewer])
    for url in province_urls(code):
        assert client.get(url).status_code == status, url


@pytest.mark.django_db
@pytest.mark.parametrize("viewer, status", [("central", 200), ("p47", 404), ("d4701", 404), ("nomenu", 403)])
def test_national_summary_and_exports_are_for_central_admins_only(client, viewers, viewer, status):
    client.force_login(viewers[viewer])
    for url in national_urls():
        assert client.get(url).status_code == status, url


@pytest.mark.django_db
@pytest.mark.parametrize("viewer, target", [
    ("d4701", "account-list:4701"),
    ("p47", "province-summary:47"),
    ("p49", "province-summary:49"),
    ("central", "national-summary:"),
])
def test_the_menu_sends_each_viewer_to_the_report_of_their_scope(client, viewers, viewer, target):
    name, _, code = target.partition(":")
    client.force_login(viewers[viewer])
    response = client.get(reverse("audit:review"))
    assert response.status_code == 302
    assert response["Location"] == reverse(f"audit:{name}", args=[code] if code else [])


@pytest.mark.django_db
def test_the_menu_is_refused_without_the_review_right(client, viewers):
    client.force_login(viewers["nomenu"])
    assert client.get(reverse("audit:review")).status_code == 403


@pytest.mark.django_db
def test_the_menu_item_shows_only_to_reviewers(client, viewers):
    client.force_login(viewers["d4701"])
    assert f'href="{reverse("audit:review")}"' in client.get(reverse("home")).content.decode()
    client.force_login(viewers["nomenu"])
    assert f'href="{reverse("audit:review")}"' not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_reviewer_whose_order_ended_loses_the_screens(client):
    import datetime

    reviewer = account_with_roles("DISTRICT_REVIEWER", unit_code="4701", position_name="เจ้าพนักงานปกครอง",
                                  effective_to=datetime.date(2025, 12, 31))
    client.force_login(reviewer)
    assert client.get(reverse("audit:account-list", args=["4701"])).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in [reverse("audit:review"), *office_urls("4701"), *province_urls("47"), *national_urls()]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.django_db
def test_unknown_offices_formats_and_kinds_are_404(client, viewers):
    client.force_login(viewers["central"])
    assert client.get(reverse("audit:account-list", args=["9999"])).status_code == 404
    assert client.get(reverse("audit:account-list-export", args=["4701", "docx"])).status_code == 404
    assert client.get(reverse("audit:province-summary", args=["4701"])).status_code == 404  # a district
    assert client.get(reverse("audit:province-summary-export", args=["47", "json"])).status_code == 404
    assert client.get(reverse("audit:national-summary-export", args=["html"])).status_code == 404
    assert client.get(reverse("audit:account-detail", args=[987654])).status_code == 404


@pytest.mark.django_db
def test_a_reviewer_of_two_districts_chooses_which_one(client):
    reviewer = district_reviewer("4701")
    OrderLineFactory(official=reviewer.official, role=role("DISTRICT_REVIEWER"), unit=unit("4702"))
    hold(reviewer, "DISTRICT_REVIEWER", "4702")
    client.force_login(reviewer)
    response = client.get(reverse("audit:review"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("audit:account-list", args=["4701"]) in html
    assert reverse("audit:account-list", args=["4702"]) in html
    assert client.get(reverse("audit:account-list", args=["4702"])).status_code == 200
    assert client.get(reverse("audit:account-list", args=["4703"])).status_code == 404
