"""The second factor: required of reviewers and admins, enrolled with a code, asked after the password, counted with
wrong passwords toward the lock, reset only by another reviewer in scope."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import BackupCodeDevice, Unit
from events.models import Event
from signin.passwords import GuessablePasswordValidator
from tests.factories import UserFactory

PASSWORD = "correct-horse-2569"
OFFICE_LIST = reverse("audit:account-list", kwargs={"unit_code": "4701"})


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def code_of(device, *, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (totp.t() + ahead) * device.step
    return f"{totp.token():06d}"


def verify(client, code):
    return client.post(reverse("login-verify"), {"code": code})


def enrolled(account) -> TOTPDevice:
    return TOTPDevice.objects.create(user=account, name="app", confirmed=True)


def reviewer(make_account, **kwargs):
    account = make_account("DISTRICT_REVIEWER", **kwargs)
    account.set_password(PASSWORD)
    account.save()
    return account


@pytest.mark.django_db
def test_reviewer_without_the_factor_gets_only_the_enrolment_page(client, make_account):
    account = reviewer(make_account)
    assert login(client, account.username).status_code == 302
    for name in ("home", "audit:review", "accounts:change-request-queue", "accounts:profile"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:second-factor")), name
    page = client.get(reverse("accounts:second-factor"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "data:image/svg+xml" in body and "ต้องยืนยันตัวตนสองขั้นตอน" in body
    header = body.split("<main", 1)[0]
    assert f'href="{reverse("audit:review")}"' not in header  # no reviewer menu
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and "SECOND_FACTOR_REQUIRED" in api.content.decode()
    tokens = client.get(reverse("api_tokens:list"))
    assert tokens.status_code == 302


@pytest.mark.django_db
def test_enrolment_confirms_with_a_code_shows_backup_codes_once_and_ends_other_sessions(make_account):
    account = reviewer(make_account)
    elsewhere = Client()
    elsewhere.force_login(account, second_factor=False)
    client = Client()
    login(client, account.username)
    client.get(reverse("accounts:second-factor"))
    device = TOTPDevice.objects.get(user=account, confirmed=False)

    wrong = client.post(reverse("accounts:second-factor"), {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400 and "รหัสไม่ตรงกับแอป" in wrong.content.decode()
    session_before = client.session.session_key

    response = client.post(reverse("accounts:second-factor"), {"action": "confirm", "code": code_of(device)})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    backup = BackupCodeDevice.objects.get(user=account)
    assert all(code not in str(backup.code_hashes) for code in codes)  # kept hashed only
    device.refresh_from_db()
    assert device.confirmed
    assert Event.objects.filter(action="accounts.second_factor.enrolled", target_id=str(account.pk)).exists()
    assert client.get(OFFICE_LIST).status_code == 200  # this session is verified now
    assert client.session.session_key != session_before  # a new session id at the second factor
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302  # the other session ended
    assert "codes" not in client.get(reverse("accounts:second-factor")).context  # never shown again


@pytest.mark.django_db
def test_login_of_an_enrolled_account_asks_the_code_and_makes_a_new_session(client, make_account):
    account = reviewer(make_account)
    device = enrolled(account)
    client.get(reverse("login"))
    anonymous_key = client.session.session_key
    response = login(client, account.username)
    assert response.status_code == 302 and response["Location"] == reverse("login-verify")
    assert "_auth_user_id" not in client.session  # no session user before the code
    assert client.get(reverse("home")).status_code == 302

    assert verify(client, code_of(device)).status_code == 302
    assert client.session["_auth_user_id"] == str(account.pk)
    assert client.session.session_key != anonymous_key
    assert client.get(OFFICE_LIST).status_code == 200


@pytest.mark.django_db
def test_three_wrong_codes_lock_like_wrong_passwords(client, make_account):
    account = reviewer(make_account)
    device = enrolled(account)
    login(client, account.username)
    first = verify(client, "111111")
    assert first.status_code == 400 and first.context["tries_left"] == 2
    assert "ใส่รหัสผิดได้อีก 2 ครั้ง" in first.content.decode()
    # A right password again does not wipe the wrong codes: nothing was logged in.
    login(client, account.username)
    assert verify(client, "222222").context["tries_left"] == 1
    third = verify(client, "333333")
    assert third.status_code == 429 and "บัญชีถูกล็อก" in third.content.decode()
    assert Event.objects.filter(action="accounts.login.locked").count() == 1
    # Locked: the right password and the right code no longer get in.
    assert login(client, account.username).status_code == 429
    client.session.clear()
    assert "_auth_user_id" not in client.session
    assert code_of(device)


@pytest.mark.django_db
def test_a_backup_code_works_once(client, make_account):
    account = reviewer(make_account)
    enrolled(account)
    from signin.second_factor import backup_codes_issue

    codes = backup_codes_issue(account)
    login(client, account.username)
    response = verify(client, codes[0].upper().replace("-", " "))  # typed loosely
    assert response.status_code == 302
    assert Event.objects.filter(action="accounts.second_factor.backup_code_used").count() == 1
    client.logout()
    login(client, account.username)
    assert verify(client, codes[0]).status_code == 400
    assert verify(client, codes[1]).status_code == 302


@pytest.mark.django_db
def test_a_clerk_without_the_factor_is_unaffected_but_mints_no_token(client, make_account):
    clerk = make_account("ISV_FEE_RECEIPT")
    clerk.set_password(PASSWORD)
    clerk.save()
    response = login(client, clerk.username)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("receipts:receipt-list")).status_code == 200
    refused = client.post(reverse("api_tokens:create"), {"name": "สคริปต์", "days": 30})
    assert refused.status_code == 403 and "การยืนยันตัวตนสองขั้นตอน" in refused.content.decode()

    verified = Client()
    verified.force_login(clerk)  # a session that passed the second factor
    assert verified.post(reverse("api_tokens:create"), {"name": "สคริปต์", "days": 30}).status_code == 200


@pytest.mark.django_db
def test_reset_only_by_another_reviewer_in_scope(make_account):
    holder = reviewer(make_account, unit_code="4701")
    enrolled(holder)
    holder_session = Client()
    holder_session.force_login(holder)
    colleague = make_account("DISTRICT_REVIEWER", unit_code="4701")
    outsider = make_account("DISTRICT_REVIEWER", unit_code="4702")
    url = reverse("accounts:second-factor-reset", kwargs={"pk": holder.pk})

    own = Client()
    own.force_login(holder)
    assert own.post(url, {"reason": "โทรศัพท์หาย"}).status_code == 403
    assert Event.objects.filter(action="accounts.second_factor.reset_refused").count() == 1
    far = Client()
    far.force_login(outsider)
    assert far.post(url, {"reason": "โทรศัพท์หาย"}).status_code == 404
    assert TOTPDevice.objects.filter(user=holder).exists()

    near = Client()
    near.force_login(colleague)
    assert near.post(url, {"reason": "โทรศัพท์หาย ยืนยันตัวตนแล้ว"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=holder).exists()
    event = Event.objects.get(action="accounts.second_factor.reset")
    assert event.actor == colleague and event.data["reason"] == "โทรศัพท์หาย ยืนยันตัวตนแล้ว"
    assert holder_session.get(reverse("accounts:profile")).status_code == 302  # the holder's sessions ended
    assert Unit.objects.filter(pk=holder.registered_unit_id).exists()


@pytest.mark.django_db
def test_admin_login_page_is_the_site_login():
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("login") + "?next=/admin/"


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["isylzjko2569", "l;ylfu!!2025", "Sawasdee2569", "Bangkok12345", "รหัสผ่าน1234"])
def test_guessable_thai_passwords_are_refused(password):
    with pytest.raises(Exception, match="เดาได้ง่าย"):
        GuessablePasswordValidator().validate(password, UserFactory())


@pytest.mark.django_db
def test_own_national_id_and_birth_date_are_refused(make_account):
    account = make_account("ISV_USER")
    validator = GuessablePasswordValidator()
    with pytest.raises(Exception, match="เลขประจำตัวประชาชน"):
        validator.validate(f"id{account.official_id}", account)
    birth = account.official.birth_date
    if birth:
        with pytest.raises(Exception, match="วันเกิด"):
            validator.validate(f"born{birth:%d%m}{birth.year + 543}", account)
    validator.validate("ม้าลายกินหญ้า-horse-7391", account)  # a real passphrase passes


@pytest.mark.django_db
def test_account_page_offers_the_reset_to_other_reviewers_only(make_account):
    holder = reviewer(make_account, unit_code="4701")
    enrolled(holder)
    colleague = make_account("DISTRICT_REVIEWER", unit_code="4701")
    reset_url = reverse("accounts:second-factor-reset", kwargs={"pk": holder.pk})
    page = reverse("audit:account-detail", kwargs={"pk": holder.pk})

    near = Client()
    near.force_login(colleague)
    assert reset_url in near.get(page).content.decode()
    own = Client()
    own.force_login(holder)
    body = own.get(page).content.decode()
    assert "ลงทะเบียนแอปยืนยันตัวตนแล้ว" in body and reset_url not in body


@pytest.mark.django_db
def test_the_holder_is_emailed_about_a_reset(make_account, mailoutbox, django_capture_on_commit_callbacks):
    holder = reviewer(make_account, unit_code="4701")
    holder.email = "holder@dopa.go.th"
    holder.save()
    enrolled(holder)
    colleague = make_account("DISTRICT_REVIEWER", unit_code="4701")
    client = Client()
    client.force_login(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:second-factor-reset", kwargs={"pk": holder.pk}), {"reason": "โทรศัพท์หาย"})
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["holder@dopa.go.th"]
    assert "โทรศัพท์หาย" in mail.body and colleague.username in mail.body and holder.username in mail.body
