"""Fixtures of the apps' own tests (each app's tests/conftest.py takes them): a media directory per test, and the
central bureau's administrator."""

import pytest


@pytest.fixture(autouse=True)
def _media_root_per_test(settings, tmp_path):
    """Uploads and import jobs of a test go to its own directory, never to the project's media/ or another test's.

    Here and not for the whole suite: the access matrix builds its world (with scans and attachments) once a module.
    """
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def central_admin(make_account):
    return make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", username="admin.test")
