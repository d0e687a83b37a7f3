"""Choices for the legal instruments, in the documents' own words. A leaf module."""

from django.db import models


class InstrumentKind(models.TextChoices):
    IMPROVEMENT_NOTICE = "improvement_notice", "Improvement notice"
    STATUTORY_DIRECTION = "statutory_direction", "Statutory direction"


class LegalBasis(models.TextChoices):
    NON_STATUTORY = "non_statutory", "Non-statutory (improvement notice)"
    SECTION_497A_4B = "497A(4B)", "Section 497A(4B) of the Education Act 1996"
    SECTION_497A_4A = (
        "497A(4A)",
        "Section 497A(4A) of the Education Act 1996 (services moved out of the council's control)",
    )


class InstrumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"


class Part(models.TextChoices):
    """Where a numbered paragraph sits in the document."""

    RECITAL = "recital", "Recitals (whereas)"
    OPERATIVE = "operative", "Directions or requirements"
    TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference (annex)"


class Compliance(models.TextChoices):
    NOT_DUE = "not_due", "Not yet due"
    COMPLIED = "complied", "Complied"
    NOT_COMPLIED = "not_complied", "Not complied"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Recipient(models.TextChoices):
    """Who receives it: one of the case's roles, or a body outside the case."""

    COUNCIL = "council", "the council"
    COMMISSIONER = "commissioner", "the commissioner"
    ADVISER = "adviser", "the adviser"
    BOARD_CHAIR = "board_chair", "the improvement board chair"
    DFE = "dfe", "the Department for Education"
    SECRETARY_OF_STATE = "secretary_of_state", "the Secretary of State"
    MINISTER = "minister", "the Minister"
    DFE_CONTRACT_MANAGER = "dfe_contract_manager", "the DfE contract manager"
    IMPROVEMENT_BOARD = "improvement_board", "the improvement board"
    OFSTED = "ofsted", "Ofsted"
    COUNCIL_CABINET = "council_cabinet", "the council's cabinet"


class Deliverer(models.TextChoices):
    """Who delivers it: one of the case's roles. Reminders go to the people holding it on the case."""

    COUNCIL = "council", "The council"
    COMMISSIONER = "commissioner", "The commissioner"
    ADVISER = "adviser", "The adviser"
    BOARD_CHAIR = "board_chair", "The improvement board chair"
    DFE = "dfe", "The Department for Education"
    SECRETARY_OF_STATE = "secretary_of_state", "The Secretary of State"


class Cadence(models.TextChoices):
    FIXED_DATE = "fixed_date", "By a fixed date"
    EVERY_N_MONTHS = "every_n_months", "Every N months from an anchor date"
    EVERY_N_WEEKS = "every_n_weeks", "Every N weeks from an anchor date"
    ONCE_THEN_EVERY = "once_then_every", "Once after N months, then every M months"
    MONTHS_AFTER_EVENT = "months_after_event", "N months after an event"
    WORKING_DAYS_AFTER_EVENT = "working_days_after_event", "N working days after an event"


EVENT_CADENCES = (Cadence.MONTHS_AFTER_EVENT, Cadence.WORKING_DAYS_AFTER_EVENT)


class InstructionStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted as complied"
    COMPLIED = "complied", "Complied"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CouncilEmail(models.TextChoices):
    """What became of the email that tells the council of a new instruction."""

    WAITING = "waiting", "Not sent yet"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    NOT_RECORDED = "not_recorded", "Not recorded (issued before emails were recorded)"


OPEN_INSTRUCTION_STATUSES = (
    InstructionStatus.ISSUED,
    InstructionStatus.ACKNOWLEDGED,
    InstructionStatus.IN_PROGRESS,
    InstructionStatus.SUBMITTED,
)
# Once the council submits it as complied, the next move is the commissioner's: not overdue meanwhile.
OVERDUE_INSTRUCTION_STATUSES = (InstructionStatus.ISSUED, InstructionStatus.ACKNOWLEDGED, InstructionStatus.IN_PROGRESS)

# The moves an instruction may make. Complied and withdrawn are final.
INSTRUCTION_TRANSITIONS: dict[str, frozenset[str]] = {
    InstructionStatus.ISSUED: frozenset(
        {
            InstructionStatus.ACKNOWLEDGED,
            InstructionStatus.IN_PROGRESS,
            InstructionStatus.SUBMITTED,
            InstructionStatus.COMPLIED,
            InstructionStatus.WITHDRAWN,
        }
    ),
    InstructionStatus.ACKNOWLEDGED: frozenset(
        {
            InstructionStatus.IN_PROGRESS,
            InstructionStatus.SUBMITTED,
            InstructionStatus.COMPLIED,
            InstructionStatus.WITHDRAWN,
        }
    ),
    InstructionStatus.IN_PROGRESS: frozenset(
        {InstructionStatus.SUBMITTED, InstructionStatus.COMPLIED, InstructionStatus.WITHDRAWN}
    ),
    # Accepted (complied) or returned with what is still needed (in progress), or withdrawn.
    InstructionStatus.SUBMITTED: frozenset(
        {InstructionStatus.COMPLIED, InstructionStatus.IN_PROGRESS, InstructionStatus.WITHDRAWN}
    ),
    InstructionStatus.COMPLIED: frozenset(),
    InstructionStatus.WITHDRAWN: frozenset(),
}


class ResponseKind(models.TextChoices):
    """One round of the exchange between the council and the commissioner about an instruction."""

    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    PROGRESS = "progress", "Progress"
    SUBMITTED = "submitted", "Submitted as complied"
    ACCEPTED = "accepted", "Accepted as complied"
    RETURNED = "returned", "Returned: more is needed"


class InstructionPriority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class ReportKind(models.TextChoices):
    """The kinds of report the service writes (reviews.reports has a renderer for each). Here, a leaf,
    so that a reporting obligation can say which kind it requires; reviews.models re-exports it."""

    CABINET = "cabinet", "Cabinet report"
    PROGRESS = "progress", "Commissioner's progress report to the Minister"
    HIGHLIGHT = "highlight", "Six-weekly highlight report"
    MINISTERIAL_UPDATE = "ministerial_update", "Quarterly written update to the Minister"
    INSTRUMENT = "instrument", "Notice or direction"


# What an obligation may require: every kind but an instrument's own copy, which no obligation asks for.
OBLIGATION_REPORT_KINDS = [(value, label) for value, label in ReportKind.choices if value != ReportKind.INSTRUMENT]
