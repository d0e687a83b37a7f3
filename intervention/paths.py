"""Addresses of pages named by whole-number ids, for lists that link every row. Django's `reverse`
matches the URL patterns afresh on each call, which cost as much as drawing a row of a national list;
here each pattern is reversed once (per address prefix) with stand-in ids, which each row's ids
then take the place of."""

from __future__ import annotations

import functools

from django.urls import get_script_prefix, reverse

# Stand-ins no real id is written as (ids have no leading zero).
STAND_INS = ("0123456789", "0987654321")


@functools.lru_cache(maxsize=256)
def _template(name: str, count: int, script_prefix: str) -> str:
    """The address with `{0}`, `{1}` where the ids go (any braces of its own doubled)."""
    path = reverse(name, args=STAND_INS[:count]).replace("{", "{{").replace("}", "}}")
    for index, stand_in in enumerate(STAND_INS[:count]):
        if path.count(stand_in) != 1:
            raise ValueError(f"{name}: its address does not hold argument {index} as written")
        path = path.replace(stand_in, f"{{{index}}}")
    return path


def reverse_ids(name: str, *ids: int) -> str:
    """`reverse(name, args=ids)` for a URL whose arguments are all whole-number ids (at most two)."""
    return _template(name, len(ids), get_script_prefix()).format(*(int(value) for value in ids))
