"""Session and token authentication, throttling per token, and the shape of every error."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.exceptions import flatten_errors

ME = "/api/v1/me/"


@pytest.mark.django_db
def test_session_authenticates_the_browser(client, make_account):
    account = make_account("ISV_USER")
    client.force_login(account)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == account.username


@pytest.mark.django_db
def test_each_token_has_its_own_request_budget(settings, make_account, issue_token, api_client):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "api_token": "3/min",
            "api_session": "100/min",
            "api_anonymous": "100/min",
        },
    }
    account = make_account("ISV_USER")
    first, second = issue_token(account, name="หนึ่ง"), issue_token(account, name="สอง")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    assert [api_client.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    refused = api_client.get(ME)
    assert refused.status_code == 429
    assert refused.json()["code"] == "THROTTLED"
    assert int(refused["Retry-After"]) > 0
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    assert api_client.get(ME).status_code == 200


@pytest.mark.django_db
def test_session_requests_are_throttled_per_account(settings, client, make_account):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "api_token": "100/min",
            "api_session": "2/min",
            "api_anonymous": "100/min",
        },
    }
    client.force_login(make_account("ISV_USER"))
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.django_db
def test_unknown_method_is_405_in_our_format(make_account, bearer):
    response = bearer(make_account("ISV_USER")).delete(ME)
    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"


def test_flatten_errors_gives_one_level_of_fields():
    nested = {"items": [{}, {"amount": ["ต้องมากกว่า 0"]}], "non_field_errors": ["x"], "unit": ["y"]}
    assert flatten_errors(nested) == {"items.1.amount": ["ต้องมากกว่า 0"], "non_field_errors": ["x"], "unit": ["y"]}


@pytest.mark.django_db
def test_schema_needs_authentication_and_lists_every_endpoint(api_client, make_account, bearer):
    assert api_client.get("/api/v1/schema/").status_code == 401
    response = bearer(make_account("ISV_USER")).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/me/", "/api/v1/audit/"} <= set(schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"apiToken", "session"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "404", "429"} <= set(operation["responses"]), (method, path)
            if method != "get":  # only reads are paged
                names = {parameter["name"] for parameter in operation.get("parameters", [])}
                assert not names & {"page", "page_size"}, (method, path)
    filed = schema["paths"]["/api/v1/leaver-reports/"]["post"]["responses"]["201"]["content"]["application/json"]
    assert filed["schema"]["type"] == "array"  # the reports filed together, answered whole


@pytest.mark.django_db
def test_docs_pages_use_local_assets_and_no_inline_script(client, make_account):
    anonymous = client.get(reverse("api:docs"))
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    client.force_login(make_account("ISV_USER"))
    html = client.get(reverse("api:docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html and "<style" not in html and "//" not in html.replace("<!--", "")
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/me", "/api/v1/change-requests/null/decide/"])
def test_unknown_api_paths_are_json_404(make_account, bearer, path):
    api = bearer(make_account("ISV_USER"))
    for response in (api.get(path), api.post(path, {}, format="json")):
        assert response.status_code == 404
        assert response.json()["code"] == "NOT_FOUND"


@pytest.mark.django_db
def test_an_empty_filter_means_no_filter(make_account, bearer):
    api = bearer(make_account("DISTRICT_REVIEWER"))
    assert api.get("/api/v1/audit/", {"unit": ""}).json() == api.get("/api/v1/audit/").json()
    assert api.get("/api/v1/change-requests/", {"status": ""}).status_code == 200
    assert api.get("/api/v1/change-requests/", {"status": "maybe"}).status_code == 400


@pytest.mark.django_db
def test_a_locked_accounts_tokens_stop_working(make_account, client, settings):
    from api.services import api_token_create

    holder = make_account("ISV_USER", username="locked.4701")
    issued = api_token_create(user=holder, name="สคริปต์", days=30, second_factor_verified=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.plaintext}")
    assert api.get("/api/v1/me/").status_code == 200
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "locked.4701", "password": "wrong-guess"})
    refused = api.get("/api/v1/me/")
    assert refused.status_code == 401 and refused.json()["code"] == "ACCOUNT_LOCKED"


@pytest.mark.django_db
def test_a_body_past_djangos_bounds_is_a_json_error_not_the_html_page(bearer, make_account):
    reviewer = make_account("DISTRICT_REVIEWER", unit_code="4701")
    fields = "&".join(f"accounts={index}" for index in range(1_200))  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1,000
    response = bearer(reviewer).post(
        "/api/v1/leaver-reports/", data=f"reason=x&{fields}", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "REQUEST_TOO_LARGE"


@pytest.mark.django_db
def test_a_lock_stops_tokens_only_from_the_address_it_was_locked_at(make_account, client, settings):
    from api.services import api_token_create

    holder = make_account("ISV_USER", username="locked.elsewhere.4701")
    issued = api_token_create(user=holder, name="สคริปต์", days=30, second_factor_verified=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": holder.username, "password": "wrong-guess"}, REMOTE_ADDR="203.0.113.9")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.plaintext}")
    assert api.get("/api/v1/me/", REMOTE_ADDR="203.0.113.9").json()["code"] == "ACCOUNT_LOCKED"
    assert api.get("/api/v1/me/", REMOTE_ADDR="10.47.1.20").status_code == 200


def test_a_services_refusal_reason_is_answered_under_our_code_and_a_bare_one_gets_ours():
    from django.core.exceptions import PermissionDenied
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from api.exceptions import api_exception_handler

    context = {"request": Request(APIRequestFactory().get(ME)), "view": None}
    reasoned = api_exception_handler(PermissionDenied("ท่านพิจารณาคำขอของตนเองไม่ได้"), context)
    assert reasoned.status_code == 403
    assert reasoned.data == {"code": "PERMISSION_DENIED", "detail": "ท่านพิจารณาคำขอของตนเองไม่ได้"}
    bare = api_exception_handler(PermissionDenied(), context)
    assert bare.data == {"code": "PERMISSION_DENIED", "detail": "ท่านไม่มีสิทธิ์ทำรายการนี้"}


@pytest.mark.parametrize("text, code", [("15/06/2569", "invalid"), ("2569-02-30", "no_such_date")])
def test_a_date_the_api_cannot_read_carries_the_code_of_why(text, code):
    from api.serializers import AuditQuerySerializer

    query = AuditQuerySerializer(data={"as_of": text})
    assert not query.is_valid()
    assert query.errors["as_of"][0].code == code
