"""The small override the test suite runs with: PostgreSQL, fast hashing, plain static files."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/snt_portal")

from snt_portal.settings import *  # noqa: F403
from snt_portal.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test client speaks plain HTTP: no redirect to HTTPS (tests/security checks production's).
SECURE_SSL_REDIRECT = False
# Serve static files straight from the finders (node_modules, static/) without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
