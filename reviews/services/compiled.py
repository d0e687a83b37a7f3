"""Keys for queries compiled once (`intervention.compiled.CompiledQuery`) with what a person may see."""

from __future__ import annotations

from typing import Any

from intervention.permissions import access_for


def reader_key(user: Any) -> tuple[Any, ...]:
    """Everything the `visible_to(user)` filters read of the person: who they are and their access today
    (read afresh each request, `access_for`). Two requests with the same key compile the same SQL, so it
    keys a query compiled with what the person may see (the rows are still read each time)."""
    access = access_for(user)
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    roles = tuple(sorted((pk, frozenset(r)) for pk, r in access.roles.items()))
    return (
        user_id,
        access.authenticated,
        access.is_admin,
        access.is_dfe,
        access.person_id,
        access.local_authority_id,
        roles,
        access.appointed_authority_ids,
    )
