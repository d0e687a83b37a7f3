"""The legal instruments and what they demand: notices and directions, their numbered clauses,
the annexed terms of reference with service priorities and reporting obligations, and the
instructions commissioners issue to the council.

An issued instrument's text is locked (see TextLockedWhenIssued): a correction is a new instrument
or an explicit amendment, recorded as such. Nothing here is deleted: instruments are revoked,
instructions withdrawn.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from directions.cadence import describe_cadence, validate_cadence
from directions.enums import (
    INSTRUCTION_TRANSITIONS,
    OBLIGATION_REPORT_KINDS,
    OVERDUE_INSTRUCTION_STATUSES,
    Cadence,
    Compliance,
    CouncilEmail,
    Deliverer,
    InstructionPriority,
    InstructionStatus,
    InstrumentKind,
    InstrumentStatus,
    LegalBasis,
    Part,
    Recipient,
    ResponseKind,
)
from directions.querysets import ClauseQuerySet, InstructionQuerySet, InstrumentQuerySet
from intervention.models import Appointment, Intervention, Person, refuse_a_move
from intervention.permissions import Capability
from intervention.validators import sensible_date, single_line

# Messages the tests check.
TEXT_LOCKED = (
    "This instrument was issued on {issued_on:%-d %B %Y}, so its text cannot be changed ({fields}). "
    "Record an amendment, or issue a new instrument."
)
CANNOT_REVOKE_ITSELF = "An instrument cannot revoke itself"
CANNOT_REVOKE_OTHER_COUNCIL = "An instrument to {ours} cannot revoke one issued to {theirs}"
ALREADY_REVOKED = "The {kind} of {issued_on:%-d %B %Y} was already revoked on {revoked_on:%-d %B %Y}"
ALREADY_REVOKED_BY = (
    "The {kind} of {issued_on:%-d %B %Y} is already revoked by the {other_kind} of {other_issued_on:%-d %B %Y}"
)
ONLY_ISSUED_CAN_BE_REVOKED = "Only an issued instrument can be revoked: this one is still a draft"
REVOKES_A_LATER_ONE = "An instrument cannot revoke one issued after it (on {issued_on:%-d %B %Y})"
LEGAL_BASIS_MISMATCH = "An improvement notice is non-statutory; a statutory direction needs a section of the Act"
CLAUSE_NUMBER_CLASH = "There is already a paragraph numbered {reference} in this part of the instrument"
PARENT_IN_ANOTHER_INSTRUMENT = "A paragraph can only sit under a paragraph of the same instrument and part"
DUE_BEFORE_ISSUED = "The due date must be on or after the date it was issued ({issued_on:%-d %B %Y})"
TRANSITION_NOT_ALLOWED = "An instruction that is {current} cannot be marked {new}"
PRIORITY_OF_ANOTHER_CASE = "Choose a service priority of this intervention"
TERMS_ITEM_OF_ANOTHER_CASE = "Choose an item of this intervention's terms of reference"
CLAUSE_OF_ANOTHER_INSTRUMENT = "Choose a paragraph of this notice or direction"
COVERED_BY_ANOTHER_INSTRUMENT = "Choose a reporting obligation of this notice or direction"
ONLY_A_DATED_PARAGRAPH_IS_COVERED = "Only a paragraph with a due date can be covered by a reporting obligation"
SAY_WHO_DELIVERS = "Say who delivers it, or choose the reporting obligation that covers it"
SAY_WHO_RECEIVES = "Say who receives it, or choose the reporting obligation that covers it"


def clause_of_another_instrument(row: ServicePriority | ReportingObligation) -> dict[str, str]:
    """A priority or obligation cites a paragraph of its own instrument, not of another."""
    # `row.clause` is the object a form chose, so reading its instrument costs no query there.
    if row.clause and row.instrument_id and row.clause.instrument_id != row.instrument_id:
        return {"clause": CLAUSE_OF_ANOTHER_INSTRUMENT}
    return {}


class TextLockedWhenIssued(models.Model):
    """Refuses changes to `locked_fields` once the instrument is issued, and new rows under an
    issued instrument, unless a service sets `_amending` to record an explicit amendment."""

    locked_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Checked again here, not only in clean(), so that no code path can rewrite an issued text.
        self.check_text_unlocked()
        super().save(*args, **kwargs)

    def owning_instrument(self) -> Instrument | None:
        return getattr(self, "instrument", None)

    def locked_changes(self) -> list[str]:
        if getattr(self, "_amending", False):
            return []
        instrument = self.owning_instrument()
        if instrument is None or instrument.pk is None:
            return []
        if isinstance(self, Instrument):
            stored = type(self)._default_manager.filter(pk=self.pk).values("status", *self.locked_fields).first()
            if stored is None or stored["status"] != InstrumentStatus.ISSUED:
                return []
        else:
            if not type(instrument).objects.filter(pk=instrument.pk, status=InstrumentStatus.ISSUED).exists():
                return []
            if self.pk is None:
                return ["a new paragraph"]
            stored = type(self)._default_manager.filter(pk=self.pk).values(*self.locked_fields).first() or {}
        changed = []
        for name in self.locked_fields:
            field = self._meta.get_field(name)
            assert isinstance(field, models.Field)  # a locked field is a column of the model's own
            if stored.get(name) != getattr(self, field.attname):
                changed.append(str(field.verbose_name))
        return changed

    def check_text_unlocked(self) -> None:
        changed = self.locked_changes()
        if changed:
            instrument = self.owning_instrument()
            assert instrument is not None  # locked_changes found nothing to lock without one
            issued_on = type(instrument).objects.values_list("issued_on", flat=True).get(pk=instrument.pk)
            raise ValidationError(TEXT_LOCKED.format(issued_on=issued_on, fields=", ".join(changed)))


class Instrument(TextLockedWhenIssued):
    """An improvement notice or a statutory direction issued to a council."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="instruments")
    kind = models.CharField(max_length=30, choices=InstrumentKind.choices)
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices)
    title = models.CharField(max_length=300)
    addressed_to = models.CharField(max_length=200, help_text="As the document names the council.")
    address = models.CharField(max_length=300, blank=True)
    preamble = models.TextField(blank=True, help_text="Text before the numbered paragraphs, if any.")
    closing = models.TextField(blank=True, help_text="Text after the numbered paragraphs, before the signature.")
    issued_on = models.DateField(null=True, blank=True, validators=[sensible_date])
    signed_by_name = models.CharField("signed by", max_length=200, blank=True)
    signed_by_title = models.CharField("signatory's title", max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=InstrumentStatus.choices, default=InstrumentStatus.DRAFT)
    revokes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revoked_by",
        help_text="The earlier instrument this one revokes. It shows as revoked from this one's date.",
    )
    revoked_on = models.DateField(null=True, blank=True, editable=False, validators=[sensible_date])
    revocation_note = models.TextField(blank=True, editable=False)
    revocation_reference = models.CharField("revoking letter's reference", max_length=200, blank=True, editable=False)
    appointments = models.ManyToManyField(
        Appointment,
        blank=True,
        related_name="instruments",
        help_text=(
            "Who this instrument appoints or keeps in post (commissioner, advisers). When it revokes an earlier "
            "one, choose that one's appointments here to carry them over: the others end on this one's date."
        ),
    )
    history = HistoricalRecords(m2m_fields=[appointments])

    objects = InstrumentQuerySet.as_manager()

    locked_fields = (
        "kind",
        "legal_basis",
        "title",
        "addressed_to",
        "address",
        "preamble",
        "closing",
        "issued_on",
        "signed_by_name",
        "signed_by_title",
        "revokes",
    )

    class Meta:
        ordering = ["intervention", "issued_on", "pk"]

    def __str__(self) -> str:
        when = f"{self.issued_on:%-d %B %Y}" if self.issued_on else "draft"
        return f"{self.get_kind_display()} to {self.intervention.local_authority.name}, {when}"

    def get_absolute_url(self) -> str:
        return reverse("instrument_detail", kwargs={"case_pk": self.intervention_id, "pk": self.pk})

    def owning_instrument(self) -> Instrument:
        return self

    @property
    def case(self) -> Intervention:
        return self.intervention

    def clean(self) -> None:
        refuse_a_move(self, "intervention")
        errors: dict[str, str] = {}
        if self.kind and self.legal_basis:
            notice = self.kind == InstrumentKind.IMPROVEMENT_NOTICE
            if notice != (self.legal_basis == LegalBasis.NON_STATUTORY):
                errors["legal_basis"] = LEGAL_BASIS_MISMATCH
        if self.revokes:
            problem = self.revocation_problem(self.revokes)
            if problem:
                errors["revokes"] = problem
        if errors:
            raise ValidationError(errors)
        self.check_text_unlocked()

    def validate_unique(self, exclude: Any = None) -> None:
        # clean() explains a second revocation in the documents' words; the database still guards it.
        super().validate_unique(exclude={*(exclude or ()), "revokes"})

    def revocation_problem(self, earlier: Instrument) -> str | None:
        """Why this instrument may not revoke `earlier`, or None if it may."""
        if earlier.pk == self.pk:
            return CANNOT_REVOKE_ITSELF
        ours = self.intervention.local_authority
        theirs = earlier.intervention.local_authority
        if ours.pk != theirs.pk:
            return CANNOT_REVOKE_OTHER_COUNCIL.format(ours=ours.council_name, theirs=theirs.council_name)
        if earlier.status != InstrumentStatus.ISSUED:
            return ONLY_ISSUED_CAN_BE_REVOKED
        other = Instrument.objects.filter(revokes=earlier).exclude(pk=self.pk).first()
        if other is not None:
            return ALREADY_REVOKED_BY.format(
                kind=earlier.get_kind_display().lower(),
                issued_on=earlier.issued_on,
                other_kind=other.get_kind_display().lower(),
                other_issued_on=other.issued_on,
            )
        if earlier.revoked_on is not None and not (self.pk and self.status == InstrumentStatus.ISSUED):
            return ALREADY_REVOKED.format(
                kind=earlier.get_kind_display().lower(), issued_on=earlier.issued_on, revoked_on=earlier.revoked_on
            )
        if self.issued_on and earlier.issued_on and earlier.issued_on > self.issued_on:
            return REVOKES_A_LATER_ONE.format(issued_on=earlier.issued_on)
        return None

    def in_force_on(self, day: datetime.date) -> bool:
        return (
            self.status == InstrumentStatus.ISSUED
            and self.issued_on is not None
            and self.issued_on <= day
            and (self.revoked_on is None or self.revoked_on > day)
        )

    @property
    def is_in_force(self) -> bool:
        return self.in_force_on(timezone.localdate())

    @property
    def is_issued(self) -> bool:
        return self.status == InstrumentStatus.ISSUED

    def paragraphs(self, part: str) -> list[Clause]:
        """The top-level paragraphs of one part, each with `.subparagraphs` filled in, from one query
        (or none, when the clauses were prefetched)."""
        return build_tree([clause for clause in self.clauses.all() if clause.part == part])


def build_tree(clauses: list[Clause]) -> list[Clause]:
    by_parent: dict[int | None, list[Clause]] = {}
    for clause in clauses:
        by_parent.setdefault(clause.parent_id, []).append(clause)
    for siblings in by_parent.values():
        siblings.sort(key=lambda c: (c.position, c.pk or 0))
    for clause in clauses:
        clause.subparagraphs = by_parent.get(clause.pk, [])
    return by_parent.get(None, [])


class Clause(TextLockedWhenIssued):
    """A numbered paragraph of an instrument (a recital, a direction, a terms-of-reference step),
    nested to any depth: 7 → a → i is referred to as 7b(i)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="clauses")
    part = models.CharField(max_length=30, choices=Part.choices, default=Part.OPERATIVE)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    label = models.CharField("number", max_length=10, help_text="As printed, without brackets: 7, a, i.")
    position = models.PositiveIntegerField(default=0, help_text="Order among its siblings.")
    text = models.TextField()
    due_on = models.DateField(
        null=True,
        blank=True,
        help_text="For a deliverable with a date, e.g. 'by 31 December 2017'.",
        validators=[sensible_date],
    )
    compliance = models.CharField(max_length=20, choices=Compliance.choices, default=Compliance.NOT_DUE)
    # A dated paragraph is one deliverable: either a reporting obligation covers it (and the
    # obligation's deadline is its deadline), or it makes its own, from the council to the Secretary
    # of State unless these say otherwise. Not text: this service's reading, so not locked.
    covered_by = models.ForeignKey(
        "ReportingObligation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covers",
        help_text="The reporting obligation for the same report: its deadline is this paragraph's, with no second one.",
    )
    deliverer = models.CharField("delivered by", max_length=20, choices=Deliverer.choices, blank=True)
    recipient = models.CharField("to", max_length=30, choices=Recipient.choices, blank=True)
    history = HistoricalRecords()

    objects = ClauseQuerySet.as_manager()

    locked_fields = ("part", "parent", "label", "position", "text", "due_on")
    subparagraphs: list[Clause]  # not stored: build_tree fills it in

    class Meta:
        ordering = ["instrument", "part", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "part", "label"],
                condition=Q(parent__isnull=True),
                name="unique_top_level_clause_number",
            ),
            models.UniqueConstraint(fields=["parent", "label"], name="unique_subclause_number"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}. {self.text[:70]}"

    @property
    def case(self) -> Intervention:
        return self.instrument.intervention

    @property
    def reference(self) -> str:
        """How the documents cite it: 7, 7b, 7b(i), 7b(i)(A)."""
        chain = []
        node: Clause | None = self
        while node is not None:
            chain.append(node.label)
            node = node.parent
        chain.reverse()
        if len(chain) == 1:
            return chain[0]
        return chain[0] + chain[1] + "".join(f"({label})" for label in chain[2:])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.parent and (self.parent.instrument_id != self.instrument_id or self.parent.part != self.part):
            errors["parent"] = PARENT_IN_ANOTHER_INSTRUMENT
        if self.instrument_id and self.label:
            clash = Clause.objects.filter(instrument_id=self.instrument_id, part=self.part, label=self.label)
            clash = clash.filter(parent_id=self.parent_id) if self.parent_id else clash.filter(parent__isnull=True)
            if clash.exclude(pk=self.pk).exists():
                self_reference = (self.parent.reference if self.parent else "") + (
                    f"({self.label})" if self.parent and self.parent.parent_id else self.label
                )
                errors["label"] = CLAUSE_NUMBER_CLASH.format(reference=self_reference)
        if self.due_on and self.instrument_id and self.instrument.issued_on and self.due_on < self.instrument.issued_on:
            errors["due_on"] = DUE_BEFORE_ISSUED.format(issued_on=self.instrument.issued_on)
        errors |= self.deliverable_problems()
        if errors:
            raise ValidationError(errors)
        self.check_text_unlocked()

    def deliverable_problems(self) -> dict[str, str]:
        """A dated paragraph names the obligation that covers it, or who delivers it and who receives
        it (asked when it is dated, in a draft; an issued one made before this was asked is read as
        the council to the Secretary of State)."""
        errors: dict[str, str] = {}
        if self.covered_by is not None:
            if not self.due_on:
                errors["covered_by"] = ONLY_A_DATED_PARAGRAPH_IS_COVERED
            elif self.covered_by.instrument_id != self.instrument_id:
                errors["covered_by"] = COVERED_BY_ANOTHER_INSTRUMENT
        elif self.due_on and self.instrument_id and not self.instrument.is_issued:
            if not self.deliverer:
                errors["deliverer"] = SAY_WHO_DELIVERS
            if not self.recipient:
                errors["recipient"] = SAY_WHO_RECEIVES
        return errors

    def validate_constraints(self, exclude: Any = None) -> None:
        # clean() says what clashes in the documents' words; the constraints stay as the database's guard.
        pass


class TermsOfReference(TextLockedWhenIssued):
    """The annex to a direction that sets out what the commissioner or adviser is to do.
    Its numbered steps are the instrument's clauses in the terms-of-reference part."""

    instrument = models.OneToOneField(Instrument, on_delete=models.PROTECT, related_name="terms_of_reference")
    heading = models.CharField(max_length=300, help_text="e.g. Non-Executive Commissioner for Children's Services")
    introduction = models.TextField(blank=True)
    history = HistoricalRecords()

    locked_fields = ("heading", "introduction")

    class Meta:
        verbose_name_plural = "terms of reference"

    def __str__(self) -> str:
        return f"Terms of reference: {self.heading}"

    @property
    def case(self) -> Intervention:
        return self.instrument.intervention

    def clean(self) -> None:
        self.check_text_unlocked()


class ServicePriority(TextLockedWhenIssued):
    """Something the terms of reference say must improve, evidenced by indicators."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="service_priorities")
    clause = models.ForeignKey(
        Clause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_priorities",
        help_text="The terms-of-reference item that lists it.",
    )
    label = models.CharField("number", max_length=10)
    position = models.PositiveIntegerField(default=0)
    title = models.TextField(help_text="In the document's words.")
    short_name = models.CharField(max_length=100, help_text="For tables and charts.")
    history = HistoricalRecords()

    locked_fields = ("label", "title")

    class Meta:
        ordering = ["instrument", "position", "pk"]
        verbose_name_plural = "service priorities"
        constraints = [models.UniqueConstraint(fields=["instrument", "label"], name="unique_service_priority_number")]

    def __str__(self) -> str:
        return f"{self.label}. {self.short_name}"

    @property
    def case(self) -> Intervention:
        return self.instrument.intervention

    def clean(self) -> None:
        self.check_text_unlocked()
        errors = clause_of_another_instrument(self)
        if errors:
            raise ValidationError(errors)


class ReportingObligation(models.Model):
    """A report or review the instrument requires, with its cadence as structured data.

    Not text-locked: the cadence is this service's reading of the text, which a person may correct,
    and an event date (e.g. a report's publication) is recorded after the instrument is issued.
    History keeps every change."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="reporting_obligations")
    clause = models.ForeignKey(
        Clause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reporting_obligations",
        help_text="The paragraph that sets it.",
    )
    what = models.CharField(max_length=300, help_text="What is due, e.g. 'Six-weekly highlight report'.")
    deliverer = models.CharField("delivered by", max_length=20, choices=Deliverer.choices)
    recipient = models.CharField("to", max_length=30, choices=Recipient.choices)
    report_kind = models.CharField(
        "report it requires",
        max_length=30,
        choices=OBLIGATION_REPORT_KINDS,
        blank=True,
        help_text="The kind of report this service writes for it, if any: its deliverer signs that report off.",
    )
    cadence = models.CharField(max_length=30, choices=Cadence.choices)
    due_on = models.DateField(null=True, blank=True, help_text="For a fixed date.", validators=[sensible_date])
    anchor_on = models.DateField(
        null=True, blank=True, help_text="The date the cadence counts from.", validators=[sensible_date]
    )
    anchor_is_due = models.BooleanField(
        "the first is due on that date",
        default=False,
        help_text="For every N months or weeks: the date it counts from is itself a due date "
        "('the first by 31 December, then quarterly').",
    )
    interval = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Every N months or weeks; M for 'then every M months'; N for 'N months after'."
    )
    first_after = models.PositiveSmallIntegerField(null=True, blank=True, help_text="N for 'once after N months'.")
    event = models.CharField(
        max_length=200, blank=True, help_text="For 'N months after an event': the event, in words."
    )
    event_on = models.DateField(
        null=True, blank=True, help_text="When the event happened, once it has.", validators=[sensible_date]
    )
    ends_on = models.DateField(
        null=True, blank=True, help_text="No deadlines after this date.", validators=[sensible_date]
    )
    history = HistoricalRecords()

    change_capability = Capability.MANAGE_CASE

    class Meta:
        ordering = ["instrument", "pk"]

    def __str__(self) -> str:
        return f"{self.what}: {self.describe()}"

    @property
    def case(self) -> Intervention:
        return self.instrument.intervention

    def clean(self) -> None:
        errors = validate_cadence(self) | clause_of_another_instrument(self)
        if errors:
            raise ValidationError(errors)

    def describe(self) -> str:
        """The cadence as a plain English sentence, to check against the document."""
        return describe_cadence(self)

    @property
    def sentence(self) -> str:
        return f"{self.what}, to {self.get_recipient_display()}, {self.describe()}"


class Amendment(models.Model):
    """An explicit, recorded change to an issued instrument's text."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="amendments")
    made_on = models.DateField(validators=[sensible_date])
    reason = models.TextField()
    changes = models.TextField(help_text="What changed, old → new.")
    made_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="instrument_amendments"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument", "made_on", "pk"]

    def __str__(self) -> str:
        return f"Amendment of {self.made_on:%-d %B %Y}: {self.reason[:60]}"

    @property
    def case(self) -> Intervention:
        return self.instrument.intervention


class Instruction(models.Model):
    """An instruction a commissioner or adviser issues to the council, which must comply and evidence it."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="instructions")
    number = models.PositiveIntegerField(editable=False, help_text="Numbered per intervention, in order of issue.")
    issued_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="instructions_issued")
    title = models.CharField(max_length=200, validators=[single_line], help_text="One line: it is the email's subject.")
    text = models.TextField()
    issued_on = models.DateField(validators=[sensible_date])
    due_on = models.DateField(validators=[sensible_date])
    service_priority = models.ForeignKey(
        ServicePriority, on_delete=models.PROTECT, null=True, blank=True, related_name="instructions"
    )
    terms_item = models.ForeignKey(
        Clause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructions",
        limit_choices_to={"part": Part.TERMS_OF_REFERENCE},
        verbose_name="terms of reference item",
    )
    priority = models.CharField(max_length=10, choices=InstructionPriority.choices, default=InstructionPriority.MEDIUM)
    status = models.CharField(max_length=20, choices=InstructionStatus.choices, default=InstructionStatus.ISSUED)
    status_note = models.TextField(blank=True, help_text="Why it was withdrawn, or what the latest change means.")
    # What became of the email that tells the council: set by the email task, never in a form. A
    # failure is kept here, with its reason, for DfE to see in the admin screens, not only in a log.
    council_email = models.CharField(
        max_length=20, choices=CouncilEmail.choices, default=CouncilEmail.WAITING, editable=False
    )
    emailed_at = models.DateTimeField("council emailed at", null=True, blank=True, editable=False)
    email_failed_reason = models.TextField("why the council's email failed", blank=True, editable=False)
    history = HistoricalRecords()

    objects = InstructionQuerySet.as_manager()

    change_capability = Capability.ISSUE_INSTRUCTIONS

    class Meta:
        ordering = ["intervention", "-issued_on", "-number"]
        constraints = [models.UniqueConstraint(fields=["intervention", "number"], name="unique_instruction_number")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def case(self) -> Intervention:
        return self.intervention

    @property
    def reference(self) -> str:
        return f"Instruction {self.number}" if self.number else "New instruction"

    def is_overdue_on(self, day: datetime.date) -> bool:
        return self.status in OVERDUE_INSTRUCTION_STATUSES and self.due_on < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    def clean(self) -> None:
        refuse_a_move(self, "intervention")
        errors: dict[str, str] = {}
        if self.issued_on and self.due_on and self.due_on < self.issued_on:
            errors["due_on"] = DUE_BEFORE_ISSUED.format(issued_on=self.issued_on)
        if self.service_priority and self.service_priority.instrument.intervention_id != self.intervention_id:
            errors["service_priority"] = PRIORITY_OF_ANOTHER_CASE
        if self.terms_item and (
            self.terms_item.instrument.intervention_id != self.intervention_id
            or self.terms_item.part != Part.TERMS_OF_REFERENCE
        ):
            errors["terms_item"] = TERMS_ITEM_OF_ANOTHER_CASE
        if self.pk:
            current = Instruction.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if current and current != self.status and self.status not in INSTRUCTION_TRANSITIONS[current]:
                errors["status"] = TRANSITION_NOT_ALLOWED.format(
                    current=InstructionStatus(current).label.lower(), new=InstructionStatus(self.status).label.lower()
                )
        if errors:
            raise ValidationError(errors)


class InstructionResponse(models.Model):
    """One round of the exchange about an instruction: the council acknowledges it, reports progress,
    submits it as complied; the commissioner accepts it or returns it with what is still needed.
    Every round is kept."""

    instruction = models.ForeignKey(Instruction, on_delete=models.PROTECT, related_name="responses")
    kind = models.CharField(max_length=20, choices=ResponseKind.choices)
    text = models.TextField()
    by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="instruction_responses")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    change_capability = Capability.LOG_PROGRESS

    class Meta:
        ordering = ["instruction", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def case(self) -> Intervention:
        return self.instruction.intervention
