"""Settings for rightsadmin, read from the environment (django-environ).

One module for every machine: development, tests, CI and production differ only in environment variables.
"""

import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Without DEBUG the key must come from the environment: a production server must never run on a known key. Left
# empty, commands that sign nothing (migrate, makemigrations --check, check) still run, but the server refuses to
# start (rightsadmin.runtime.require_secret_key) and Django refuses anything that signs.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only" if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # By concern, lower first: an app imports only the apps listed before it (tests/test_import_layers.py).
    "core",
    "events",
    "accounts",
    "rights",
    "lifecycle",
    "registry",
    "rollout",
    "signin",
    "audit",
    "receipts",
    "manual",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "rightsadmin",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "signin.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "signin.second_factor_middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "signin.middleware.DeniedAccessMiddleware",
    # axes must come last: it reads the outcome of the authentication above.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rightsadmin.urls"
WSGI_APPLICATION = "rightsadmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "signin.context_processors.navigation",
            ],
            "builtins": ["core.templatetags.thai"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 30})
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        # A file (threaded tests need one), named per process so that parallel runs do not share it.
        "SQLITE_TEST_NAME", default=str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "signin.backends.AccountBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "signin.passwords.GuessablePasswordValidator"},
]
LOGIN_URL = "login"
# The second factor (django-otp's TOTP): required of every account holding a role marked requires_second_factor.
# Three wrong codes lock the account as three wrong passwords do (signin.second_factor), so the device's own
# throttle, which would also refuse right codes for a while, is off.
OTP_TOTP_ISSUER = "rightsadmin DOPA"
OTP_TOTP_THROTTLE_FACTOR = 0
SECOND_FACTOR_PENDING_SECONDS = 5 * 60  # between the right password and the code
BACKUP_CODE_COUNT = 10
# A one-time activation link or printed code, for an account that has no password yet, and a password reset link.
ACTIVATION_VALID_HOURS = env.int("ACTIVATION_VALID_HOURS", default=72)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=60 * 60)
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 idle minutes: requests push the expiry forward (at most once a minute, see
# signin.middleware.IdleSessionMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_TOUCH_INTERVAL = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The Linkage Center rule: the third wrong password locks the account until someone unlocks it. It locks the
# username at the address it was tried from, so a stranger elsewhere cannot lock an official out; an address that
# fails LOGIN_IP_FAILURE_LIMIT times over any usernames is refused for LOGIN_IP_WINDOW_MINUTES (signin/login.py).
AXES_FAILURE_LIMIT = 3
AXES_COOLOFF_TIME = None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=20)
LOGIN_IP_WINDOW_MINUTES = env.int("LOGIN_IP_WINDOW_MINUTES", default=15)
# Proxies of our own in front of gunicorn that append the client's address to X-Forwarded-For (0: none; then
# REMOTE_ADDR is the client, and a client's own X-Forwarded-For is ignored).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Refusals (403, 404 of a page that exists, refused grants) of one account from one address in one hour that make
# it "repeated" for its reviewers (rights/denials.py).
DENIED_ACCESS_REPEATED = env.int("DENIED_ACCESS_REPEATED", default=10)
# The longest a reviewer may hand their review to an acting reviewer at once (rights/delegation.py).
REVIEW_DELEGATION_MAX_DAYS = env.int("REVIEW_DELEGATION_MAX_DAYS", default=90)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

GUARDIAN_USER_OBJ_PERMS_MODEL = "accounts.UnitUserObjectPermission"
GUARDIAN_GROUP_OBJ_PERMS_MODEL = "accounts.UnitGroupObjectPermission"
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Bounds on an imported registry file, whatever its size on disk (registry/importers/reading.py): a national accounts
# file has about 30,000 rows of 9 columns, so these leave a tenfold margin and still stop a hostile file at once.
REGISTRY_IMPORT_MAX_ROWS = env.int("REGISTRY_IMPORT_MAX_ROWS", default=300_000)
REGISTRY_IMPORT_MAX_COLUMNS = env.int("REGISTRY_IMPORT_MAX_COLUMNS", default=50)
REGISTRY_IMPORT_MAX_BLANK_ROWS = env.int("REGISTRY_IMPORT_MAX_BLANK_ROWS", default=1_000)
REGISTRY_IMPORT_MAX_UNPACKED_BYTES = env.int("REGISTRY_IMPORT_MAX_UNPACKED_BYTES", default=256 * 1024 * 1024)
REGISTRY_IMPORT_MAX_COMPRESSION_RATIO = env.int("REGISTRY_IMPORT_MAX_COMPRESSION_RATIO", default=100)
# Web imports run beside the request (registry.jobs): how long the request waits for a small file's answer,
# how often the progress page reloads, and after how long without progress a job counts as dead with its process.
REGISTRY_IMPORT_WAIT_SECONDS = env.float("REGISTRY_IMPORT_WAIT_SECONDS", default=2.0)
REGISTRY_IMPORT_REFRESH_SECONDS = env.int("REGISTRY_IMPORT_REFRESH_SECONDS", default=2)
REGISTRY_IMPORT_JOB_STALE_SECONDS = env.int("REGISTRY_IMPORT_JOB_STALE_SECONDS", default=600)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="rightsadmin@dopa.go.th")

# Signed anchors of the event chain (events/anchors.py): the key must not live in the database, nor should the file.
EVENT_ANCHOR_KEY = env.str("EVENT_ANCHOR_KEY", default="")
EVENT_ANCHOR_FILE = Path(env.str("EVENT_ANCHOR_FILE", default=str(BASE_DIR / "var" / "event-anchors.jsonl")))

# Security headers. Production turns on HTTPS-only behaviour through SECURE_SSL.
SECURE_SSL = env.bool("SECURE_SSL", default=False)
SECURE_SSL_REDIRECT = SECURE_SSL
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SECURE_SSL
LANGUAGE_COOKIE_HTTPONLY = True  # the language switch is a form post: no script needs to read it
LANGUAGE_COOKIE_SAMESITE = "Lax"
# No page of the app uses the browser's devices or sensors: deny them all to every origin.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
        "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb", "xr-spatial-tracking",
    )
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Domain settings.
RETIREMENT_AGE = env.int("RETIREMENT_AGE", default=60)
DORMANT_AFTER_DAYS = env.int("DORMANT_AFTER_DAYS", default=90)
# Four eyes on orders: an imported orders file grants nothing until a second person confirms it. Only when this is on
# is an import by the centre (a national-scope importer, or the command line) confirmed by its importer at once,
# for the department's own compiled orders (README "Authority to grant").
ORDERS_CENTRAL_IMPORT_SELF_CONFIRM = env.bool("ORDERS_CENTRAL_IMPORT_SELF_CONFIRM", default=False)

# The JSON API (api/): personal tokens or the browser session, one rate per token, errors as {"code", "detail"}.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "api.authentication.ApiSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env.str("API_TOKEN_RATE", default="600/min"),
        "api_session": env.str("API_SESSION_RATE", default="600/min"),
        "api_anonymous": env.str("API_ANONYMOUS_RATE", default="60/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,  # the anonymous rate's client address, as core.http.client_ip
}
SPECTACULAR_SETTINGS = {
    "TITLE": "rightsadmin API",
    "DESCRIPTION": "API ของระบบตรวจสอบสิทธิ์ผู้ใช้งาน กรมการปกครอง: ใช้บริการและสิทธิ์ชุดเดียวกับหน้าจอ",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_on_one_line": {"()": "core.log_filters.ClientErrorsOnOneLine"}},
    # A refused request is one line in the log, not a traceback (core.log_filters). On the handler: a logger's own
    # filter would miss the records of its children (django.security.csrf, django.security.DisallowedHost).
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_on_one_line"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

