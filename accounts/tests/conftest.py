"""Fixtures of the accounts tests: the central bureau's administrator, who may import every registry file."""

import pytest


@pytest.fixture
def central_admin(make_account):
    return make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", username="admin.test")
