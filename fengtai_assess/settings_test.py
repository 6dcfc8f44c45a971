"""Settings for the test suite: the real settings with a test key and fast hashing.

DATABASE_URL still decides the database, so CI runs the same suite on SQLite and PostgreSQL.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
# A fresh private-file root per test process (each pytest-xdist worker gets its own), so tests
# that check "no file was left behind" see only their own files.
os.environ["DJANGO_PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(
    prefix=f"fengtai-test-private-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-"
)

from fengtai_assess.settings import *  # noqa: E402,F403
from fengtai_assess.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests talk plain HTTP to the test client; production keeps these on.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PRIVATE_MEDIA_ROOT = Path(os.environ["DJANGO_PRIVATE_MEDIA_ROOT"])
# collectstatic never runs under test; serve from the finders and keep WhiteNoise quiet.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="fengtai-test-static-"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
AXES_FAILURE_LIMIT = 5
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
