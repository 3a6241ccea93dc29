"""The production settings pass Django's deployment checks and send the security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3y-" + "x7Gq9#pL2!vR8@wZ5$tN1^mB4&cY6*" * 2,
    "ALLOWED_HOSTS": "rights.dopa.go.th",
    "CSRF_TRUSTED_ORIGINS": "https://rights.dopa.go.th",
    "SECURE_SSL": "1",
    "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}


def test_check_deploy_reports_nothing():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")} | PRODUCTION_ENV
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_wsgi_module_freezes_its_start_up_objects():
    """Each gunicorn worker keeps its start-up objects out of the garbage collector's walks (rightsadmin/runtime.py)."""
    code = "import gc, rightsadmin.wsgi; print(gc.get_freeze_count())"
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")} | PRODUCTION_ENV
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 50_000  # Django, the URLconf and every view module


def _run_without_a_secret_key(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "args",
    [("-c", "import rightsadmin.wsgi"), ("-c", "import rightsadmin.asgi"), ("manage.py", "check", "--deploy", "--fail-level", "WARNING")],
    ids=["wsgi", "asgi", "check-deploy"],
)
def test_the_server_refuses_to_start_without_a_secret_key(args):
    result = _run_without_a_secret_key(*args)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_commands_that_sign_nothing_run_without_a_secret_key():
    """A migration check on a build machine has no production key, and needs none."""
    result = _run_without_a_secret_key("manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_the_language_cookie_is_http_only_and_secure_under_ssl(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True  # as SECURE_SSL sets it
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
