"""Settings for 产改考核.

Everything that differs between a laptop and the district's server comes from the environment:
DATABASE_URL, DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS (see README).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # Development only: DEBUG is on, so this key never protects production data.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "import_export",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "common",
    "accounts",
    "units",
    "audit",
    "indicators",
    "scoring",
    "reports",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "common.middleware.PermissionsPolicyMiddleware",
    "audit.context.AuditContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fengtai_assess.urls"
WSGI_APPLICATION = "fengtai_assess.wsgi.application"

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
                "units.context_processors.role",
                "scoring.notifications.context_processors.unread_notices",
                "accounts.context_processors.session_timeout",
                "fengtai_assess.context_processors.layout_urls",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTHENTICATION_BACKENDS = [
    # Lockout after repeated failures is checked before any password is.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

# Django's checks with Chinese messages, plus character classes and history (accounts/).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.CommonPasswordValidator"},
    {"NAME": "accounts.validators.NumericPasswordValidator"},
    # Also records every saved password (its password_changed hook).
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Evidence files live under var/ and are never reachable by URL: base_url is None and
# they are only ever streamed by a view that has checked permission.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT / "evidence", "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# Every upload streams to a temporary file (never memory) and is cut off at the size limit.
FILE_UPLOAD_HANDLERS = ["scoring.evidence.uploadhandler.BoundedTemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = os.environ.get("DJANGO_UPLOAD_TEMP_DIR") or None

# Evidence rules (佐证材料); see scoring/evidence/validation.py.
EVIDENCE_ALLOWED_EXTENSIONS = env_list(
    "EVIDENCE_ALLOWED_EXTENSIONS",
    "pdf,ofd,doc,docx,xls,xlsx,ppt,pptx,wps,et,dps,txt,jpg,jpeg,png,zip",
)
EVIDENCE_MAX_FILE_SIZE = int(os.environ.get("EVIDENCE_MAX_FILE_MB", "50")) * 1024 * 1024
EVIDENCE_MAX_SUBMISSION_SIZE = (
    int(os.environ.get("EVIDENCE_MAX_SUBMISSION_MB", "200")) * 1024 * 1024
)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    if env_bool("DJANGO_BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- django-guardian --------------------------------------------------------------------------
# No anonymous user: every page requires login, so there is nothing to grant to anonymity.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# --- django-axes: lock an account from an address after repeated failures --------------------
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address (behind nginx too) comes from common/http.py: AXES_CLIENT_IP_CALLABLE below.

# --- django-import-export ---------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "chanzgai@fengtai.local")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Accounts (等保 2.0 level 2): password age, session limits; see accounts/ -----------------
FENGTAI_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("FENGTAI_PASSWORD_MAX_AGE_DAYS", "90"))
FENGTAI_SESSION_IDLE_SECONDS = int(os.environ.get("FENGTAI_SESSION_IDLE_MINUTES", "30")) * 60
FENGTAI_SESSION_WARNING_SECONDS = 60
FENGTAI_SESSION_MAX_SECONDS = int(os.environ.get("FENGTAI_SESSION_MAX_HOURS", "12")) * 60 * 60
# Database sessions that carry the user's id, so all of a user's sessions can be ended at once.
SESSION_ENGINE = "accounts.sessions"
# The cookie outlives no session: the absolute limit is also checked on the server.
SESSION_COOKIE_AGE = FENGTAI_SESSION_MAX_SECONDS

# Optional login through the district's directory (FENGTAI_LDAP_*; see accounts/ldap_config.py).
# Local accounts keep working beside it.
from accounts.ldap_config import authentication_backends, ldap_settings  # noqa: E402

globals().update(ldap_settings(os.environ))
AUTHENTICATION_BACKENDS = authentication_backends(AUTHENTICATION_BACKENDS, os.environ)

# --- Background jobs (django-tasks) and evidence previews --------------------------------------
# immediate: a job runs in the web process right after the commit that queued it (make run,
# tests). database: jobs wait in the database for `manage.py db_worker` (make worker).
FENGTAI_TASKS_BACKEND = os.environ.get("FENGTAI_TASKS_BACKEND", "immediate").strip().lower()
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if FENGTAI_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured("FENGTAI_TASKS_BACKEND must be 'immediate' or 'database'.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[FENGTAI_TASKS_BACKEND], "QUEUES": ["default"]}}
# Office/WPS evidence is converted to PDF by LibreOffice headless for reading in the browser.
EVIDENCE_PREVIEW_SOFFICE = os.environ.get("FENGTAI_PREVIEW_SOFFICE", "soffice")
EVIDENCE_PREVIEW_TIMEOUT = int(os.environ.get("FENGTAI_PREVIEW_TIMEOUT", "120"))
EVIDENCE_PREVIEW_MAX_ATTEMPTS = int(os.environ.get("FENGTAI_PREVIEW_MAX_ATTEMPTS", "3"))
# Runs LibreOffice in an empty network namespace (`unshare --net`); 0 only where the kernel
# forbids unprivileged namespaces and the server has no network access anyway.
EVIDENCE_PREVIEW_ISOLATE_NETWORK = env_bool("FENGTAI_PREVIEW_ISOLATE_NETWORK", True)

# --- Evidence storage: the local folder (default) or an S3-compatible bucket ------------------
# FENGTAI_EVIDENCE_STORAGE=local|s3 and FENGTAI_S3_*; see fengtai_assess/storage_config.py.
from fengtai_assess.storage_config import evidence_storage_settings  # noqa: E402

STORAGES["evidence"] = evidence_storage_settings(
    os.environ, local_root=PRIVATE_MEDIA_ROOT / "evidence"
)

# --- Serving behind nginx: client addresses, evidence handed to nginx ------------------------
# FENGTAI_TRUSTED_PROXIES: comma-separated addresses or CIDR blocks of the reverse proxies
# (nginx). A request from one of them is attributed to the right-most X-Forwarded-For address
# that is not a trusted proxy (common/http.py client_ip); from anyone else the header is
# ignored. Empty (the default): REMOTE_ADDR, as with no proxy. The audit trail and the login
# lockout (django-axes) use the same function.
from common.http import proxy_networks  # noqa: E402

FENGTAI_TRUSTED_PROXIES = env_list("FENGTAI_TRUSTED_PROXIES")
try:
    proxy_networks(FENGTAI_TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"FENGTAI_TRUSTED_PROXIES: {exc}") from exc
AXES_CLIENT_IP_CALLABLE = "common.http.client_ip"
# FENGTAI_X_ACCEL_REDIRECT: the internal nginx location that serves the local evidence folder,
# e.g. /_protected/ (deploy/render.py --evidence-root). When set and the evidence storage is
# the local folder, a download or preview is checked (permission, SHA-256, audit) by the view
# as always and then sent by nginx (X-Accel-Redirect), so no worker waits on a slow client.
# Empty (the default): the view streams the bytes itself. Bucket storage always streams.
# FENGTAI_X_ACCEL_MIN_BYTES: only files of at least this size go through nginx (default 0).
FENGTAI_X_ACCEL_REDIRECT = os.environ.get("FENGTAI_X_ACCEL_REDIRECT", "").strip()
if FENGTAI_X_ACCEL_REDIRECT:
    if not FENGTAI_X_ACCEL_REDIRECT.startswith("/") or any(
        ch in FENGTAI_X_ACCEL_REDIRECT for ch in "?#%\\ "
    ):
        raise ImproperlyConfigured(
            "FENGTAI_X_ACCEL_REDIRECT must be an nginx location path such as /_protected/."
        )
    FENGTAI_X_ACCEL_REDIRECT = FENGTAI_X_ACCEL_REDIRECT.rstrip("/") + "/"
FENGTAI_X_ACCEL_MIN_BYTES = int(os.environ.get("FENGTAI_X_ACCEL_MIN_BYTES", "0"))

# --- Security headers (等保 2.0 level 2): CSP (django-csp), Permissions-Policy ------------------
# No inline script or style anywhere: every script and stylesheet is a static file of the app.
# Evidence previews are same-origin PDFs/images in an <iframe>/<object> (frame-src, object-src);
# the file responses themselves carry their own stricter policy (scoring/evidence/views.py).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
FENGTAI_PERMISSIONS_POLICY = os.environ.get(
    "FENGTAI_PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()",
)

# --- Cache: shared Redis where REDIS_URL is set, local memory otherwise -----------------------
# See fengtai_assess/cache_config.py (several app servers need the shared one).
from fengtai_assess.cache_config import cache_settings  # noqa: E402

CACHES = cache_settings(os.environ)

# --- Benchmark hooks (make bench; see fengtai_assess/bench.py) ----------------------------------
# FENGTAI_BENCH=1 adds /bench/ping/ (the trivial login-required baseline) and the
# X-Bench-Queries response header. Off by default; never set it on the district's server.
FENGTAI_BENCH = env_bool("FENGTAI_BENCH")
if FENGTAI_BENCH:
    MIDDLEWARE = ["fengtai_assess.bench.QueryCountMiddleware", *MIDDLEWARE]
