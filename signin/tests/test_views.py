import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory


def menu_links(html: str) -> list[str]:
    nav = html.split('<nav aria-label="เมนูหลัก">', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.django_db
def test_home_shows_name_unit_and_level(client, make_account):
    account = make_account("ISV_USER", level_code="K2", first_name="สมหญิง")
    client.force_login(account)
    html = client.get(reverse("home")).content.decode()
    assert "สมหญิง" in html
    assert "ที่ทำการปกครองอำเภอเมืองสกลนคร" in html
    assert "ชำนาญการ (K2)" in html


@pytest.mark.django_db
def test_profile_shows_the_order_behind_each_right(client, make_account):
    account = make_account("ISV_FEE_RECEIPT")
    client.force_login(account)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "ออกใบเสร็จรับเงินค่าธรรมเนียมอื่น" in html
    assert "คำสั่งที่" in html


@pytest.mark.django_db
def test_profile_query_count_does_not_grow_with_orders(client, make_account, django_assert_max_num_queries):
    from tests.factories import OrderLineFactory, role

    account = make_account("ISV_USER")
    client.force_login(account)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("accounts:profile"))
    for _ in range(15):
        OrderLineFactory(official=account.official, role=role("ISV_FEE_RECEIPT"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("accounts:profile"))


@pytest.mark.django_db
def test_admin_changelists_all_load(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_english_switch(client, make_account):
    client.force_login(make_account("ISV_USER"))
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Log out" in html


@pytest.mark.django_db
def test_pages_work_for_an_account_unknown_to_the_hr_record(client):
    from tests.factories import level, position, unit

    account = UserFactory(official=None, first_name="ไม่ทราบ", last_name="ชื่อ", registered_unit=unit("4701"),
                          registered_position=position("ปลัดอำเภอ"), registered_level=level("K1"))
    account.official_id = "1234567890121"  # valid, but not in the HR record
    account.save()
    client.force_login(account)
    assert client.get(reverse("home")).status_code == 200
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "ไม่พบเลขประจำตัวประชาชนนี้ในทะเบียนบุคคล" in html


@pytest.mark.django_db
def test_error_pages_are_thai(client, settings, make_account):
    settings.DEBUG = False
    client.force_login(make_account("DISTRICT_REVIEWER"))
    missing = client.get("/audit/accounts/999999999/")
    assert missing.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in missing.content.decode()
    client.force_login(make_account("ISV_USER"))
    refused = client.get(reverse("audit:national-summary"))
    assert refused.status_code == 403
    assert "ไม่มีสิทธิ์เข้าถึงหน้านี้" in refused.content.decode()


@pytest.mark.django_db
def test_policy_edit_in_the_admin_is_logged_with_before_and_after(client):
    from events.models import Event
    from rights.models import Policy

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    policy = Policy.objects.get(role__code="DEBT_REPORTER")
    url = reverse("admin:rights_policy_change", args=[policy.pk])
    response = client.post(url, {
        "role": policy.role_id, "name": policy.name, "source": policy.source,
        "effective_from": policy.effective_from.isoformat(), "effective_to": "",
        "max_holders_per_unit": "3",
    })
    assert response.status_code == 302
    event = Event.objects.get(action="accounts.policy.changed")
    assert event.data["before"]["max_holders_per_unit"] == 2
    assert event.data["after"]["max_holders_per_unit"] == 3


@pytest.mark.django_db
def test_favicon_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.ico"
    assert '<link rel="icon" href="/static/favicon.ico"' in client.get(reverse("login")).content.decode()
    from django.contrib.staticfiles import finders

    icon = finders.find("favicon.ico")
    assert icon and Path(icon).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_a_refused_request_is_one_line_in_the_log_and_a_server_error_keeps_its_traceback(client, make_account,
                                                                                         caplog):
    import logging

    client.force_login(make_account("ISV_USER"))  # no review menu
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("audit:account-list", args=["4701"])).status_code == 403
        assert client.get("/no-such-page/").status_code == 404
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert [r.status_code for r in refused] == [403, 404]
    for record in refused:
        line = logging.Formatter("%(levelname)s %(message)s").format(record)
        assert "\n" not in line and "Traceback" not in line, line
    assert "Forbidden" in refused[0].getMessage() and "/audit/units/4701/accounts/" in refused[0].getMessage()

    from core.log_filters import ClientErrorsOnOneLine

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        failure = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x/", None,
                                    sys.exc_info())
    failure.status_code = 500
    ClientErrorsOnOneLine().filter(failure)
    assert "Traceback" in logging.Formatter().format(failure)
