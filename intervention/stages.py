"""The stage a case is at, derived from the instruments in force, never typed in twice."""

from __future__ import annotations

import enum


class Stage(enum.Enum):
    NO_INSTRUMENT = ("no_instrument", "No instrument in force", "govuk-tag--grey")
    IMPROVEMENT_NOTICE = ("improvement_notice", "Improvement notice", "govuk-tag--yellow")
    STATUTORY_DIRECTION = ("statutory_direction", "Statutory direction", "govuk-tag--red")
    CLOSED = ("closed", "Closed", "govuk-tag--green")

    def __init__(self, code: str, label: str, tag_class: str) -> None:
        self.code = code
        self.label = label
        self.tag_class = tag_class
