"""GET /me/ and GET /audit/: the same rights and the same audit report as the screens, scope enforced."""

import pytest

from audit.report import audit_report_rows
from core.national_id import mask_national_id
from events.models import Event
from rights.scope import Scope
from tests.factories import unit as unit_of

ME, AUDIT = "/api/v1/me/", "/api/v1/audit/"


@pytest.mark.django_db
def test_me_shows_account_unit_and_rights_with_their_orders(bearer, make_account):
    account = make_account("ISV_USER", "ISV_AUCTION_RECEIPT", level_code="K2")
    body = bearer(account).get(ME).json()
    assert body["username"] == account.username and body["unit"]["code"] == "4701"
    assert body["official"]["level"]["code"] == "K2"
    rights = {item["role"]: item for item in body["rights"]}
    assert rights["ISV_USER"]["effective"] is True and rights["ISV_USER"]["order_number"]
    auction = rights["ISV_AUCTION_RECEIPT"]
    assert auction["held"] is True and auction["granted"] is False and auction["effective"] is False
    assert "ชำนาญการพิเศษ" in auction["refusal"]
    assert "menu_issue_receipts" not in body["menus"]


@pytest.mark.django_db
def test_me_for_an_account_unknown_to_hr(bearer, make_account):
    account = make_account("ISV_USER")
    account.official_id = "1101700230705"  # checksum-valid, in no HR record
    account.save(update_fields=["official"])
    body = bearer(account).get(ME).json()
    assert body["official"] is None and body["rights"][0]["granted"] is False


@pytest.mark.django_db
def test_audit_rows_are_the_report_of_the_interchange_spec(bearer, make_account, today):
    reviewer = make_account("DISTRICT_REVIEWER")
    dormant = make_account("ISV_USER")
    dormant.last_login = None
    dormant.save(update_fields=["last_login"])
    unknown = make_account("ISV_USER")
    unknown.official_id = "1101700230705"
    unknown.save(update_fields=["official"])
    body = bearer(reviewer).get(AUDIT).json()
    expected = list(audit_report_rows(scope=Scope(roots=[reviewer.registered_unit]), as_of=today))
    assert body["count"] == len(expected) == 3
    # As on the review screens, a district reviewer sees national IDs masked (PDPA: no need to know the whole ID).
    masked = [[unit_code, username, mask_national_id(national_id), name, flags]
              for unit_code, username, national_id, name, flags in expected]
    assert [
        [r["unit_code"], r["username"], r["national_id"], r["full_name"], ";".join(r["flags"])] for r in body["results"]
    ] == masked
    flags = {row["username"]: row["flags"] for row in body["results"]}
    assert flags[reviewer.username] == []
    assert "UNKNOWN_PERSON" in flags[unknown.username]
    assert "DORMANT" in flags[dormant.username]


@pytest.mark.django_db
def test_audit_reads_of_personal_data_are_logged_and_unmasked_only_for_the_centre(bearer, make_account):
    reviewer = make_account("DISTRICT_REVIEWER")
    central = make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4")
    body = bearer(reviewer).get(AUDIT, {"unit": "4701"}).json()
    assert all("xxxxx" in row["national_id"] for row in body["results"])
    event = Event.objects.get(action="audit.report.exported", actor=reviewer)
    assert event.data["report"] == "audit_api" and event.data["masked"] is True
    assert event.data["rows"] == len(body["results"]) and event.unit_path == unit_of("4701").path
    full = bearer(central).get(AUDIT, {"unit": "4701"}).json()
    assert reviewer.official_id in {row["national_id"] for row in full["results"]}
    assert Event.objects.get(action="audit.report.exported", actor=central).data["masked"] is False


@pytest.mark.django_db
def test_audit_scope_denials(bearer, make_account):
    district = make_account("DISTRICT_REVIEWER")  # 4701 only
    make_account("ISV_USER", unit_code="4702")
    api = bearer(district)
    assert {row["unit_code"] for row in api.get(AUDIT).json()["results"]} == {"4701"}
    for unit in ("47", "4702", "49", "DOPA", "NOPE"):
        response = api.get(AUDIT, {"unit": unit})
        assert response.status_code == 404, unit
        assert response.json()["code"] == "NOT_FOUND"
    assert api.get(AUDIT, {"unit": "4701"}).status_code == 200
    province = make_account("PROVINCE_REVIEWER", unit_code="47")
    assert {row["unit_code"] for row in bearer(province).get(AUDIT).json()["results"]} >= {"4701", "4702"}
    assert bearer(province).get(AUDIT, {"unit": "4702"}).json()["count"] == 1
    clerk = bearer(make_account("ISV_FEE_RECEIPT"))
    refused = clerk.get(AUDIT)
    assert refused.status_code == 403 and refused.json()["code"] == "MENU_DENIED"


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", ["2569-13-01", "0001-01-01", "9999-12-31", "today", "2026-02-30", ""])
def test_audit_bad_date_is_400(bearer, make_account, as_of):
    response = bearer(make_account("DISTRICT_REVIEWER")).get(AUDIT, {"as_of": as_of})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["as_of"]


@pytest.mark.django_db
def test_audit_accepts_a_buddhist_era_date(bearer, make_account):
    api = bearer(make_account("DISTRICT_REVIEWER"))
    assert api.get(AUDIT, {"as_of": "2569-06-15"}).json() == api.get(AUDIT, {"as_of": "2026-06-15"}).json()


@pytest.mark.django_db
def test_audit_is_paginated(bearer, make_account):
    reviewer = make_account("DISTRICT_REVIEWER")
    for _ in range(4):
        make_account("ISV_USER")
    api = bearer(reviewer)
    first = api.get(AUDIT, {"page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    assert api.get(AUDIT, {"page_size": 2, "page": 3}).json()["results"][0]["username"]
    assert api.get(AUDIT, {"page": 9}).status_code == 404


@pytest.mark.django_db
def test_audit_query_count_does_not_grow_with_accounts(bearer, make_account, django_assert_max_num_queries):
    api = bearer(make_account("DISTRICT_REVIEWER"))
    with django_assert_max_num_queries(40) as small:
        api.get(AUDIT)
    budget = len(small.captured_queries)
    for _ in range(10):
        make_account("ISV_USER", "ISV_FEE_RECEIPT")
    with django_assert_max_num_queries(budget):
        assert api.get(AUDIT).json()["count"] == 11


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", ["0", "-1", "x", "1001", "2.5", ""])
def test_a_bad_page_size_is_400(bearer, make_account, page_size):
    response = bearer(make_account("DISTRICT_REVIEWER")).get(AUDIT, {"page_size": page_size})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["page_size"]


@pytest.mark.django_db
@pytest.mark.parametrize("page_number", ["0", "-1", "x", "last", ""])  # not "page": that is Playwright's fixture
def test_a_bad_page_number_is_400(bearer, make_account, page_number):
    response = bearer(make_account("DISTRICT_REVIEWER")).get(AUDIT, {"page": page_number})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["page"]
