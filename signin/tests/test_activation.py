"""Activation: no password is handed out; the holder sets it from a one-time printed code or emailed link that a
reviewer of their unit (never themselves) issued."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ActivationCode
from events.models import Event

NEW_PASSWORD = "ม้าลาย-กินหญ้า-7391"


def fresh(make_account, **kwargs):
    account = make_account("ISV_USER", **kwargs)
    account.set_unusable_password()
    account.save()
    return account


def issue(client, account, channel="printed"):
    return client.post(reverse("accounts:activation-issue", kwargs={"pk": account.pk}), {"channel": channel})


def printed_code(response) -> str:
    return re.search(r'<code class="secret">([A-Z0-9-]+)</code>', response.content.decode()).group(1)


@pytest.fixture
def reviewer_client(make_account):
    client = Client()
    client.force_login(make_account("DISTRICT_REVIEWER", unit_code="4701"))
    return client


@pytest.mark.django_db
def test_printed_code_sets_the_first_password_once(make_account, reviewer_client):
    account = fresh(make_account)
    page = reviewer_client.get(reverse("audit:account-detail", kwargs={"pk": account.pk})).content.decode()
    assert reverse("accounts:activation-issue", kwargs={"pk": account.pk}) in page
    response = issue(reviewer_client, account)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    code = printed_code(response)
    stored = ActivationCode.objects.get(account=account)
    assert code.replace("-", "") not in stored.secret_hash.upper()

    holder = Client()
    wrong = holder.post(reverse("activate"), {"username": account.username, "code": "AAAA-BBBB-CCCC-DDDD",
                                              "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 400 and "รหัสเปิดใช้งานไม่ถูกต้อง" in wrong.content.decode()
    weak = holder.post(reverse("activate"), {"username": account.username, "code": code.lower(),
                                             "new_password1": "isylzjko2569", "new_password2": "isylzjko2569"})
    assert weak.status_code == 400 and "เดาได้ง่าย" in weak.content.decode()
    done = holder.post(reverse("activate"), {"username": account.username, "code": code.lower(),
                                             "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    assert holder.session["_auth_user_id"] == str(account.pk)
    assert Event.objects.filter(action="accounts.activation.used", target_id=str(account.pk)).count() == 1

    again = Client().post(reverse("activate"), {"username": account.username, "code": code,
                                                "new_password1": NEW_PASSWORD + "x", "new_password2": NEW_PASSWORD + "x"})
    assert again.status_code == 400  # used
    assert "ตั้งรหัสผ่านแล้ว" in str(list(issue(reviewer_client, account).wsgi_request._messages)[0])


@pytest.mark.django_db
def test_emailed_link_and_a_new_code_supersedes_the_old(make_account, reviewer_client, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    account = fresh(make_account)
    account.email = "holder@dopa.go.th"
    account.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert issue(reviewer_client, account, "email").status_code == 302
    link = re.search(r"http://testserver(/activate/[0-9a-f]+/)", mailoutbox[0].body).group(1)
    older = printed_code(issue(reviewer_client, account))  # supersedes the link
    assert Client().get(link).status_code == 410
    assert Client().post(reverse("activate"), {"username": account.username, "code": older,
                                               "new_password1": NEW_PASSWORD,
                                               "new_password2": NEW_PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_a_link_expires(make_account, reviewer_client, mailoutbox, django_capture_on_commit_callbacks, settings):
    account = fresh(make_account)
    account.email = "holder@dopa.go.th"
    account.save()
    with django_capture_on_commit_callbacks(execute=True):
        issue(reviewer_client, account, "email")
    link = re.search(r"(/activate/[0-9a-f]+/)", mailoutbox[0].body).group(1)
    assert Client().get(link).status_code == 200
    ActivationCode.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = Client().post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    account.refresh_from_db()
    assert not account.has_usable_password()


@pytest.mark.django_db
def test_only_a_reviewer_in_scope_issues_and_never_to_themselves(make_account):
    account = fresh(make_account, unit_code="4701")
    outsider = Client()
    outsider.force_login(make_account("DISTRICT_REVIEWER", unit_code="4702"))
    assert issue(outsider, account).status_code == 404
    clerk = Client()
    clerk.force_login(make_account("ISV_USER", unit_code="4701"))
    assert issue(clerk, account).status_code == 403

    me = make_account("DISTRICT_REVIEWER", unit_code="4701")
    me.set_unusable_password()
    me.save()
    own = Client()
    own.force_login(me)
    assert issue(own, me).status_code == 403
    assert Event.objects.filter(action="accounts.activation.refused").count() == 1
    assert not ActivationCode.objects.exists()


@pytest.mark.django_db
def test_django_password_rules_read_in_thai(make_account, reviewer_client):
    account = fresh(make_account)
    code = printed_code(issue(reviewer_client, account))
    page = Client().get(reverse("activate")).content.decode()
    assert "รหัสผ่านต้องมีอย่างน้อย 10 ตัวอักษร" in page and "Your password" not in page
    short = Client().post(reverse("activate"), {"username": account.username, "code": code,
                                                "new_password1": "ก1x", "new_password2": "ก1x"})
    assert "รหัสผ่านสั้นเกินไป ต้องมีอย่างน้อย 10 ตัวอักษร" in str(short.context["form"].errors), short.context["form"].errors


@pytest.mark.django_db
def test_an_account_the_centre_adds_in_the_admin_has_no_password(make_account):
    from accounts.models import Unit, User

    admin_client = Client()
    admin_client.force_login(User.objects.create_superuser("root.admin", "root@dopa.go.th", "x-root-2569"))
    unit = Unit.objects.get(code="4701")
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "new.4701", "email": "new@dopa.go.th", "registered_unit": unit.pk,
        "_save": "บันทึก",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    account = User.objects.get(username="new.4701")
    assert not account.has_usable_password()
