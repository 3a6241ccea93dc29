"""Receipts through the API: the rank rule, scope denials, void, PDF and gap-free numbers under parallel POSTs."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from conftest import missing_service
from events.models import Event
from receipts.models import Receipt

RECEIPTS = "/api/v1/receipts/"


def fee_receipt(**overrides):
    body = {
        "unit": "4701",
        "category": "FEE",
        "fee_type": "IDCARD",
        "payer_name": "นายผู้ชำระ ทดสอบ",
        "payment_method": "cash",
        "items": [{"description": "ค่าธรรมเนียมออกบัตรใหม่", "quantity": "1", "unit_price": "100.00"}],
    }
    return {**body, **overrides}


def auction_receipt(**overrides):
    items = [{"description": "ขายทอดตลาดรถจักรยานยนต์ของกลาง", "quantity": "1", "unit_price": "15000.50"}]
    return fee_receipt(**{"category": "AUCTION", "fee_type": None, "items": items, **overrides})


@pytest.fixture
def clerk(make_account):
    return make_account("ISV_USER", "ISV_FEE_RECEIPT", position_name="เจ้าพนักงานธุรการ", level_code="O2")


@pytest.fixture
def palad_k3(make_account):
    return make_account("ISV_FEE_RECEIPT", "ISV_AUCTION_RECEIPT", "ISV_SCRAP_RECEIPT")


@pytest.mark.django_db
def test_issue_returns_the_next_number_and_logs_it(bearer, clerk):
    api = bearer(clerk)
    first = api.post(RECEIPTS, fee_receipt(), format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    year = body["fiscal_year"]
    assert body["number"] == f"4701-{year}-000001" and body["number_display"] == f"4701/{year}/000001"
    assert first["Location"] == f"http://testserver{RECEIPTS}{body['number']}/"  # where GET reads it again
    assert body["total"] == "100.00" and body["total_in_words"] == "หนึ่งร้อยบาทถ้วน"
    assert body["items"][0]["amount"] == "100.00" and body["issuer_name"] == clerk.official.full_name
    second = api.post(RECEIPTS, fee_receipt(), format="json")
    assert second.json()["number"] == f"4701-{year}-000002"
    assert Event.objects.filter(action="receipts.receipt.issued", actor=clerk).count() == 2


@pytest.mark.django_db
def test_a_retry_with_the_same_idempotency_key_gets_the_first_receipt(bearer, clerk, make_account):
    api = bearer(clerk)
    first = api.post(RECEIPTS, fee_receipt(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = api.post(RECEIPTS, fee_receipt(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert "Location" in first and "Location" not in again  # nothing new was made
    assert again.json()["number"] == first.json()["number"]
    assert Receipt.objects.count() == 1
    other = api.post(RECEIPTS, fee_receipt(), format="json", HTTP_IDEMPOTENCY_KEY="retry-2")
    assert other.status_code == 201 and other.json()["number"] != first.json()["number"]
    # A key is the caller's own: another clerk's same key issues that clerk's own receipt.
    colleague = make_account("ISV_USER", "ISV_FEE_RECEIPT", position_name="เจ้าพนักงานธุรการ", level_code="O2")
    theirs = bearer(colleague).post(RECEIPTS, fee_receipt(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert theirs.status_code == 201 and Receipt.objects.count() == 3


@pytest.mark.django_db
def test_rank_rule_refuses_a_k2_deputy_and_logs_the_refusal(bearer, make_account):
    k2 = make_account("ISV_AUCTION_RECEIPT", level_code="K2")
    response = bearer(k2).post(RECEIPTS, auction_receipt(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "POLICY_DENIED"
    assert "ชำนาญการพิเศษ" in response.json()["detail"]
    assert not Receipt.objects.exists()
    refusal = Event.objects.get(action="receipts.receipt.refused")
    assert refusal.actor_id == k2.pk and refusal.data["rule"] == "policy"


@pytest.mark.django_db
def test_rank_rule_reads_the_hr_record_not_the_registration(bearer, make_account):
    """A K2 who registered as K3 is still refused: the HR record decides."""
    from tests.factories import level

    k2 = make_account("ISV_AUCTION_RECEIPT", level_code="K2")
    k2.registered_level = level("K3")
    k2.save(update_fields=["registered_level"])
    assert bearer(k2).post(RECEIPTS, auction_receipt(), format="json").json()["code"] == "POLICY_DENIED"


@pytest.mark.django_db
def test_a_k3_deputy_issues_auction_and_scrap_receipts(bearer, palad_k3):
    api = bearer(palad_k3)
    auction = api.post(RECEIPTS, auction_receipt(), format="json")
    scrap = api.post(RECEIPTS, auction_receipt(category="SCRAP"), format="json")
    assert (auction.status_code, scrap.status_code) == (201, 201)
    assert auction.json()["total"] == "15000.50"
    # One series per unit and fiscal year, whatever the category.
    assert [auction.json()["number"][-6:], scrap.json()["number"][-6:]] == ["000001", "000002"]


@pytest.mark.django_db
def test_a_category_whose_role_is_not_held_is_403(bearer, clerk):
    response = bearer(clerk).post(RECEIPTS, auction_receipt(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "ROLE_NOT_HELD"


@pytest.mark.django_db
def test_issuing_needs_a_receipt_role(bearer, make_account):
    response = bearer(make_account("ISV_USER")).post(RECEIPTS, fee_receipt(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "MENU_DENIED"


@pytest.mark.django_db
@pytest.mark.parametrize("unit", ["4702", "49", "9999", ""])
def test_a_unit_where_no_receipt_role_is_held_is_a_field_error(bearer, clerk, unit):
    response = bearer(clerk).post(RECEIPTS, fee_receipt(unit=unit), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR" and "unit" in response.json()["errors"]
    assert not Receipt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"items": []}, "items"),
        ({"items": [{"description": "x", "quantity": "0", "unit_price": "1"}]}, "items.0.quantity"),
        ({"payer_national_id": "1234567890123"}, "payer_national_id"),
        ({"fee_type": "NOPE"}, "fee_type"),
        ({"payment_method": "bitcoin"}, "payment_method"),
        ({"payer_name": ""}, "payer_name"),
    ],
)
def test_bad_input_is_400_with_the_field_named(bearer, clerk, overrides, field):
    response = bearer(clerk).post(RECEIPTS, fee_receipt(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Receipt.objects.exists()


@pytest.mark.django_db
def test_a_rule_of_the_service_comes_back_as_400(bearer, clerk):
    response = bearer(clerk).post(RECEIPTS, fee_receipt(fee_type=None), format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "ใบเสร็จค่าธรรมเนียมต้องระบุประเภทค่าธรรมเนียม"


# ---------------------------------------------------------------------------------------------------------------
# Reading and voiding


@pytest.fixture
def issued(bearer, clerk):
    numbers = [bearer(clerk).post(RECEIPTS, fee_receipt(), format="json").json()["number"] for _ in range(2)]
    bearer(clerk).credentials()
    return numbers


@pytest.mark.django_db
def test_list_is_scoped_to_where_the_caller_issues_or_reviews(bearer, make_account, clerk, issued):
    own = bearer(clerk).get(RECEIPTS).json()
    assert [row["number"] for row in own["results"]] == list(reversed(issued))
    province_reviewer = make_account("PROVINCE_REVIEWER", unit_code="47")
    assert bearer(province_reviewer).get(RECEIPTS, {"unit": "4701"}).json()["count"] == 2
    other_province = make_account("PROVINCE_REVIEWER", unit_code="49")
    assert bearer(other_province).get(RECEIPTS).json()["count"] == 0
    assert bearer(other_province).get(RECEIPTS, {"unit": "4701"}).status_code == 404
    other_district = make_account("ISV_FEE_RECEIPT", unit_code="4702", position_name="เจ้าพนักงานธุรการ", level_code="O2")
    assert bearer(other_district).get(RECEIPTS).json()["count"] == 0
    nobody = bearer(make_account("ISV_USER")).get(RECEIPTS)
    assert nobody.status_code == 403 and nobody.json()["code"] == "MENU_DENIED"


@pytest.mark.django_db
def test_list_filters_by_date_and_category(bearer, clerk, issued, today):
    api = bearer(clerk)
    assert api.get(RECEIPTS, {"date_from": today.isoformat(), "category": "FEE"}).json()["count"] == 2
    assert api.get(RECEIPTS, {"date_to": "2020-01-01"}).json()["count"] == 0
    assert api.get(RECEIPTS, {"date_from": "yesterday"}).status_code == 400


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_receipts(bearer, clerk, django_assert_max_num_queries):
    api = bearer(clerk)
    api.post(RECEIPTS, fee_receipt(), format="json")
    with django_assert_max_num_queries(30) as small:
        api.get(RECEIPTS)
    budget = len(small.captured_queries)  # read now: the next requests reset Django's query log
    for _ in range(6):
        api.post(
            RECEIPTS,
            fee_receipt(
                items=[
                    {"description": "ก", "quantity": "1", "unit_price": "1"},
                    {"description": "ข", "quantity": "2", "unit_price": "3"},
                ]
            ),
            format="json",
        )
    with django_assert_max_num_queries(budget):
        assert api.get(RECEIPTS).json()["count"] == 7


@pytest.mark.django_db
def test_void_keeps_the_number_and_refuses_a_second_void(bearer, clerk, issued):
    api = bearer(clerk)
    response = api.post(f"{RECEIPTS}{issued[0]}/void/", {"reason": "พิมพ์ชื่อผู้ชำระผิด"}, format="json")
    assert response.status_code == 200
    assert response.json()["voided"] is True and response.json()["number"] == issued[0]
    again = api.post(f"{RECEIPTS}{issued[0]}/void/", {"reason": "อีกครั้ง"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "ALREADY_VOIDED"
    assert api.post(f"{RECEIPTS}{issued[1]}/void/", {"reason": ""}, format="json").status_code == 400
    assert Receipt.objects.filter(voided_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_void_needs_the_same_right_as_issuing(bearer, make_account, clerk, issued):
    reviewer = make_account("DISTRICT_REVIEWER")  # sees the receipts of 4701, may not void them
    assert bearer(reviewer).get(f"{RECEIPTS}{issued[0]}/").status_code == 200
    response = bearer(reviewer).post(f"{RECEIPTS}{issued[0]}/void/", {"reason": "ลองดู"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "ROLE_NOT_HELD"
    assert not Receipt.objects.filter(voided_at__isnull=False).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["{n}/", "{n}/void/", "{n}/pdf"])
def test_receipts_outside_scope_or_unknown_are_404(bearer, make_account, issued, path):
    outsider = make_account("ISV_FEE_RECEIPT", unit_code="4702", position_name="เจ้าพนักงานธุรการ", level_code="O2")
    api = bearer(outsider)
    method = api.post if "void" in path else api.get
    for number in (issued[0], "4701-2570-999999", "not-a-number", "4701-2570-T000001"):
        response = (
            method(RECEIPTS + path.format(n=number), {"reason": "x"}, format="json")
            if "void" in path
            else method(RECEIPTS + path.format(n=number))
        )
        assert response.status_code == 404, number
        assert response.json()["code"] == "NOT_FOUND"
    assert not Receipt.objects.filter(voided_at__isnull=False).exists()


@pytest.mark.django_db
def test_pdf_of_a_receipt(bearer, clerk, issued):
    response = bearer(clerk).get(f"{RECEIPTS}{issued[0]}/pdf", HTTP_ACCEPT="application/pdf")
    if response.status_code == 503:  # WeasyPrint without Debian's pango libraries
        missing_service(f"{response.json()['detail']} (apt-get install libpango-1.0-0 libpangoft2-1.0-0)")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="receipt-{issued[0]}.pdf"'
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_pdf_errors_are_json_even_when_a_pdf_was_asked_for(bearer, clerk):
    response = bearer(clerk).get(f"{RECEIPTS}4701-2570-000404/pdf", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "NOT_FOUND"


# ---------------------------------------------------------------------------------------------------------------
# Concurrency


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_get_consecutive_numbers(make_account, issue_token):
    """Eight terminals issue at the same moment: numbers 1..8, no gap, no duplicate (the proof is the PostgreSQL run)."""
    from rest_framework.test import APIClient

    clerk = make_account("ISV_FEE_RECEIPT", position_name="เจ้าพนักงานธุรการ", level_code="O2")
    tokens = [issue_token(clerk, name=f"เครื่องที่ {n}") for n in range(8)]
    barrier = threading.Barrier(len(tokens))
    results: list = []

    def terminal(token: str) -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            barrier.wait()
            response = client.post(RECEIPTS, fee_receipt(), format="json")
            results.append((response.status_code, response.json().get("number")))
        finally:
            connection.close()

    threads = [threading.Thread(target=terminal, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in results) == [201] * 8
    assert sorted(int(number[-6:]) for _, number in results) == list(range(1, 9))
    assert sorted(Receipt.objects.values_list("number", flat=True)) == list(range(1, 9))
    assert sum(Receipt.objects.values_list("total", flat=True)) == Decimal("800.00")
