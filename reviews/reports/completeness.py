"""What each report kind must have before it can be signed off: its required parts.

A kind's checks are plain functions registered with `@requires(kind)`; each returns a `Gap` for every
required part that is missing, in words that say what to do and with a link to where it is done.
`gaps(report)` runs all of a kind's checks, in the order they were registered. Sign-off is refused
while there is a gap; the sign-off page lists them as an error summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reviews.models import Report


@dataclass(frozen=True)
class Gap:
    part: str  # the section of the report, as its heading says ("Legal implications")
    message: str  # what to do, for the error summary ("Write the legal implications")
    href: str  # where it is done: a page of the service, with an anchor to the field where there is one


Check = Callable[[Report], list[Gap]]

CHECKS: dict[str, list[Check]] = {}


def requires(kind: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        CHECKS.setdefault(kind, []).append(check)
        return check

    return register


# Words a form starts with that say the part is still to be written.
PLACEHOLDERS = ("to be completed",)


def written(text: object) -> bool:
    """Whether a part has its words: not blank, and not a placeholder such as "To be completed"."""
    words = str(text or "").strip()
    return bool(words) and not any(placeholder in words.lower() for placeholder in PLACEHOLDERS)


def gaps(report: Report) -> list[Gap]:
    return [gap for check in CHECKS.get(report.kind, []) for gap in check(report)]
