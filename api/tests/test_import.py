"""Registry import through the API: the same all-or-nothing importer; dry_run returns the row errors as JSON."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Official
from accounts.tests.test_hostile_files import TWO_BILLION_ROWS
from events.models import Event

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
IMPORTS = "/api/v1/imports/"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes())


@pytest.fixture
def central(make_account):
    return make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4")


@pytest.mark.django_db
def test_dry_run_reports_every_bad_row_and_writes_nothing(bearer, central):
    before = Official.objects.count()
    response = bearer(central).post(f"{IMPORTS}officials/?dry_run=1", {"file": upload("officials_bad.csv")})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["ok"] is False and body["imported"] is False and body["dry_run"] is True
    assert body["problems"] and all({"row", "column", "message"} == set(p) for p in body["problems"])
    assert body["problems"][0]["row"] >= 2
    assert Official.objects.count() == before
    assert not Event.objects.filter(action="accounts.registry.imported").exists()


@pytest.mark.django_db
def test_a_bad_file_is_rejected_whole(bearer, central):
    before = Official.objects.count()
    response = bearer(central).post(f"{IMPORTS}officials/", {"file": upload("officials_bad.csv")})
    assert response.status_code == 400
    assert response.json()["code"] == "IMPORT_REJECTED" and response.json()["problems"]
    assert Official.objects.count() == before


@pytest.mark.django_db
def test_a_good_file_is_imported_and_logged(bearer, central):
    api = bearer(central)
    dry = api.post(f"{IMPORTS}officials/?dry_run=1", {"file": upload("officials_good.csv")}).json()
    assert dry["ok"] is True and dry["imported"] is False and dry["counts"]["create"] == dry["rows"] > 0
    response = api.post(f"{IMPORTS}officials/", {"file": upload("officials_good.csv")})
    assert response.status_code == 200, response.json()
    assert response.json()["imported"] is True
    event = Event.objects.get(action="accounts.registry.imported")
    assert event.seq == response.json()["event_seq"] and event.data["origin"] == "api" and event.actor_id == central.pk


@pytest.mark.django_db
def test_rows_outside_the_callers_scope_are_row_errors(bearer, make_account):
    other_province = make_account("PROVINCE_REVIEWER", unit_code="49")
    response = bearer(other_province).post(f"{IMPORTS}officials/?dry_run=1", {"file": upload("officials_good.csv")})
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert {p["column"] for p in response.json()["problems"]} == {"unit_code"}


@pytest.mark.django_db
def test_import_needs_the_menu_a_file_and_a_known_kind(bearer, make_account, central):
    district = bearer(make_account("DISTRICT_REVIEWER"))  # no import menu
    refused = district.post(f"{IMPORTS}officials/", {"file": upload("officials_good.csv")})
    assert refused.status_code == 403 and refused.json()["code"] == "MENU_DENIED"
    api = bearer(central)
    assert api.post(f"{IMPORTS}payroll/", {"file": upload("officials_good.csv")}).status_code == 404
    missing = api.post(f"{IMPORTS}officials/", {})
    assert missing.status_code == 400 and "file" in missing.json()["errors"]
    unreadable = api.post(f"{IMPORTS}officials/", {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")})
    assert unreadable.status_code == 400 and unreadable.json()["code"] in ("IMPORT_FILE_UNREADABLE", "IMPORT_REJECTED")
    assert api.post(f"{IMPORTS}officials/", {"x": "y"}, format="json").status_code == 415


@pytest.mark.django_db
def test_the_api_answers_a_hostile_file_with_a_json_error(bearer, central):
    response = bearer(central).post(
        "/api/v1/imports/officials/?dry_run=1", {"file": SimpleUploadedFile("officials.xlsx", TWO_BILLION_ROWS)}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "IMPORT_FILE_UNREADABLE" and "2,000,000,000" in response.json()["detail"]
