"""The apps' shared test fixtures (tests/app_fixtures.py)."""

from tests.app_fixtures import _media_root_per_test, central_admin  # noqa: F401
