"""Settings for a Celery worker that a fault test starts as a process of its own (so that it can be
killed): the test settings, but sending email to the test's own mail server on loopback, as production
sends to its relay. The database, broker and mail server come from the environment the test gives it."""

from tests.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env_int("EMAIL_PORT", 25)  # noqa: F405
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # noqa: F405
