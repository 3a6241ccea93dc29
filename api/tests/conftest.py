import pytest

from api.services import api_token_create


@pytest.fixture
def issue_token():
    """Create a token for `user` through the service and return its plaintext."""

    def issue(user, *, days: int = 90, name: str = "สคริปต์ทดสอบ") -> str:
        return api_token_create(user=user, name=name, days=days).plaintext

    return issue


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def bearer(api_client, issue_token):
    """An APIClient that sends `user`'s new token on every request."""

    def with_token(user):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")
        return api_client

    return with_token
