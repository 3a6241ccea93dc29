"""Password reset by email: Django's views, in Thai, logged, telling nobody which addresses exist; the second factor
is still asked afterwards, and the other sessions end."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from events.models import Event

NEW_PASSWORD = "ม้าลาย-กินหญ้า-7391"


def link_in(mail) -> str:
    return re.search(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)", mail.body).group(1)


@pytest.mark.django_db
def test_reset_by_email_sets_a_new_password_and_ends_other_sessions(make_account, mailoutbox):
    account = make_account("DISTRICT_REVIEWER")
    account.email = "reviewer@dopa.go.th"
    account.set_password("old-password-2569")
    account.save()
    TOTPDevice.objects.create(user=account, name="app", confirmed=True)
    elsewhere = Client()
    elsewhere.force_login(account)

    client = Client()
    assert "ลืมรหัสผ่าน" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "reviewer@dopa.go.th"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1 and "เรียน ผู้ใช้งาน" in mailoutbox[0].body and "60 นาที" in mailoutbox[0].body
    assert Event.objects.get(action="accounts.password.reset_requested").data["accounts"] == [account.username]

    form_page = client.get(link_in(mailoutbox[0]), follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    assert Event.objects.filter(action="accounts.password.reset", target_id=str(account.pk)).count() == 1
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302  # the other session ended
    # The second factor is still asked.
    login = Client().post(reverse("login"), {"username": account.username, "password": NEW_PASSWORD})
    assert login["Location"] == reverse("login-verify")


@pytest.mark.django_db
def test_unknown_and_not_yet_activated_addresses_get_the_same_answer_and_no_mail(make_account, mailoutbox):
    fresh = make_account("ISV_USER")
    fresh.email = "new@dopa.go.th"
    fresh.set_unusable_password()
    fresh.save()
    for email in ("nobody@dopa.go.th", "new@dopa.go.th"):
        response = Client().post(reverse("password_reset"), {"email": email})
        assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []
    page = Client().get(reverse("password_reset_done")).content.decode()
    assert "หากอีเมลนี้ลงทะเบียนไว้" in page
