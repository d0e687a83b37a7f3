"""The `oidc_provider` fixture: starts the loopback OpenID Connect provider (tests.oidc_provider) as a
separate process on a free port, once per test session, and configures this service to use it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

PROVIDER_NAME = "loopback"
PROVIDER_LABEL = "Loopback ID"
STARTUP_SECONDS = 60
PROVIDER_PASSWORD = "provider password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LoopbackProvider:
    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def control(self, action: str, **order) -> dict:
        response = requests.post(f"{self.url}/control/", json={"action": action, **order}, timeout=10)
        response.raise_for_status()
        return response.json()

    def add_person(self, email: str, password: str = PROVIDER_PASSWORD, name: str = "") -> str:
        """A person the provider knows (username and email alike); answers their subject identifier."""
        return self.control("person", username=email, email=email, password=password, name=name)["sub"]

    def allow_redirect(self, uri: str) -> None:
        self.control("redirect_uri", uri=uri)

    def misbehave_next(self, how: str) -> None:
        self.control("misbehave", how=how)

    def rotate_key(self) -> str:
        return self.control("rotate")["kid"]

    def configuration(self) -> dict:
        return {
            "name": PROVIDER_NAME,
            "label": PROVIDER_LABEL,
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": "openid email profile",
            "email_claim": "email",
            "name_claim": "name",
        }

    def authorise(self, authorization_url: str, email: str, password: str = PROVIDER_PASSWORD) -> str:
        """Sign in at the provider as a browser would (its own sign-in form, with its CSRF token) and
        follow the authorization request: answers the address the provider sends the person back to."""
        session = requests.Session()
        session.get(f"{self.url}/login/", timeout=10)
        session.post(
            f"{self.url}/login/",
            data={"username": email, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            allow_redirects=False,
            timeout=10,
        )
        response = session.get(authorization_url, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]


def callback_path(location: str) -> str:
    """The service's own path and query from the address the provider redirects to."""
    parts = urlsplit(location)
    assert "code" in parse_qs(parts.query) or "error" in parse_qs(parts.query), location
    return f"{parts.path}?{parts.query}"


@pytest.fixture(scope="session")
def loopback_provider(tmp_path_factory) -> Iterator[LoopbackProvider]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("oidc-provider")
    environment = {
        **os.environ,
        "OIDC_TEST_PROVIDER_DB": str(folder / "provider.sqlite3"),
        "OIDC_TEST_PROVIDER_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own module, on loopback
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
        cwd=Path(settings.BASE_DIR),
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if requests.get(f"{url}/openid/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"The loopback provider did not start:\n{(folder / 'provider.log').read_text()}")
            time.sleep(0.2)
        # Warm its pages up (the first request to each imports and compiles), so that the first test's
        # browser, with its short timeouts, does not wait on the provider's start.
        for path in ("/login/", "/openid/jwks/", "/openid/authorize/"):
            requests.get(f"{url}{path}", timeout=30)
        yield LoopbackProvider(url=url)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def oidc_provider(loopback_provider: LoopbackProvider, settings) -> LoopbackProvider:
    """The loopback provider, configured as this service's one provider for the test, with the
    discovery document and keys fetched afresh (what the cache holds of it is dropped)."""
    from intervention import sso

    settings.OIDC_PROVIDERS = [loopback_provider.configuration()]
    for provider in sso.configured_providers():
        sso.forget(provider)
    return loopback_provider
