"""Web imports run beside the request: progress while they run, the preview after, and jobs that died."""

from __future__ import annotations

import threading
import time

import pytest
from django.urls import reverse

from events.models import Event
from registry import jobs as import_jobs
from registry.jobs import import_job
from registry.tests.test_import_views import SAMPLES, imported, stored_files, token_of, upload


def job_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("registry-import-")]


def settled(token: str, timeout: float = 20.0):
    """The job once it has stopped running (its thread ended)."""
    deadline = time.monotonic() + timeout
    for thread in job_threads():
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    job = import_job(token)
    assert job is not None and not job.running, job
    return job


@pytest.mark.django_db(transaction=True)
def test_a_check_and_an_import_run_in_a_thread_with_progress_shown(client, central_admin, settings,
                                                                   held_registry_import):
    settings.REGISTRY_IMPORT_WAIT_SECONDS = 0  # the request never waits: every answer comes from the job's state
    release = held_registry_import
    client.force_login(central_admin)
    response = upload(client, SAMPLES / "officials_good.csv")
    token = token_of(response)

    deadline = time.monotonic() + 20
    while import_job(token).rows_done != 1000 and time.monotonic() < deadline:
        time.sleep(0.02)  # the thread reports its first thousand rows
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "กำลังตรวจไฟล์" in html and "1,000 แถว" in html and 'http-equiv="refresh"' in html
    assert "ยืนยันการนำเข้า" not in html
    assert import_job(token).state == import_jobs.CHECKING

    release.set()
    assert settled(token).state == import_jobs.CHECKED
    preview = client.get(response["Location"]).content.decode()
    assert "สมชาย ศรีสกล" in preview and "ยืนยันการนำเข้า" in preview
    assert imported() == 0

    confirmed = client.post(reverse("accounts:import-confirm", args=[token]))
    assert confirmed.status_code == 302 and confirmed["Location"] == response["Location"]
    assert settled(token).state == import_jobs.IMPORTED
    assert imported() == 6
    event = Event.objects.get(action="accounts.registry.imported")
    assert (event.actor_id, event.data["origin"]) == (central_admin.pk, "web")

    done = client.get(response["Location"])
    assert done.status_code == 302 and done["Location"].startswith(reverse("accounts:import-registry"))
    assert "นำเข้าแฟ้ม officials_good.csv แล้ว" in client.get(done["Location"]).content.decode()
    assert stored_files(settings) == []


@pytest.mark.django_db(transaction=True)
def test_a_second_confirm_while_importing_starts_nothing(client, central_admin, settings, monkeypatch):
    settings.REGISTRY_IMPORT_WAIT_SECONDS = 0
    client.force_login(central_admin)
    response = upload(client, SAMPLES / "officials_good.csv")
    token = token_of(response)
    assert settled(token).state == import_jobs.CHECKED
    release = threading.Event()
    real_import = import_jobs.registry_import

    def slow_import(**kwargs):
        release.wait(timeout=20)
        return real_import(**kwargs)

    monkeypatch.setattr(import_jobs, "registry_import", slow_import)
    client.post(reverse("accounts:import-confirm", args=[token]))
    assert "กำลังนำเข้าไฟล์" in client.get(response["Location"]).content.decode()
    again = client.post(reverse("accounts:import-confirm", args=[token]))
    assert again.status_code == 302 and len(job_threads()) == 1
    release.set()
    assert settled(token).state == import_jobs.IMPORTED
    assert Event.objects.filter(action="accounts.registry.imported").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "died_while, running_text, then_shown",
    [
        # A check changes nothing: it is simply started again.
        (import_jobs.CHECKING, "กำลังตรวจไฟล์", ["ยืนยันการนำเข้า"]),
        # An import rolled back with its process: checked again, and the importer must confirm anew.
        (import_jobs.IMPORTING, "กำลังนำเข้าไฟล์", ["การนำเข้าหยุดกลางคัน ไม่ได้นำเข้าข้อมูลใด ๆ", "ยืนยันการนำเข้า"]),
    ],
    ids=["check", "import"],
)
def test_a_job_that_died_with_its_process_is_checked_again(
    client, central_admin, settings, died_while, running_text, then_shown
):
    client.force_login(central_admin)
    response = upload(client, SAMPLES / "officials_good.csv")
    token = token_of(response)
    job = import_job(token)
    job.state, job.result = died_while, None
    import_jobs._saved(job)
    assert running_text in client.get(response["Location"]).content.decode()  # still running, as far as known

    settings.REGISTRY_IMPORT_JOB_STALE_SECONDS = -1  # every running job is now stale
    page = client.get(response["Location"]).content.decode()
    assert all(text in page for text in then_shown)
    assert import_job(token).state == import_jobs.CHECKED and imported() == 0


@pytest.mark.django_db
def test_the_job_reads_the_rights_again_when_it_runs(client, central_admin):
    client.force_login(central_admin)
    response = upload(client, SAMPLES / "officials_good.csv")
    token = token_of(response)
    central_admin.is_active = False
    central_admin.save(update_fields=["is_active"])
    import_jobs._run(token, import_jobs.IMPORT)
    job = import_job(token)
    assert job.state == import_jobs.FAILED and "ไม่มีสิทธิ์นำเข้า" in job.error
    assert imported() == 0


@pytest.mark.django_db
def test_a_job_that_breaks_is_a_message_not_a_traceback(client, central_admin, settings, monkeypatch, caplog):
    def broken_import(**kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(import_jobs, "registry_import", broken_import)
    client.force_login(central_admin)
    response = upload(client, SAMPLES / "officials_good.csv")
    page = client.get(response["Location"])
    assert page.status_code == 302 and page["Location"] == reverse("accounts:import-registry")
    assert "เกิดข้อผิดพลาดระหว่างตรวจหรือนำเข้าไฟล์" in client.get(page["Location"]).content.decode()
    assert "registry import job" in caplog.text
    assert stored_files(settings) == []  # the upload is let go with its job


@pytest.mark.django_db
def test_a_cancelled_upload_stops_its_job(client, central_admin, settings):
    client.force_login(central_admin)
    response = upload(client, SAMPLES / "officials_good.csv")
    token = token_of(response)
    client.post(reverse("accounts:import-cancel", args=[token]))
    import_jobs._run(token, import_jobs.IMPORT)  # a thread that starts only now finds nothing to do
    assert import_job(token) is None and imported() == 0 and stored_files(settings) == []
