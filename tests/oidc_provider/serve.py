"""Start the loopback provider: `python -m tests.oidc_provider.serve PORT` with OIDC_TEST_PROVIDER_DB
and OIDC_TEST_PROVIDER_URL set (tests.oidc_provider.fixture does this)."""

import os
import sys

if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from tests.oidc_provider.views import set_up

    set_up()
    call_command("runserver", f"127.0.0.1:{sys.argv[1]}", use_reloader=False, use_threading=True, skip_checks=True)
