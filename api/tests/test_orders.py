"""Assignment orders through the API: recorded pending, confirmed by a second person, refused above authority."""

import pytest
from rest_framework.test import APIClient

from events.models import Event
from rights.models import AssignmentOrder, OrderLine
from rights.scope import account_rights
from tests.factories import new_national_id, unit

ORDERS = "/api/v1/orders/"


# The fixtures' own orders are numbered by a counter shared by the whole run and issued at the province (47), so a
# check that nothing was saved names the issuing unit as well as the number.
def order_body(official, *, role="ISV_FEE_RECEIPT", unit_code="4701", number="31/2569", **overrides):
    line = {
        "national_id": official.national_id, "role": role, "unit": unit_code, "position": official.position.name_th,
        "level": official.level.code, "effective_from": "2569-01-03",
    }
    return {"number": number, "order_date": "2569-01-02", "issuing_unit": unit_code, "signer": "นายอำเภอ",
            "lines": [line], **overrides}


def client_for(issue_token, user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")
    return client


@pytest.fixture
def reviewers(make_account):
    first = make_account("DISTRICT_REVIEWER", position_name="เจ้าพนักงานปกครอง", username="api.rev1")
    second = make_account("DISTRICT_REVIEWER", position_name="เจ้าพนักงานปกครอง", username="api.rev2")
    return first, second


@pytest.mark.django_db
def test_an_order_recorded_by_one_reviewer_grants_only_once_another_confirms_it(reviewers, make_account, issue_token):
    first, second = reviewers
    person = make_account("ISV_USER", username="api.person")
    recorder = client_for(issue_token, first)
    response = recorder.post(ORDERS, order_body(person.official), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert response["Location"] == f"http://testserver{ORDERS}{created['id']}/"
    assert created["pending_confirmation"] and created["lines"][0]["confirmed_at"] is None
    assert created["lines"][0]["national_id"] == person.official.national_id
    assert [o["id"] for o in recorder.get(ORDERS, {"state": "pending"}).json()["results"]] == [created["id"]]
    assert recorder.get(ORDERS, {"state": "mine"}).json()["results"] == []  # not the recorder's to confirm

    refused = recorder.post(f"{ORDERS}{created['id']}/confirm/")
    assert refused.status_code == 403 and refused.json()["code"] == "RECORDER_CONFIRMS"
    assert OrderLine.objects.get(order_id=created["id"]).confirmed_at is None

    confirmer = client_for(issue_token, second)
    assert [o["id"] for o in confirmer.get(ORDERS, {"state": "mine"}).json()["results"]] == [created["id"]]
    confirmed = confirmer.post(f"{ORDERS}{created['id']}/confirm/")
    assert confirmed.status_code == 200, confirmed.json()
    assert not confirmed.json()["pending_confirmation"]
    assert confirmed.json()["lines"][0]["confirmed_by"] == "api.rev2"
    again = confirmer.post(f"{ORDERS}{created['id']}/confirm/")
    assert again.status_code == 409 and again.json()["code"] == "NOT_PENDING"
    # The order is in force, the right follows at the next sync (not before).
    assert not account_rights(person).has_role_at("ISV_FEE_RECEIPT", unit("4701")).effective


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["CENTRAL_ADMIN", "PROVINCE_REVIEWER", "DISTRICT_REVIEWER"])
def test_a_district_reviewer_cannot_record_a_role_above_the_district(reviewers, make_account, issue_token, role):
    first, _ = reviewers
    person = make_account("ISV_USER", username="api.person")
    response = client_for(issue_token, first).post(ORDERS, order_body(person.official, role=role), format="json")
    assert response.status_code == 403 and response.json()["code"] == "GRANT_ABOVE_AUTHORITY"
    assert role in response.json()["detail"]
    assert not AssignmentOrder.objects.filter(number="31/2569", issuing_unit__code="4701").exists()
    refusal = Event.objects.get(action="accounts.order.refused")
    assert refusal.actor == first and refusal.data["rule"] == "grant_above_authority"


@pytest.mark.django_db
def test_nobody_records_an_order_naming_themselves(reviewers, issue_token):
    first, _ = reviewers
    response = client_for(issue_token, first).post(ORDERS, order_body(first.official), format="json")
    assert response.status_code == 403 and response.json()["code"] == "SELF_DEALING"
    assert not AssignmentOrder.objects.filter(number="31/2569", issuing_unit__code="4701").exists()
    assert Event.objects.filter(action="accounts.order.refused", actor=first).exists()


@pytest.mark.django_db
def test_orders_of_another_district_are_not_found(reviewers, make_account, issue_token):
    first, _ = reviewers
    outsider = make_account("DISTRICT_REVIEWER", unit_code="4702", position_name="เจ้าพนักงานปกครอง", username="api.out")
    person = make_account("ISV_USER", username="api.person")
    created = client_for(issue_token, first).post(ORDERS, order_body(person.official), format="json").json()
    other = client_for(issue_token, outsider)
    assert other.get(f"{ORDERS}{created['id']}/").status_code == 404
    assert other.post(f"{ORDERS}{created['id']}/confirm/").status_code == 404
    assert other.get(ORDERS).json()["results"] == []
    assert OrderLine.objects.get(order_id=created["id"]).confirmed_at is None


@pytest.mark.django_db
def test_bad_lines_name_the_line_and_field(reviewers, issue_token):
    first, _ = reviewers
    body = order_body(first.official, number="๓๑/2569")
    body["lines"][0]["national_id"] = "1234567890123"
    response = client_for(issue_token, first).post(ORDERS, body, format="json")
    assert response.status_code == 400
    assert "lines.0.national_id" in response.json()["errors"]


@pytest.mark.django_db
def test_an_order_may_name_someone_off_the_hr_record_with_the_name_typed_in(reviewers, make_account, issue_token):
    first, _second = reviewers
    template = make_account("ISV_USER", username="api.template")
    newcomer = new_national_id()
    recorder = client_for(issue_token, first)
    body = order_body(template.official)
    body["lines"][0]["national_id"] = newcomer
    unnamed = recorder.post(ORDERS, body, format="json")
    assert unnamed.status_code == 400, unnamed.json()
    assert "กรุณากรอกชื่อ-นามสกุลตามคำสั่ง" in str(unnamed.json())
    assert not AssignmentOrder.objects.filter(number="31/2569", issuing_unit__code="4701").exists()

    body["lines"][0]["written_name"] = "นายมาใหม่ รอทะเบียน"
    response = recorder.post(ORDERS, body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["lines"][0]["national_id"] == newcomer
    assert created["lines"][0]["written_name"] == "นายมาใหม่ รอทะเบียน"
    [warning] = created["warnings"]
    assert warning.startswith("รายการที่ 1: ไม่พบเลขประจำตัวประชาชน") and "ขอบเขตของท่าน" in warning
    # A mistyped ID is still refused: that is a typing mistake, not a disagreement with the HR record.
    body["lines"][0]["national_id"] = newcomer[:-1] + str((int(newcomer[-1]) + 1) % 10)
    body["number"] = "32/2569"
    assert recorder.post(ORDERS, body, format="json").status_code == 400
