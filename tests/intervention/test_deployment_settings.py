"""What a deployment is told to set: every environment variable the settings read is in .env.example
with a comment, and a deployment without the service's address fails `check --deploy`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.core.checks import run_checks
from django.test import override_settings

from intervention.checks import NO_SITE_URL

ROOT = Path(settings.BASE_DIR)
READERS = {"env", "env_bool", "env_int", "env_list"}


def variables_the_settings_read() -> set[str]:
    """Every name passed to env(), env_bool(), env_int(), env_list() or os.environ.get() in the settings."""
    tree = ast.parse((ROOT / "intervention" / "settings.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        function = node.func
        is_reader = isinstance(function, ast.Name) and function.id in READERS
        is_environ = ast.unparse(function) in {"os.environ.get", "os.getenv"}
        if is_reader or is_environ:
            names.add(str(node.args[0].value))
    return names


def documented_variables() -> dict[str, bool]:
    """The variables .env.example names (set or commented out), each with whether a comment comes before it."""
    documented = {}
    commented = False
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s?([A-Z][A-Z0-9_]*)=", line)
        if match:
            documented[match.group(1)] = commented
            # A comment covers the block of variables under it, up to a blank line.
        elif line.startswith("#"):
            commented = True
        elif not line.strip():
            commented = False
    return documented


def test_the_settings_read_the_environment_through_a_few_helpers():
    # If this finds nothing the parser above is wrong, and the next test would pass vacuously.
    assert {"SECRET_KEY", "DATABASE_URL", "SITE_URL", "DEBUG"} <= variables_the_settings_read()


def test_every_variable_the_settings_read_is_in_the_example_environment_file():
    missing = variables_the_settings_read() - set(documented_variables()) - {"TESTING"}
    assert not missing, f".env.example does not mention {sorted(missing)}"


def test_every_variable_in_the_example_environment_file_has_a_comment_and_is_read():
    documented = documented_variables()
    assert not [name for name, commented in documented.items() if not commented]
    assert set(documented) <= variables_the_settings_read() | {"PORT"}


def test_a_deployment_without_the_services_https_address_fails_the_deploy_checks():
    for address in ("", "http://127.0.0.1:8000"):
        with override_settings(SITE_URL=address):
            assert NO_SITE_URL in run_checks(include_deployment_checks=True)
    with override_settings(SITE_URL="https://casework.education.gov.uk"):
        assert NO_SITE_URL not in run_checks(include_deployment_checks=True)
