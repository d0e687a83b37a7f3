"""What every endpoint of the read-only API shares (issue 16): a person's bearer token as the only way
in, reading only, and cursor pages. What each token sees is what its person sees: every endpoint's
queryset comes from the models' `visible_to(user)`, which asks intervention.permissions.

The endpoints themselves span the apps, so they live with the reviews app (`reviews/views/api.py`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, pagination, permissions

from intervention import services

INVALID_TOKEN = "The token is not valid: it may have been revoked, or its account closed"  # noqa: S105 - a message


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`, a token made on /account/api-tokens/. Only its SHA-256 is
    stored; a revoked token, or one whose person's account is switched off, fails at once."""

    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
        found = services.api_token_user(secret, reading=request.method in ("GET", "HEAD", "OPTIONS"))
        if found is None:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        return found

    def authenticate_header(self, request: Any) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Tells drf-spectacular how the token is sent, for the schema's security section."""

    target_class = "intervention.api.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A token made on your account's API tokens page."}


class ReadOnlyForTokenHolders(permissions.BasePermission):
    """Reading only (GET, HEAD, OPTIONS), and only with a valid token: nothing writes through the API."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method in permissions.SAFE_METHODS and bool(request.user and request.user.is_authenticated)


class Cursor(pagination.CursorPagination):
    """Cursor pages: stable while rows are added, and as quick on page 900 as on page 1."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"
