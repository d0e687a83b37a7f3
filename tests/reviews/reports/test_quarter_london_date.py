"""Issue 13, smaller defects: a report decides an instruction's quarter from the London date it was
accepted as complied, not the UTC one (00:30 BST on 1 July is in July to September)."""

import datetime

import pytest

from directions import services as direction_services
from directions.enums import InstructionStatus
from reviews.reports.common import instruction_summary

pytestmark = pytest.mark.django_db
D = datetime.date


def test_an_instruction_accepted_at_half_past_midnight_bst_on_1_july_counts_in_july_to_september(
    hereford_case, charlie, time_machine
):
    time_machine.move_to(datetime.datetime(2023, 6, 1, 10, tzinfo=datetime.UTC))
    instruction = direction_services.issue_instruction(
        intervention=hereford_case,
        issued_by=charlie.person,
        by=charlie,
        title="Recruit permanent team managers",
        text="Recruit.",
        issued_on=D(2023, 6, 1),
        due_on=D(2023, 9, 30),
    )
    time_machine.move_to(datetime.datetime(2023, 6, 30, 23, 30, tzinfo=datetime.UTC))  # 00:30 BST, 1 July
    direction_services.change_instruction_status(
        instruction=instruction, status=InstructionStatus.COMPLIED, by=charlie, note="Evidence accepted"
    )

    april_to_june = instruction_summary(hereford_case, D(2023, 4, 1), D(2023, 6, 30))
    july_to_september = instruction_summary(hereford_case, D(2023, 7, 1), D(2023, 9, 30))
    assert (april_to_june.complied, july_to_september.complied) == ([], [instruction])
