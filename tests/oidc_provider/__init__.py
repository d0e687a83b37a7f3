"""A real OpenID Connect provider for the single sign-on tests: a small Django project on
django-oidc-provider, run by `tests.oidc_provider.fixture` as its own process on a loopback port, with
its own SQLite database, its own RSA key and this service registered as a client.

The tests steer it through `/control/` (loopback only, test-only): add a person, register a redirect
address, rotate the signing key, and make the next ID token misbehave (a tampered signature, a wrong
nonce, an expiry in the past) so that the service's checks meet real tokens from a real provider."""

# This service as the provider's client.
CLIENT_ID = "casework"
CLIENT_SECRET = "casework-client-secret"
