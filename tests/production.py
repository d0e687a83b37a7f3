"""Production-shaped settings for a test: intervention/settings.py as a production deployment runs it
(DEBUG and TESTING off, a real SECRET_KEY), applied over the test settings with override_settings.

Everything that comes out different from the test settings is applied (the HTTPS redirect, HSTS, secure
cookies and whatever production-only setting is added later) except the test's own infrastructure: its
database, cache, storage, static files, email, password hasher and folders."""

from __future__ import annotations

import os
import re
import runpy
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.test import override_settings

import intervention.settings

SETTINGS_FILE = Path(intervention.settings.__file__)
INFRASTRUCTURE = re.compile(
    r"^(DATABASE_URL|DATABASES|REDIS_URL|CACHES|STORAGES|STATIC_ROOT|STATICFILES_DIRS|MEDIA_ROOT|VAR_DIR|WHITENOISE_.*"
    r"|EMAIL_.*|PASSWORD_HASHERS|CELERY_.*|SECRET_KEY|TESTING)$"
)
# Settings a deployment may set from the environment: production's defaults are what is tested.
DEPLOYMENT_VARIABLES = (
    "DEBUG",
    "TESTING",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "BEHIND_TLS_PROXY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)


def production_values() -> dict[str, object]:
    """The settings module's values when run with a production environment."""
    saved = dict(os.environ)
    try:
        for name in DEPLOYMENT_VARIABLES:
            os.environ.pop(name, None)
        os.environ["SECRET_KEY"] = "a-production-shaped-key-for-tests-" + "x" * 40
        os.environ["ALLOWED_HOSTS"] = "testserver"
        os.environ["SITE_URL"] = "https://testserver"
        values = runpy.run_path(str(SETTINGS_FILE))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {name: value for name, value in values.items() if name.isupper()}


@contextmanager
def production_settings() -> Iterator[dict[str, object]]:
    """Apply production's values over the test settings; yields what was applied."""
    changed = {
        name: value
        for name, value in production_values().items()
        if not INFRASTRUCTURE.match(name) and getattr(settings, name, object()) != value
    }
    assert changed.get("SECURE_SSL_REDIRECT") is True and changed.get("SESSION_COOKIE_SECURE") is True, changed
    with override_settings(**changed):
        yield changed
