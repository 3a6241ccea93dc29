"""Change requests and leaver reports in the admin: looked up by central admins, never added, changed or deleted."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lifecycle.models import ChangeRequest, LeaverReport
from rights.tests.admin_pages import admin_url, assert_pages_keep_their_query_count, assert_writes_are_refused
from tests.factories import ChangeRequestFactory, LeaverReportFactory, UserFactory, unit


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def decided_change_requests(n: int) -> None:
    for _ in range(n):
        ChangeRequestFactory(status=ChangeRequest.Status.APPROVED, decided_by=UserFactory(), decided_at=timezone.now())


def decided_leaver_reports(n: int) -> None:
    for _ in range(n):
        LeaverReportFactory(status=LeaverReport.Status.ACCEPTED, decided_by=UserFactory(), decided_at=timezone.now())


@pytest.mark.django_db
def test_change_request_pages_keep_their_query_count(superuser_client, django_assert_max_num_queries):
    assert_pages_keep_their_query_count(superuser_client, django_assert_max_num_queries, ChangeRequest,
                                        decided_change_requests)


@pytest.mark.django_db
def test_leaver_report_pages_keep_their_query_count(superuser_client, django_assert_max_num_queries):
    assert_pages_keep_their_query_count(superuser_client, django_assert_max_num_queries, LeaverReport,
                                        decided_leaver_reports)


@pytest.mark.django_db
def test_change_request_cannot_be_added_changed_or_deleted(superuser_client):
    request = ChangeRequestFactory()
    assert_writes_are_refused(superuser_client, request, {
        "status": ChangeRequest.Status.APPROVED, "decision_reason": "แก้ในหน้าผู้ดูแล", "order_number": "9/2569",
    })
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING


@pytest.mark.django_db
def test_leaver_report_cannot_be_added_changed_or_deleted(superuser_client):
    report = LeaverReportFactory()
    assert_writes_are_refused(superuser_client, report, {
        "status": LeaverReport.Status.ACCEPTED, "reason": LeaverReport.Reason.DECEASED,
    })
    report.refresh_from_db()
    assert (report.status, report.reason) == (LeaverReport.Status.PENDING, LeaverReport.Reason.RETIRED)


@pytest.mark.django_db
def test_change_page_shows_the_record_read_only(superuser_client):
    request = ChangeRequestFactory(note="ย้ายตามคำสั่งจังหวัด")
    html = superuser_client.get(admin_url(ChangeRequest, "change", request.pk)).content.decode()
    assert "ย้ายตามคำสั่งจังหวัด" in html
    assert request.order_number in html
    assert 'name="_save"' not in html and "<textarea" not in html


@pytest.mark.django_db
def test_columns_are_headed_by_the_models_thai_verbose_names(superuser_client):
    ChangeRequestFactory()
    html = superuser_client.get(admin_url(ChangeRequest, "changelist")).content.decode()
    for header in ("บัญชีผู้ใช้งาน", "เลขประจำตัวประชาชน", "สถานะ", "หน่วยงานที่ขอแก้ไขเป็น", "เลขที่คำสั่งอ้างอิง"):
        assert f">{header}<" in html, header


@pytest.mark.django_db
def test_lookups_by_national_id_order_number_status_and_province(superuser_client):
    wanted = ChangeRequestFactory(order_number="77/2569")
    other = ChangeRequestFactory(unit=unit("4901"), status=ChangeRequest.Status.REJECTED)
    url = admin_url(ChangeRequest, "changelist")

    def found(**params) -> set[int]:
        response = superuser_client.get(url, params)
        assert response.status_code == 200, params
        html = response.content.decode()
        return {pk for pk in (wanted.pk, other.pk) if admin_url(ChangeRequest, "change", pk) in html}

    assert found(q=wanted.account.official_id) == {wanted.pk}
    assert found(q=wanted.account.username) == {wanted.pk}
    assert found(q="77/2569") == {wanted.pk}
    assert found(status__exact="rejected") == {other.pk}
    assert found(province="47") == {wanted.pk}
    assert found(province="49") == {other.pk}
    today = timezone.localdate()
    assert found(created_at__year=today.year, created_at__month=today.month) == {wanted.pk, other.pk}


@pytest.mark.django_db
def test_leaver_reports_filter_by_reason_and_left_on(superuser_client):
    retired = LeaverReportFactory()
    deceased = LeaverReportFactory(reason=LeaverReport.Reason.DECEASED, left_on=datetime.date.today())
    html = superuser_client.get(admin_url(LeaverReport, "changelist"), {"reason__exact": "deceased"}).content.decode()
    assert admin_url(LeaverReport, "change", deceased.pk) in html
    assert admin_url(LeaverReport, "change", retired.pk) not in html
