"""The named cast the tests use, as in the demo data:
alice, an officer of Herefordshire Council; bob, an officer of Worcestershire County Council;
charlie, the commissioner appointed to Herefordshire; dora, a DfE case lead; and an administrator."""

import datetime

import pytest
from hypothesis import HealthCheck, settings

from intervention.enums import Organisation, Role
from tests.factories import AppointmentFactory, InterventionFactory, PersonFactory, UserFactory, authority

# Hypothesis's 200 ms per example, and its check that generating examples is not slow, are timings,
# and timings belong in `make bench`: on a loaded machine they failed a rule that was right. The
# examples still run; only the clocks are off.
settings.register_profile("casework", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("casework")


@pytest.fixture
def herefordshire():
    return authority("884")


@pytest.fixture
def worcestershire():
    return authority("885")


@pytest.fixture
def hereford_case(herefordshire):
    return InterventionFactory(local_authority=herefordshire, opened_on=datetime.date(2021, 5, 18))


@pytest.fixture
def worcester_case(worcestershire):
    return InterventionFactory(local_authority=worcestershire, opened_on=datetime.date(2017, 3, 8))


def _member(email: str, name: str, organisation: str, local_authority=None, **user_fields):
    user = UserFactory(username=email, **user_fields)
    PersonFactory(user=user, name=name, organisation=organisation, local_authority=local_authority, email=email)
    return user


@pytest.fixture
def alice(herefordshire):
    return _member("alice@herefordshire.example", "Alice Hughes", Organisation.COUNCIL, herefordshire)


@pytest.fixture
def bob(worcestershire):
    return _member("bob@worcestershire.example", "Bob Evans", Organisation.COUNCIL, worcestershire)


@pytest.fixture
def charlie(hereford_case):
    user = _member("charlie@commissioner.example", "Charlie Brazil", Organisation.INDEPENDENT, is_staff=True)
    AppointmentFactory(person=user.person, intervention=hereford_case, role=Role.COMMISSIONER)
    return user


@pytest.fixture
def dora():
    return _member("dora@education.example", "Dora Patel", Organisation.DFE, is_staff=True)


@pytest.fixture
def administrator():
    return _member("admin@casework.example", "Ada Admin", Organisation.OTHER, is_staff=True, is_superuser=True)


# A test that cannot run because the machine lacks a system part (Chromium, say) skips with a reason
# "<part> not found …; install it with: <command>". `make test` ends with one line per such part, so a
# run that skipped them never reads as "every test ran".
MISSING_PART_HINT = "; install it with: "


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    missing: dict[str, list[pytest.TestReport]] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        if MISSING_PART_HINT in reason:
            missing.setdefault(reason, []).append(report)
    lines = []
    for reason, reports in missing.items():
        kind = "browser test" if all("browser" in report.keywords for report in reports) else "test"
        kind += "" if len(reports) == 1 else "s"
        part, install = reason.split(MISSING_PART_HINT, 1)
        lines.append(f"{len(reports)} {kind} skipped: {part}; install it with: {install}")
    config.stash[_MISSING_PARTS] = lines


_MISSING_PARTS = pytest.StashKey[list[str]]()


def pytest_unconfigure(config: pytest.Config) -> None:
    """After pytest's own totals, so the run's last line is the one a newcomer must act on."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    for line in config.stash.get(_MISSING_PARTS, []):
        if reporter is not None:
            reporter.write_line(line, yellow=True, bold=True)
