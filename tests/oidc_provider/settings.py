"""Settings for the loopback OpenID Connect provider (see the package's docstring)."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRET_KEY = "loopback-test-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OIDC_TEST_PROVIDER_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast: a test provider
USE_TZ = True
LOGIN_URL = "/login/"
SITE_URL = os.environ["OIDC_TEST_PROVIDER_URL"]
OIDC_USERINFO = "tests.oidc_provider.views.userinfo"
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.oidc_provider.views.misbehave"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
