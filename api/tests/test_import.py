"""Registry import through the API: the same all-or-nothing importer; dry_run returns the row errors as JSON; a
long job answers 202 and is asked again."""

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Official
from events.models import Event
from registry import jobs as import_jobs
from registry.tests.test_hostile_files import TWO_BILLION_ROWS

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
    assert body["problems"] and all({"row", "column", "label", "message"} == set(p) for p in body["problems"])
    assert body["problems_total"] == len(body["problems"]) and body["bad_rows"] > 0
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
    assert unreadable.status_code == 400 and unreadable.json()["code"] == "VALIDATION_ERROR"
    assert "CSV" in unreadable.json()["errors"]["file"][0]
    empty = api.post(f"{IMPORTS}officials/", {"file": SimpleUploadedFile("officials.csv", b"")})
    assert empty.status_code == 400 and "file" in empty.json()["errors"]
    assert api.post(f"{IMPORTS}officials/", {"x": "y"}, format="json").status_code == 415


@pytest.mark.django_db
def test_the_api_answers_a_hostile_file_with_a_json_error(bearer, central):
    response = bearer(central).post(
        "/api/v1/imports/officials/?dry_run=1", {"file": SimpleUploadedFile("officials.xlsx", TWO_BILLION_ROWS)}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "IMPORT_FILE_UNREADABLE" and "2,000,000,000" in response.json()["detail"]


@pytest.mark.django_db
def test_uploads_beyond_the_size_limit_are_refused_before_any_job(bearer, central, settings, stored_uploads):
    settings.REGISTRY_IMPORT_MAX_BYTES = 100
    response = bearer(central).post(f"{IMPORTS}officials/", {"file": upload("officials_good.csv")})
    assert response.status_code == 400 and "MB" in response.json()["errors"]["file"][0]
    assert stored_uploads() == []


@pytest.fixture
def stored_uploads(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    def names() -> list[str]:
        folder = tmp_path / import_jobs.UPLOAD_DIR
        return sorted(path.name for path in folder.iterdir()) if folder.exists() else []

    return names


def settled(api, url: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = api.get(url).json()
        if not body["running"] or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_long_import_answers_202_and_its_job_tells_progress_then_the_report(
    bearer, central, settings, held_registry_import, stored_uploads
):
    settings.REGISTRY_IMPORT_WAIT_SECONDS = 0.2
    release = held_registry_import
    api = bearer(central)
    before = Official.objects.count()
    response = api.post(f"{IMPORTS}officials/", {"file": upload("officials_good.csv")})
    assert response.status_code == 202, response.json()
    job = response.json()
    assert response["Location"] == job["url"] and job["url"].endswith(f"/api/v1/import-jobs/{job['token']}/")
    assert (job["state"], job["running"], job["dry_run"], job["report"]) == ("importing", True, False, None)

    running = api.get(job["url"]).json()
    assert running["rows_done"] == 1000 and running["stage"] == "ตรวจข้อมูล"
    assert Official.objects.count() == before

    release.set()
    done = settled(api, job["url"])
    assert done["state"] == "imported" and done["report"]["imported"] is True
    assert Official.objects.count() == before + done["report"]["counts"]["create"] > before
    event = Event.objects.get(action="accounts.registry.imported")
    assert done["report"]["event_seq"] == event.seq and event.data["origin"] == "api"
    # The copy of the file went with the job's end; its state stays to be asked.
    assert stored_uploads() == [f"{job['token']}.job.json"]


@pytest.mark.django_db(transaction=True)
def test_an_import_job_belongs_to_its_caller_alone(
    bearer, central, make_account, settings, held_registry_import, stored_uploads
):
    settings.REGISTRY_IMPORT_WAIT_SECONDS = 0
    release = held_registry_import
    job = bearer(central).post(f"{IMPORTS}officials/?dry_run=1", {"file": upload("officials_good.csv")}).json()
    other_importer = bearer(make_account("PROVINCE_REVIEWER", unit_code="47"))
    try:
        answer = other_importer.get(job["url"])
        assert answer.status_code == 404 and answer.json()["code"] == "NOT_FOUND"
        assert other_importer.get("/api/v1/import-jobs/not-a-token/").status_code == 404
    finally:
        release.set()
        settled(bearer(central), job["url"])


@pytest.mark.django_db
def test_a_job_whose_process_died_is_answered_as_failed(bearer, central, settings, stored_uploads):
    api = bearer(central)
    report = api.post(f"{IMPORTS}officials/?dry_run=1", {"file": upload("officials_good.csv")}).json()
    assert report["ok"] is True
    (token,) = [name.split(".")[0] for name in stored_uploads()]
    job = import_jobs.import_job(token)
    job.state = import_jobs.IMPORTING
    import_jobs._saved(job)
    settings.REGISTRY_IMPORT_JOB_STALE_SECONDS = -1
    answer = api.get(f"/api/v1/import-jobs/{token}/").json()
    assert (answer["state"], answer["error_code"], answer["running"]) == ("failed", "died", False)
    assert "ไม่ได้นำเข้าข้อมูลใด ๆ" in answer["error"]
    assert not Event.objects.filter(action="accounts.registry.imported").exists()
