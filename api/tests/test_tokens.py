"""Token lifecycle: create (shown once, hashed at rest), use, revoke, expiry, and the owner's account state."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import (
    MAX_ACTIVE_TOKENS,
    TOO_MANY_TOKENS,
    api_token_create,
    api_token_revoke,
)
from events.models import Event

ME = "/api/v1/me/"


def get_me(api_client, plaintext):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return api_client.get(ME)


@pytest.mark.django_db
def test_create_returns_the_plaintext_once_and_stores_only_its_hash(make_account):
    account = make_account("ISV_USER")
    issued = api_token_create(user=account, name="เครื่องออกใบเสร็จ", days=90, second_factor_verified=True)
    scheme, prefix, secret = issued.plaintext.split("_", 2)
    assert scheme == "ra" and prefix == issued.token.prefix and len(secret) >= 40
    stored = ApiToken.objects.get()
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = ApiToken.objects.values().get()
    assert not any(secret in str(value) for value in row.values())
    assert stored.expires_at - stored.created_at == pytest.approx(
        datetime.timedelta(days=90), abs=datetime.timedelta(seconds=5)
    )


@pytest.mark.django_db
def test_create_and_revoke_are_logged_without_the_secret(make_account):
    account = make_account("ISV_USER")
    issued = api_token_create(user=account, name="สคริปต์รายงาน", days=30, second_factor_verified=True)
    api_token_revoke(token=issued.token, actor=account)
    created, revoked = Event.objects.filter(action__startswith="api.token.").order_by("seq")
    assert (created.action, revoked.action) == ("api.token.created", "api.token.revoked")
    assert created.actor_id == account.pk and created.target_id == str(issued.token.pk)
    assert created.data["prefix"] == issued.token.prefix
    secret = issued.plaintext.split("_", 2)[2]
    assert all(secret not in str(event.data) + event.target_label for event in (created, revoked))


@pytest.mark.django_db
def test_a_token_authenticates_as_its_owner_and_records_last_use(make_account, issue_token, api_client):
    account = make_account("ISV_USER")
    plaintext = issue_token(account)
    response = get_me(api_client, plaintext)
    assert response.status_code == 200
    assert response.json()["username"] == account.username
    token = ApiToken.objects.get()
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"


@pytest.mark.django_db
def test_revoked_token_is_refused(make_account, issue_token, api_client):
    account = make_account("ISV_USER")
    plaintext = issue_token(account)
    assert get_me(api_client, plaintext).status_code == 200
    api_token_revoke(token=ApiToken.objects.get(), actor=account)
    response = get_me(api_client, plaintext)
    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_REVOKED"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_expired_token_is_refused(make_account, issue_token, api_client):
    account = make_account("ISV_USER")
    plaintext = issue_token(account, days=30)
    assert get_me(api_client, plaintext).status_code == 200
    now = timezone.now()
    ApiToken.objects.update(
        created_at=now - datetime.timedelta(days=31), expires_at=now - datetime.timedelta(seconds=1)
    )
    response = get_me(api_client, plaintext)
    assert response.status_code == 401
    assert response.json() == {"code": "TOKEN_EXPIRED", "detail": "โทเค็นหมดอายุแล้ว กรุณาสร้างโทเค็นใหม่ที่หน้าข้อมูลของฉัน"}


@pytest.mark.django_db
def test_token_of_a_deactivated_account_is_refused(make_account, issue_token, api_client):
    account = make_account("ISV_USER")
    plaintext = issue_token(account)
    account.is_active = False
    account.save(update_fields=["is_active"])
    response = get_me(api_client, plaintext)
    assert response.status_code == 401
    assert response.json()["code"] == "ACCOUNT_INACTIVE"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer ra_",
        "Bearer ra_000000000000_x",
        "Bearer xx_{prefix}_{secret}",
        "Bearer ra_{prefix}_{secret}x",
        "Bearer ra_{prefix}_",
        "Bearer ra_{prefix}_{secret}".replace("ra_", "ra__"),
    ],
)
def test_malformed_or_wrong_tokens_are_401_token_invalid(make_account, issue_token, api_client, header):
    account = make_account("ISV_USER")
    _scheme, prefix, secret = issue_token(account).split("_", 2)
    api_client.credentials(HTTP_AUTHORIZATION=header.format(prefix=prefix, secret=secret))
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_INVALID"
    assert ApiToken.objects.get().last_used_at is None


@pytest.mark.django_db
def test_no_credentials_is_401_not_authenticated(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_only_the_owner_can_revoke_and_only_once(make_account):
    owner, other = make_account("ISV_USER"), make_account("ISV_USER")
    token = api_token_create(user=owner, name="ก", days=30, second_factor_verified=True).token
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, actor=other)
    api_token_revoke(token=token, actor=owner)
    with pytest.raises(ValidationError):
        api_token_revoke(token=token, actor=owner)
    token.refresh_from_db()
    assert token.revoked_by == owner


@pytest.mark.django_db
@pytest.mark.parametrize("name, days", [("", 30), ("   ", 30), ("ก", 7), ("ก", 3650)])
def test_create_checks_name_and_expiry(make_account, name, days):
    with pytest.raises(ValidationError):
        api_token_create(user=make_account("ISV_USER"), name=name, days=days, second_factor_verified=True)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_active_tokens_are_limited_and_a_revoked_one_frees_a_place(make_account):
    account = make_account("ISV_USER")
    tokens = [api_token_create(user=account, name=f"t{n}", days=30, second_factor_verified=True).token for n in range(MAX_ACTIVE_TOKENS)]
    with pytest.raises(ValidationError) as refused:
        api_token_create(user=account, name="one too many", days=30, second_factor_verified=True)
    assert refused.value.messages == [TOO_MANY_TOKENS]
    api_token_revoke(token=tokens[0], actor=account)
    api_token_create(user=account, name="replacement", days=30, second_factor_verified=True)


# ---------------------------------------------------------------------------------------------------------------
# The profile pages


@pytest.mark.django_db
def test_token_pages_create_show_once_list_and_revoke(client, make_account):
    account = make_account("ISV_USER")
    client.force_login(account)
    list_url = reverse("api_tokens:list")
    assert reverse("api_tokens:list") in client.get(reverse("accounts:profile")).content.decode()

    response = client.post(reverse("api_tokens:create"), {"name": "เครื่องออกใบเสร็จ", "days": "90"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=account)
    html = response.content.decode()
    plaintext = next(part.split('"')[0] for part in html.split('value="')[1:] if part.startswith("ra_"))
    assert plaintext.startswith(f"ra_{token.prefix}_")

    listing = client.get(list_url).content.decode()
    assert "เครื่องออกใบเสร็จ" in listing and f"ra_{token.prefix}_" in listing
    assert plaintext not in listing
    assert "ยังไม่เคยใช้" in listing

    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "เพิกถอนแล้ว" in client.get(list_url).content.decode()


@pytest.mark.django_db
def test_token_page_shows_last_use(client, make_account, issue_token, api_client):
    account = make_account("ISV_USER")
    get_me(api_client, issue_token(account))
    client.force_login(account)
    html = client.get(reverse("api_tokens:list")).content.decode()
    assert "ยังไม่เคยใช้" not in html and "127.0.0.1" in html


@pytest.mark.django_db
def test_token_pages_refuse_someone_elses_token_and_get(client, make_account):
    owner, other = make_account("ISV_USER"), make_account("ISV_USER")
    token = api_token_create(user=owner, name="ของเจ้าของ", days=30, second_factor_verified=True).token
    client.force_login(other)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    assert "ของเจ้าของ" not in client.get(reverse("api_tokens:list")).content.decode()
    client.force_login(owner)
    assert client.get(reverse("api_tokens:revoke", args=[token.pk])).status_code == 405
    assert client.get(reverse("api_tokens:create")).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_token_create_form_errors_are_shown_and_nothing_is_saved(client, make_account):
    client.force_login(make_account("ISV_USER"))
    response = client.post(reverse("api_tokens:create"), {"name": "", "days": "7"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_token_pages_need_login(client):
    response = client.get(reverse("api_tokens:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
