"""The registry import web pages: upload, preview in Thai, confirm; scope and access."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Official
from events.models import Event
from registry.tests.test_import_registry import (
    OFFICIAL_COLUMNS,
    ORDER_COLUMNS,
    SAMPLES,
    nid,
    official_row,
    order_row,
    write_csv,
)
from registry.views import SESSION_KEY
from rights.models import OrderLine
from tests.factories import OfficialFactory, unit

UPLOAD = reverse("accounts:import-registry")


@pytest.fixture
def reviewer_47(make_account):
    return make_account("PROVINCE_REVIEWER", unit_code="47", username="reviewer.test.47")


def upload(client, path: Path, kind: str = "officials", name: str | None = None):
    with path.open("rb") as handle:
        return client.post(UPLOAD, {"kind": kind, "file": SimpleUploadedFile(name or path.name, handle.read())})


def token_of(response) -> str:
    match = re.search(r"/accounts/import/([0-9a-f]{32})/$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def imported() -> int:
    """Officials other than those of the test's own logins (make_account gives each login an HR record)."""
    return Official.objects.exclude(accounts__isnull=False).count()


def stored_files(settings) -> list[Path]:
    directory = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(directory.iterdir()) if directory.exists() else []


def stored_uploads(settings) -> list[Path]:
    """The uploads, without the state of their checks (registry.jobs)."""
    return [path for path in stored_files(settings) if not path.name.endswith(".job.json")]


@pytest.mark.django_db
def test_user_without_the_menu_gets_403(client, make_account):
    client.force_login(make_account("DISTRICT_REVIEWER"))  # reviews accounts, but imports nothing
    token = "0" * 32
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"kind": "officials"}).status_code == 403
    assert client.get(reverse("accounts:import-preview", args=[token])).status_code == 403
    assert client.post(reverse("accounts:import-confirm", args=[token])).status_code == 403
    assert reverse("accounts:import-registry") not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["central_admin", "reviewer_47"])
def test_menu_and_page_for_central_admins_and_province_reviewers(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert reverse("accounts:import-registry") in client.get(reverse("home")).content.decode()
    page = client.get(UPLOAD)
    assert page.status_code == 200
    assert "นำเข้าข้อมูลทะเบียน" in page.content.decode()


@pytest.mark.django_db
def test_preview_marks_every_problem_in_thai_and_offers_no_confirm(client, central_admin, settings):
    client.force_login(central_admin)
    response = upload(client, SAMPLES / "officials_bad.csv")
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    for row, message in [(2, "เลขตรวจสอบ"), (3, "ไม่พบหน่วยงานรหัส 4799"), (4, "ไม่รู้จักระดับ K9"),
                         (5, "ไม่มีวันที่นี้ในปฏิทิน"), (6, "ไม่พบตำแหน่ง ผู้ใหญ่บ้าน"), (7, "ไม่รู้จักสถานะ")]:
        assert re.search(rf'<td class="num">{row}</td>.*?{message}', html, re.S), (row, message)
    assert "นำเข้าไม่ได้" in html
    assert reverse("accounts:import-confirm", args=[token_of(response)]) not in html
    assert imported() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("sample", ["officials_good.csv", "officials_good.xlsx"])
def test_upload_preview_confirm_imports(client, central_admin, settings, sample):
    client.force_login(central_admin)
    response = upload(client, SAMPLES / sample)
    token = token_of(response)
    # The file waits on the server under a random name; the session keeps only that name and its details.
    assert {path.name for path in stored_files(settings)} == {
        f"{token}.job.json", f"{token}.{sample.rsplit('.', 1)[1]}"
    }
    assert set(client.session[SESSION_KEY][token]) == {"kind", "name", "format", "size", "uploaded_at"}

    preview = client.get(response["Location"]).content.decode()
    assert "สร้างใหม่" in preview and "สมชาย ศรีสกล" in preview
    assert imported() == 0

    done = client.post(reverse("accounts:import-confirm", args=[token]))
    assert done.status_code == 302
    assert imported() == 6
    event = Event.objects.get(action="accounts.registry.imported")
    assert (event.actor_id, event.data["origin"], event.data["file"]) == (central_admin.pk, "web", sample)
    assert stored_files(settings) == []
    assert token not in client.session.get(SESSION_KEY, {})
    assert "นำเข้าแฟ้ม" in client.get(done["Location"]).content.decode()
    assert client.post(reverse("accounts:import-confirm", args=[token])).status_code == 404  # not twice


@pytest.mark.django_db
def test_province_reviewer_of_47_is_refused_rows_of_49(client, reviewer_47, tmp_path):
    client.force_login(reviewer_47)
    rows = [official_row(1, unit_code="4701"), official_row(2, unit_code="4901"), official_row(3, unit_code="47")]
    response = upload(client, write_csv(tmp_path, OFFICIAL_COLUMNS, rows))
    token = token_of(response)
    html = client.get(response["Location"]).content.decode()
    assert re.search(r'<td class="num">3</td>.*?unit_code.*?4901.*?นอกขอบเขต', html, re.S)
    assert '<td class="num">2</td>' not in html and '<td class="num">4</td>' not in html
    # Nothing to confirm in a file with problems: back to its page, which still lists them.
    refused = client.post(reverse("accounts:import-confirm", args=[token]))
    assert refused.status_code == 302 and refused["Location"] == response["Location"]
    assert "นอกขอบเขต" in client.get(refused["Location"]).content.decode()
    assert imported() == 0


@pytest.mark.django_db
def test_province_reviewer_imports_rows_of_the_province(client, reviewer_47, tmp_path):
    client.force_login(reviewer_47)
    response = upload(client, write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(1, unit_code="4702")]))
    assert client.post(reverse("accounts:import-confirm", args=[token_of(response)])).status_code == 302
    assert Official.objects.get(national_id=nid(1)).unit.code == "4702"
    assert Event.objects.get(action="accounts.registry.imported").unit_path == unit("47").path


@pytest.mark.django_db
def test_the_preview_lists_warnings_beside_the_changes_and_still_imports(client, reviewer_47, tmp_path, settings):
    """Order lines naming people the HR record of the province does not have: warnings, named by row and column."""
    OfficialFactory(national_id=nid(1), unit=unit("4701"))
    client.force_login(reviewer_47)
    rows = [order_row(1), order_row(2, effective_from="2569-06-16")]
    response = upload(client, write_csv(tmp_path, ORDER_COLUMNS, rows), kind="orders")
    html = client.get(response["Location"]).content.decode()
    assert re.search(r'id="warnings-title".*?<td class="num">3</td><td><code>national_id</code>.*?ไม่พบเลขประจำตัวประชาชน',
                     html, re.S)
    assert '<td class="num">2</td><td><code>national_id' not in html
    assert "ยืนยันการนำเข้า" in html  # a warning does not stop the import
    assert client.post(reverse("accounts:import-confirm", args=[token_of(response)])).status_code == 302
    assert OrderLine.objects.filter(official_id=nid(2)).exists()


@pytest.mark.django_db
def test_confirm_checks_the_file_again(client, reviewer_47, tmp_path):
    official = OfficialFactory(national_id=nid(1), unit=unit("4701"))
    client.force_login(reviewer_47)
    response = upload(client, write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(1, last_name="ใหม่")]))
    assert "ยืนยันการนำเข้า" in client.get(response["Location"]).content.decode()
    Official.objects.filter(pk=official.pk).update(unit=unit("4901"))  # moved out of the province meanwhile
    refused = client.post(reverse("accounts:import-confirm", args=[token_of(response)]))
    assert refused.status_code == 400
    assert "นอกขอบเขต" in refused.content.decode()
    official.refresh_from_db()
    assert official.last_name != "ใหม่"


@pytest.mark.django_db
def test_an_upload_belongs_to_its_session(client, central_admin, make_account, settings):
    client.force_login(central_admin)
    token = token_of(upload(client, SAMPLES / "officials_good.csv"))
    other = client.__class__()
    other.force_login(make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", username="admin.other"))
    assert other.get(reverse("accounts:import-preview", args=[token])).status_code == 404
    assert other.post(reverse("accounts:import-confirm", args=[token])).status_code == 404
    assert other.get("/accounts/import/..%2F..%2Fetc%2Fpasswd/").status_code == 404
    assert imported() == 0 and len(stored_uploads(settings)) == 1


@pytest.mark.django_db
def test_upload_refuses_other_file_types_and_large_files(client, central_admin, settings, tmp_path):
    client.force_login(central_admin)
    odt = SimpleUploadedFile("list.ods", b"PK\x03\x04 not ours")
    response = client.post(UPLOAD, {"kind": "officials", "file": odt})
    assert response.status_code == 400 and "รับเฉพาะไฟล์ CSV (UTF-8) หรือ XLSX" in response.content.decode()
    fake = SimpleUploadedFile("list.xlsx", b"national_id,title\n")
    assert "รับเฉพาะไฟล์ CSV" in client.post(UPLOAD, {"kind": "officials", "file": fake}).content.decode()
    latin = SimpleUploadedFile("list.csv", "national_id,first_name\n1,สมชาย\n".encode("cp874"))
    assert "UTF-8" in client.post(UPLOAD, {"kind": "officials", "file": latin}).content.decode()
    settings.REGISTRY_IMPORT_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1))
    response = client.post(UPLOAD, {"kind": "officials", "file": big})
    assert response.status_code == 400 and "เกินกว่าที่รับได้ (1 MB)" in response.content.decode()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_cancel_removes_the_uploaded_file(client, central_admin, settings):
    client.force_login(central_admin)
    token = token_of(upload(client, SAMPLES / "officials_good.csv"))
    assert client.get(reverse("accounts:import-cancel", args=[token])).status_code == 405  # POST only
    assert client.post(reverse("accounts:import-cancel", args=[token])).status_code == 302
    assert stored_files(settings) == []
    assert client.get(reverse("accounts:import-preview", args=[token])).status_code == 404


@pytest.mark.django_db
def test_confirm_is_post_only(client, central_admin):
    client.force_login(central_admin)
    token = token_of(upload(client, SAMPLES / "officials_good.csv"))
    assert client.get(reverse("accounts:import-confirm", args=[token])).status_code == 405
    assert imported() == 0


@pytest.mark.django_db
def test_preview_query_count_does_not_grow_with_rows(client, central_admin, tmp_path):
    client.force_login(central_admin)
    counts = []
    for numbers in (range(1, 11), range(101, 301)):
        response = upload(client, write_csv(tmp_path, OFFICIAL_COLUMNS, [official_row(n) for n in numbers], name=f"{len(numbers)}.csv"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(response["Location"]).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
