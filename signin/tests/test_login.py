import time

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import UserFactory

PASSWORD = "correct-horse-2569"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_login_page_is_thai(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "เข้าสู่ระบบ" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_third_failure_locks_and_not_before(client):
    account = UserFactory()
    assert login(client, account.username, "wrong-1").status_code == 200  # form shown again
    assert login(client, account.username, "wrong-2").status_code == 200
    third = login(client, account.username, "wrong-3")
    assert third.status_code == 429
    assert "บัญชีถูกล็อก" in third.content.decode()
    assert Event.objects.filter(action="accounts.login.locked").count() == 1
    assert Event.objects.filter(action="accounts.login.failed").count() == 3


@pytest.mark.django_db
def test_two_failures_then_right_password_logs_in(client):
    account = UserFactory()
    login(client, account.username, "wrong-1")
    login(client, account.username, "wrong-2")
    response = login(client, account.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.django_db
def test_locked_user_stays_locked_with_the_right_password(client):
    account = UserFactory()
    for attempt in range(3):
        login(client, account.username, f"wrong-{attempt}")
    response = login(client, account.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_unlock_lets_the_user_in_again(client):
    from rights.services import account_unlock

    account = UserFactory()
    for attempt in range(3):
        login(client, account.username, f"wrong-{attempt}")
    account_unlock(account=account, actor=None)
    assert login(client, account.username, PASSWORD).status_code == 302
    assert Event.objects.filter(action="accounts.login.unlocked").exists()


@pytest.mark.django_db
def test_inactive_account_cannot_log_in(client):
    account = UserFactory(is_active=False)
    assert login(client, account.username, PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_deactivated_account_with_its_right_password_is_told_when_by_whom_and_whom_to_ask(client, make_account):
    from rights.services import account_deactivate

    central = make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4")
    account = UserFactory(registered_unit=central.registered_unit)
    account_deactivate(account=account, actor=central, reason="เกษียณอายุราชการ")
    for _ in range(4):  # more than the lock's three: none of them counts
        page = login(client, account.username, PASSWORD)
        html = page.content.decode()
        assert page.status_code == 200 and "_auth_user_id" not in client.session
        assert "ถูกระงับการใช้งานแล้วเมื่อ" in html and "เกษียณอายุราชการ" in html and central.official.full_name in html
        assert "ผู้ตรวจสอบสิทธิ์ของ" in html and "ไม่ใช่รหัสผ่านผิด" in html
        assert "ครั้งก่อนบัญชีถูกล็อก" not in html and "บัญชีถูกล็อก" not in html.split("ไม่ใช่รหัสผ่านผิด")[1][:200]
    assert not Event.objects.filter(action__in=["accounts.login.failed", "accounts.login.locked"]).exists()
    assert Event.objects.filter(action="accounts.login.deactivated_refused").count() == 1  # once an hour
    # A wrong password is a wrong password, deactivated or not: nothing about the account is told.
    wrong = login(client, account.username, "wrong-1").content.decode()
    assert "ถูกระงับ" not in wrong and "ใส่รหัสผ่านผิดได้อีก 2 ครั้งก่อนบัญชีถูกล็อก" in wrong


@pytest.mark.django_db
def test_the_login_page_says_how_many_tries_are_left_before_the_lock(client):
    account = UserFactory()
    assert "ใส่รหัสผ่านผิดได้อีก 2 ครั้ง" in login(client, account.username, "wrong-1").content.decode()
    assert "ใส่รหัสผ่านผิดได้อีก 1 ครั้ง" in login(client, account.username, "wrong-2").content.decode()
    # An unknown username counts the same way: the page tells nobody which usernames exist.
    assert "ใส่รหัสผ่านผิดได้อีก 2 ครั้ง" in login(client, "no.such.user", "wrong-1").content.decode()


@pytest.mark.django_db
def test_session_expires_after_thirty_idle_minutes(client, settings, monkeypatch):
    from django.contrib.sessions.models import Session

    account = UserFactory()
    login(client, account.username, PASSWORD)
    assert client.session.get_expiry_age() == 30 * 60
    key = client.session.session_key
    first_expiry = Session.objects.get(session_key=key).expire_date
    # Within a minute the session is not written again; after it, the expiry moves forward.
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date == first_expiry
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 61)
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > first_expiry


@pytest.mark.django_db
def test_logout_needs_post(client):
    account = UserFactory()
    client.force_login(account)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_password_change_is_logged(client):
    account = UserFactory()
    client.force_login(account)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "a-much-longer-2569-pass", "new_password2": "a-much-longer-2569-pass"},
    )
    assert response.status_code == 302
    assert Event.objects.filter(action="accounts.password.changed", actor=account).exists()


# ---------------------------------------------------------------------------------------------------------------
# Locks by username and address, the throttle per address


def login_from(client, address, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


@pytest.mark.django_db
def test_wrong_passwords_from_elsewhere_do_not_lock_the_holder_out(client):
    account = UserFactory()
    for attempt in range(3):
        login_from(client, "203.0.113.9", account.username, f"wrong-{attempt}")
    assert login_from(client, "203.0.113.9", account.username, PASSWORD).status_code == 429
    assert login_from(client, "10.47.1.20", account.username, PASSWORD).status_code == 302
    locked = Event.objects.filter(action="accounts.login.locked").order_by("seq").first()
    assert locked.ip_address == "203.0.113.9" and locked.data["username"] == account.username


@pytest.mark.django_db
def test_an_unlock_clears_the_lock_at_every_address(client):
    from rights.services import account_unlock

    account = UserFactory()
    for address in ("203.0.113.9", "198.51.100.7"):
        for attempt in range(3):
            login_from(client, address, account.username, f"wrong-{attempt}")
    assert account_unlock(account=account, actor=None) == 2
    assert login_from(client, "198.51.100.7", account.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_one_address_trying_many_usernames_is_throttled_without_counting_against_them(client, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 5
    targets = UserFactory.create_batch(6)
    for account in targets[:5]:
        assert login_from(client, "203.0.113.9", account.username, "guess").status_code == 200
    failures = Event.objects.filter(action="accounts.login.failed").count()

    for _ in range(2):
        refused = login_from(client, "203.0.113.9", targets[5].username, PASSWORD)
        assert refused.status_code == 429
        assert "15 นาที" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(action="accounts.login.failed").count() == failures  # nothing was tried
    throttled = Event.objects.filter(action="accounts.login.throttled")
    assert throttled.count() == 1 and throttled.get().data["failures"] == 5
    assert login_from(client, "10.47.1.20", targets[5].username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_throttle_forgets_failures_older_than_its_window(client, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    settings.LOGIN_IP_FAILURE_LIMIT = 2
    first, second, third = UserFactory.create_batch(3)
    login_from(client, "198.51.100.20", first.username, "guess")
    login_from(client, "198.51.100.20", second.username, "guess")
    assert login_from(client, "198.51.100.20", third.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=settings.LOGIN_IP_WINDOW_MINUTES + 1))
    assert login_from(client, "198.51.100.20", third.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_forwarded_for_header_is_believed_only_from_our_own_proxies(client, settings):
    account = UserFactory()
    for attempt in range(3):  # a client writing its own X-Forwarded-For is still locked at its real address
        login_from(client, "203.0.113.9", account.username, f"wrong-{attempt}", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}")
    assert login_from(client, "203.0.113.9", account.username, PASSWORD).status_code == 429

    settings.TRUSTED_PROXY_COUNT = 1  # behind our proxy at 127.0.0.1, the client is the right-most entry
    other = UserFactory()
    for attempt in range(3):
        login_from(client, "127.0.0.1", other.username, f"wrong-{attempt}", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50")
    assert login_from(client, "127.0.0.1", other.username, PASSWORD,
                      HTTP_X_FORWARDED_FOR="203.0.113.50").status_code == 429
    assert login_from(client, "127.0.0.1", other.username, PASSWORD,
                      HTTP_X_FORWARDED_FOR="203.0.113.50, 10.47.1.20").status_code == 302


@pytest.mark.django_db
def test_the_demo_has_a_deactivated_leaver_who_can_see_the_message(client):
    from rightsadmin.demo import DEMO_PASSWORD, demo_world_build

    demo_world_build()
    html = login(client, "left.4701", DEMO_PASSWORD).content.decode()
    assert "_auth_user_id" not in client.session
    assert "ถูกระงับการใช้งานแล้วเมื่อ" in html and "ลาออกจากราชการตามทะเบียนบุคคล" in html and "อนุชา" in html
