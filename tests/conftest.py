"""The named cast the tests use, as in the demo data:
alice, an officer of Herefordshire Council; bob, an officer of Worcestershire County Council;
charlie, the commissioner appointed to Herefordshire; dora, a DfE case lead; and an administrator."""

import datetime
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from intervention.enums import Organisation, Role
from intervention.settings import private_files
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


# The loopback OpenID Connect provider (tests/oidc_provider), for the single sign-on tests.
from tests.oidc_provider.fixture import loopback_provider, oidc_provider  # noqa: E402, F401

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


# Evidence and reports are kept through Django's storage API (intervention.files): on disk by default,
# in S3-compatible object storage in production. The downloads' tests ask for `file_storage` and run
# against both: disk, and moto's S3 server on loopback (a real HTTP S3 API, not a mock of boto).
# TEST_OBJECT_STORAGE=s3 runs every test against the S3 server.
S3_BUCKET = "casework-test-files"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    import boto3

    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="eu-west-2", aws_access_key_id="test", aws_secret_access_key="test"
    )
    client.create_bucket(Bucket=S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    try:
        yield endpoint
    finally:
        server.stop()


def object_storages(endpoint: str) -> dict[str, dict]:
    """The STORAGES entries a deployment with OBJECT_STORAGE_* set gets, pointed at the test server."""
    environment = {
        "OBJECT_STORAGE_ENDPOINT_URL": endpoint,
        "OBJECT_STORAGE_REGION": "eu-west-2",
        "OBJECT_STORAGE_ACCESS_KEY_ID": "test",
        "OBJECT_STORAGE_SECRET_ACCESS_KEY": "test",
    }
    saved = dict(os.environ)
    os.environ.update(environment)
    try:
        return {folder: private_files(folder, bucket=S3_BUCKET) for folder in ("evidence", "reports")}
    finally:
        os.environ.clear()
        os.environ.update(saved)


def use_object_storage(settings, endpoint: str) -> None:
    settings.STORAGES = {**settings.STORAGES, **object_storages(endpoint)}


@pytest.fixture(params=["disk", "object storage"])
def file_storage(request, settings) -> str:
    """Run the test with evidence and reports on disk, then again in S3-compatible object storage."""
    if request.param == "object storage":
        use_object_storage(settings, request.getfixturevalue("s3_server"))
    return request.param


@pytest.fixture(autouse=True)
def _object_storage_everywhere(request) -> None:
    if os.environ.get("TEST_OBJECT_STORAGE") == "s3":
        use_object_storage(request.getfixturevalue("settings"), request.getfixturevalue("s3_server"))


@pytest.fixture(autouse=True, scope="session")
def force_login_means_signed_in_fully():
    """Tests sign people in with `client.force_login(user)` to test what comes after signing in: that
    means the whole of signing in, second step included, as django-otp's `login(request, device)`
    would mark it (with the person's authenticator, set up for them if they had none). The second
    step itself is tested by signing in through the two steps (tests/intervention/test_two_factor.py)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from intervention.two_factor import SESSION_PENDING
    from tests.factories import authenticator_for

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        if session.get(SESSION_PENDING):
            session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
            session[SESSION_PENDING] = False
            session.save()

    Client.force_login = force_login
    yield
    Client.force_login = original
