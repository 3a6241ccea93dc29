"""Every add or change through /admin/ to a record bearing rights or personal data is in the hash-chained event log,
with the values before and after; is_staff / is_superuser change only from the command line."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User
from events.models import Event
from tests.factories import OfficialFactory, UserFactory, level, unit


def admin_save(client, url, **changes):
    """Post the admin's change form as a browser would: every field with its current value, then `changes`."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = "" if value is None else value
    data.update(changes, _save="Save")
    return client.post(url, data)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root.admin", "root@example.org", "x-secret-123")


@pytest.mark.django_db
def test_an_officials_level_changed_in_the_admin_is_in_the_chain_with_before_and_after(client, superuser):
    official = OfficialFactory(level=level("K2"), unit=unit("4701"))
    client.force_login(superuser)
    response = admin_save(client, reverse("admin:accounts_official_change", args=[official.pk]), level=level("K3").pk)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    official.refresh_from_db()
    assert official.level.code == "K3"
    event = Event.objects.get(action="admin.record.changed")
    assert (event.actor, event.target_type, event.target_id) == (superuser, "accounts.official", str(official.pk))
    assert event.data["changed"] == {"level": [str(level("K2").pk), str(level("K3").pk)]}


@pytest.mark.django_db
def test_a_record_added_in_the_admin_is_logged_and_a_save_without_change_is_not(client, superuser):
    client.force_login(superuser)
    official = OfficialFactory(unit=unit("4701"))
    admin_save(client, reverse("admin:accounts_official_change", args=[official.pk]))
    assert not Event.objects.filter(action="admin.record.changed").exists()
    unit_4701 = unit("4701")
    admin_save(client, reverse("admin:accounts_unit_change", args=[unit_4701.pk]), name_en="Mueang Sakon Nakhon (renamed)")
    event = Event.objects.get(action="admin.record.changed", target_type="accounts.unit")
    assert event.data["changed"]["name_en"][1] == "Mueang Sakon Nakhon (renamed)"


@pytest.mark.django_db
def test_staff_flags_cannot_be_set_in_the_admin_only_from_the_command_line(client, superuser):
    clerk = UserFactory(username="clerk.4701")
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[clerk.pk])
    form = client.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields and "is_staff" not in form.fields
    admin_save(client, url, is_superuser="on", is_staff="on", email="clerk@example.org")
    clerk.refresh_from_db()
    assert not clerk.is_superuser and not clerk.is_staff and clerk.email == "clerk@example.org"
    assert Event.objects.get(action="admin.record.changed").data["changed"] == {"email": ["", "clerk@example.org"]}

    with pytest.raises(CommandError):
        call_command("set_staff_flags", "clerk.4701", "--staff", "on", "--reason", " ")
    call_command("set_staff_flags", "clerk.4701", "--staff", "on", "--reason", "คำสั่งกรม ที่ 3/2570")
    clerk.refresh_from_db()
    assert clerk.is_staff and not clerk.is_superuser
    event = Event.objects.get(action="accounts.staff_flags.changed")
    assert event.data["before"] == {"is_staff": False, "is_superuser": False}
    assert event.data["after"] == {"is_staff": True, "is_superuser": False}
    assert event.data["reason"] == "คำสั่งกรม ที่ 3/2570"


@pytest.mark.django_db
def test_nobody_sets_another_persons_password_in_the_admin_and_the_attempt_is_logged(client, superuser):
    clerk = UserFactory(username="clerk.4701")
    clerk.set_password("the-holders-own-2569")
    clerk.save()
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    change_page = reverse("admin:accounts_user_change", args=[clerk.pk])
    shown = client.get(url, follow=True)
    assert shown.redirect_chain == [(change_page, 302)]
    assert "ไม่มีการตั้งรหัสผ่านให้ผู้อื่น" in shown.content.decode()  # the message, and the password's help text
    assert not Event.objects.filter(action="admin.password.refused").exists()  # looking is not an attempt
    response = client.post(url, {"password1": "Nw-pass-2569-x", "password2": "Nw-pass-2569-x", "usable_password": "true"})
    assert response.status_code == 302 and response["Location"] == change_page
    clerk.refresh_from_db()
    assert clerk.check_password("the-holders-own-2569") and not clerk.check_password("Nw-pass-2569-x")
    event = Event.objects.get(action="admin.password.refused")
    assert (event.actor, event.target_id, event.data) == (superuser, str(clerk.pk), {"username": "clerk.4701"})
    assert not Event.objects.filter(action="admin.password.set").exists()
    assert "Nw-pass" not in str(Event.objects.values_list("data", flat=True))
    missing = client.get(reverse("admin:auth_user_password_change", args=[999_999]))
    assert missing.status_code == 302 and missing["Location"] == reverse("admin:index")
    client.force_login(UserFactory(username="staff.only", is_staff=True))  # in the admin, no right to change accounts
    assert client.post(url, {"password1": "x"}).status_code == 403
    assert Event.objects.filter(action="admin.password.refused").count() == 1


@pytest.mark.django_db
def test_the_logged_admins_cover_every_record_bearing_rights_or_personal_data():
    from django.contrib import admin

    from events.admin_audit import AuditedChangesMixin

    audited_or_closed = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower in {"rights.role", "rights.policy", "receipts.receiptoffice"}:
            continue  # their own logged saves (before/after snapshots of their own)
        if isinstance(model_admin, AuditedChangesMixin):
            continue
        closed = not model_admin.has_change_permission(_request_of(User(is_superuser=True, is_active=True)))
        audited_or_closed.append((model._meta.label_lower, closed))
    assert [label for label, closed in audited_or_closed if not closed] == [], audited_or_closed


def _request_of(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
