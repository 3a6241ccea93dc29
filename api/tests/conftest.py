import os

import pytest

from api.services import api_token_create


@pytest.fixture
def issue_token():
    """Create a token for `user` through the service and return its plaintext."""

    def issue(user, *, days: int = 90, name: str = "สคริปต์ทดสอบ") -> str:
        return api_token_create(user=user, name=name, days=days, second_factor_verified=True).plaintext

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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # The sync Playwright API runs an event loop in this thread, and the ORM refuses to run beside one. Allow it for
    # browser tests only (they start and stop Playwright themselves), from before their fixtures until after their
    # teardown, so no other test (or subprocess, such as `manage.py check --deploy`) inherits it.
    if item.get_closest_marker("browser"):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        if item.get_closest_marker("browser"):
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
