"""Reviewers browse and export the log of their own scope, and nothing else."""

import pytest
from django.urls import reverse

from events.models import Event
from events.services import event_record
from tests.factories import unit


@pytest.fixture
def logged(db):
    for code in ("4701", "4702", "49"):
        event_record(action="accounts.policy.changed", target_label=f"policy at {code}", unit=unit(code),
                     data={"before": {"level": "K2"}, "after": {"level": "K3"}})
    event_record(action="accounts.login.failed", target_label="=HYPERLINK(\"http://x\")", data={"username": "nobody"})


def labels(response):
    """What the page lists, leaving out the logins of the test's own force_login."""
    return {row["event"].target_label for row in response.context["rows"] if row["event"].action != "accounts.login.succeeded"}


@pytest.mark.django_db
def test_each_reviewer_sees_the_log_of_their_scope(client, make_account, logged):
    district = make_account("DISTRICT_REVIEWER", unit_code="4701", position_name="เจ้าพนักงานปกครอง")
    province = make_account("PROVINCE_REVIEWER", unit_code="47", position_name="จ่าจังหวัด")
    central = make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4")
    client.force_login(district)
    assert labels(client.get(reverse("events:log"))) == {"policy at 4701"}
    client.force_login(province)
    assert labels(client.get(reverse("events:log"))) == {"policy at 4701", "policy at 4702"}
    client.force_login(central)
    response = client.get(reverse("events:log"))
    assert {"policy at 49", '=HYPERLINK("http://x")'} <= labels(response)
    assert "K2" in response.content.decode() and "K3" in response.content.decode()


@pytest.mark.django_db
def test_a_user_without_the_menu_gets_403(client, make_account, logged):
    client.force_login(make_account("ISV_USER"))
    assert client.get(reverse("events:log")).status_code == 403
    assert client.get(reverse("events:log-export", args=["csv"])).status_code == 403


@pytest.mark.django_db
def test_filters(client, make_account, logged):
    client.force_login(make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4"))
    assert labels(client.get(reverse("events:log"), {"unit": "47"})) == {"policy at 4701", "policy at 4702"}
    assert labels(client.get(reverse("events:log"), {"action": "accounts.login.failed"})) == {'=HYPERLINK("http://x")'}
    assert labels(client.get(reverse("events:log"), {"q": "4702"})) == {"policy at 4702"}
    assert labels(client.get(reverse("events:log"), {"date_from": "2400-01-01x"})) == set()


@pytest.mark.django_db
def test_export_is_scoped_neutralised_and_logged(client, make_account, logged):
    reviewer = make_account("PROVINCE_REVIEWER", unit_code="47", position_name="จ่าจังหวัด")
    client.force_login(reviewer)
    response = client.get(reverse("events:log-export", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert "policy at 4701" in text and "policy at 49" not in text and "HYPERLINK" not in text
    exported = Event.objects.get(action="events.log.exported")
    assert exported.actor == reviewer and exported.data["rows"] == 3  # two policy changes and the reviewer's login
    assert exported.unit_path == unit("47").path  # the office sees its own exports in its log
    client.force_login(make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4"))
    text = client.get(reverse("events:log-export", args=["csv"])).content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://x"")"' in text  # a formula-like cell stays text
    xlsx = client.get(reverse("events:log-export", args=["xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("events:log-export", args=["pdf"])).status_code == 404


@pytest.mark.django_db
def test_the_log_page_costs_the_same_for_few_and_many_entries(client, make_account, django_assert_max_num_queries):
    client.force_login(make_account("DISTRICT_REVIEWER", unit_code="4701", position_name="เจ้าพนักงานปกครอง"))
    event_record(action="accounts.policy.changed", unit=unit("4701"))
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("events:log"))
    for _ in range(60):
        event_record(action="accounts.policy.changed", unit=unit("4701"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(reverse("events:log")).context["rows"]) == 50


@pytest.mark.django_db
def test_a_logged_change_names_its_fields_as_people_do(client, make_account):
    event_record(action="receipts.office.updated", target_label="office 4701", unit=unit("4701"),
                 data={"before": {"trial_mode": True, "no_such_field": 1}, "after": {"trial_mode": False}})
    client.force_login(make_account("DISTRICT_REVIEWER", unit_code="4701", position_name="เจ้าพนักงานปกครอง"))
    html = client.get(reverse("events:log")).content.decode()
    assert "อยู่ในช่วงทดลองใช้งาน: ใช่" in html and "อยู่ในช่วงทดลองใช้งาน: ไม่ใช่" in html
    assert "trial_mode:" not in html and "no_such_field: 1" in html  # a key no model knows stays as logged
