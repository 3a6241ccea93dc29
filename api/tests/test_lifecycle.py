"""Change requests and leaver reports through the API: the lifecycle services, their menus and scopes."""

import datetime

import pytest

from events.models import Event
from lifecycle.models import ChangeRequest, LeaverReport

CHANGE_REQUESTS, LEAVERS = "/api/v1/change-requests/", "/api/v1/leaver-reports/"


def request_body(**overrides):
    body = {
        "position": "เจ้าพนักงานปกครอง",
        "level": "K2",
        "unit": "4701",
        "order_number": "77/2569",
        "order_date": "2569-05-01",
        "note": "ตามคำสั่งอำเภอ",
    }
    return {**body, **overrides}


@pytest.mark.django_db
def test_holder_files_and_a_reviewer_approves(bearer, make_account, issue_token, api_client):
    holder = make_account("ISV_USER")
    response = bearer(holder).post(CHANGE_REQUESTS, request_body(), format="json")
    assert response.status_code == 201, response.json()
    assert "Location" not in response  # a change request has no address of its own in the API
    created = response.json()
    assert created["status"] == "pending" and created["requested"] == {
        "position": "เจ้าพนักงานปกครอง",
        "level": "K2",
        "unit": "4701",
    }
    assert created["order_date"] == "2026-05-01"

    reviewer = make_account("DISTRICT_REVIEWER")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(reviewer)}")
    assert [r["id"] for r in api_client.get(CHANGE_REQUESTS, {"status": "pending"}).json()["results"]] == [
        created["id"]
    ]
    url = f"{CHANGE_REQUESTS}{created['id']}/decide/"
    unsupported = api_client.post(url, {"decision": "approve"}, format="json")
    assert unsupported.status_code == 400 and "กรุณาระบุเหตุผลที่อนุมัติ" in unsupported.json()["detail"]
    flagged = api_client.post(url, {"decision": "approve", "reason": "ตรวจสำเนาแล้ว"}, format="json")
    assert flagged.status_code == 400 and "LEVEL_MISMATCH" in flagged.json()["detail"]
    decided = api_client.post(url, {"decision": "approve", "reason": "ตรวจสำเนาแล้ว", "acknowledge_flags": True},
                              format="json")
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "approved" and decided.json()["previous"]["level"] == "K3"
    holder.refresh_from_db()
    assert holder.registered_level.code == "K2"
    assert Event.objects.filter(action="accounts.change_request.approved", actor=reviewer).exists()
    again = api_client.post(
        f"{CHANGE_REQUESTS}{created['id']}/decide/", {"decision": "reject", "reason": "x"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "NOT_PENDING"
    in_english = api_client.post(  # told apart by the error's code, not by its Thai text
        f"{CHANGE_REQUESTS}{created['id']}/decide/", {"decision": "reject", "reason": "x"}, format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert in_english.status_code == 409 and in_english.json()["code"] == "NOT_PENDING"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"position": "นักบินอวกาศ"}, "position"),
        ({"level": "Z9"}, "level"),
        ({"unit": "DOPA"}, "unit"),
        ({"order_number": "เจ็ดสิบเจ็ด"}, "order_number"),
        ({"order_date": "2569-02-30"}, "order_date"),
    ],
)
def test_bad_change_request_is_400_with_the_field(bearer, make_account, overrides, field):
    response = bearer(make_account("ISV_USER")).post(CHANGE_REQUESTS, request_body(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
def test_change_request_scope_denials(bearer, make_account):
    holder = make_account("ISV_USER")
    filed = bearer(holder).post(CHANGE_REQUESTS, request_body(), format="json").json()
    decide = f"{CHANGE_REQUESTS}{filed['id']}/decide/"
    other_district = make_account("DISTRICT_REVIEWER", unit_code="4702")
    assert bearer(other_district).get(CHANGE_REQUESTS).json()["count"] == 0
    refused = bearer(other_district).post(decide, {"decision": "approve"}, format="json")
    assert refused.status_code == 404 and refused.json()["code"] == "NOT_FOUND"
    clerk = make_account("ISV_FEE_RECEIPT")
    assert bearer(clerk).get(CHANGE_REQUESTS).json()["count"] == 0
    no_menu = bearer(clerk).post(decide, {"decision": "approve"}, format="json")
    assert no_menu.status_code == 403 and no_menu.json()["code"] == "MENU_DENIED"
    assert (
        bearer(make_account("DISTRICT_REVIEWER")).post(decide, {"decision": "reject"}, format="json").status_code == 400
    )
    assert ChangeRequest.objects.get().status == "pending"


@pytest.mark.django_db
def test_a_reviewer_cannot_decide_their_own_request(bearer, make_account):
    reviewer = make_account("DISTRICT_REVIEWER")
    api = bearer(reviewer)
    filed = api.post(CHANGE_REQUESTS, request_body(), format="json").json()
    response = api.post(f"{CHANGE_REQUESTS}{filed['id']}/decide/", {"decision": "approve"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "SELF_DEALING"
    assert "ของตนเอง" in response.json()["detail"]


# ---------------------------------------------------------------------------------------------------------------
# Leaver reports


@pytest.mark.django_db
def test_office_reports_a_leaver_and_the_centre_accepts(bearer, make_account, issue_token, api_client, today):
    leaver = make_account("ISV_USER", username="retiring.4701")
    reviewer = make_account("DISTRICT_REVIEWER")
    body = {"accounts": [leaver.username], "reason": "retired", "left_on": today.isoformat()}
    response = bearer(reviewer).post(LEAVERS, body, format="json")
    assert response.status_code == 201, response.json()
    report = response.json()[0]
    assert report["status"] == "pending" and report["unit"] == "4701"

    central = make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(central)}")
    assert api_client.get(LEAVERS, {"status": "pending"}).json()["count"] == 1
    decided = api_client.post(f"{LEAVERS}{report['id']}/decide/", {"decision": "accept"}, format="json")
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == "accepted"
    leaver.refresh_from_db()
    assert leaver.is_active is False  # deactivated, not deleted
    again = api_client.post(f"{LEAVERS}{report['id']}/decide/", {"decision": "accept"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "NOT_PENDING"
    returned = api_client.post(f"{LEAVERS}{report['id']}/decide/", {"decision": "return", "reason": "x"},
                               format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert returned.status_code == 409 and returned.json()["code"] == "NOT_PENDING"


@pytest.mark.django_db
def test_leaver_report_scope_denials(bearer, make_account, today):
    elsewhere = make_account("ISV_USER", unit_code="4702")
    reviewer = make_account("DISTRICT_REVIEWER")
    body = {"accounts": [elsewhere.username], "reason": "transferred", "left_on": today.isoformat()}
    response = bearer(reviewer).post(LEAVERS, body, format="json")
    assert response.status_code == 400 and "accounts" in response.json()["errors"]
    unknown = bearer(reviewer).post(LEAVERS, {**body, "accounts": ["nobody.at.all"]}, format="json")
    assert unknown.json()["errors"]["accounts"][0].replace("nobody.at.all", "X") == response.json()["errors"][
        "accounts"
    ][0].replace(elsewhere.username, "X")
    future = bearer(reviewer).post(
        LEAVERS,
        {**body, "accounts": [reviewer.username], "left_on": (today + datetime.timedelta(days=3)).isoformat()},
        format="json",
    )
    assert future.status_code == 400
    assert not LeaverReport.objects.exists()
    clerk = bearer(make_account("ISV_FEE_RECEIPT"))
    assert clerk.post(LEAVERS, body, format="json").json()["code"] == "MENU_DENIED"
    assert clerk.get(LEAVERS).status_code == 403


@pytest.mark.django_db
def test_only_the_centre_decides_leaver_reports(bearer, make_account, today):
    leaver = make_account("ISV_USER")
    province = make_account("PROVINCE_REVIEWER", unit_code="47")
    report = (
        bearer(province)
        .post(
            LEAVERS, {"accounts": [leaver.username], "reason": "resigned", "left_on": today.isoformat()}, format="json"
        )
        .json()[0]
    )
    refused = bearer(province).post(f"{LEAVERS}{report['id']}/decide/", {"decision": "accept"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "MENU_DENIED"
    other_province = bearer(make_account("PROVINCE_REVIEWER", unit_code="49"))
    assert other_province.get(LEAVERS).json()["count"] == 0
    central = bearer(make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4"))
    assert central.post(f"{LEAVERS}999999/decide/", {"decision": "accept"}, format="json").status_code == 404
    returned = central.post(f"{LEAVERS}{report['id']}/decide/", {"decision": "return"}, format="json")
    assert returned.status_code == 400 and "reason" in returned.json()["errors"]
    leaver.refresh_from_db()
    assert leaver.is_active
