"""Choices for deadlines and notifications. A leaf module."""

from django.db import models


class DeadlineStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    CANCELLED = "cancelled", "Cancelled"
    # Due before the date a case was recorded from (a case entered after the fact): whether it was
    # met is not known, so it is neither open nor overdue, sends no reminder and counts nowhere.
    HISTORICAL = "historical", "Before the record"


class OfstedRequirement(models.TextChoices):
    """The council's statutory deadlines after an inspection report (Inspection of Local
    Authorities Regulations 2007), in working days from receiving the report."""

    PUBLISH_REPORT = "publish_report", "Publish the Ofsted inspection report"
    ACTION_PLAN = "action_plan", "Send Ofsted the written statement of action (action plan)"


OFSTED_WORKING_DAYS = {OfstedRequirement.PUBLISH_REPORT: 30, OfstedRequirement.ACTION_PLAN: 70}


class CabinetRequirement(models.TextChoices):
    """What a cabinet report's meeting date requires before it (reviews.services.deadlines)."""

    PUBLISH = "publish", "Publish the report"
    KEY_DECISION_NOTICE = "key_decision", "Give notice of the key decision"


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    OVERDUE = "overdue", "Overdue notice"
    # To the DfE case lead (or DfE's mailbox): a reminder or notice that nobody who delivers it could be sent.
    UNADDRESSED = "unaddressed", "Nobody to send to"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


RAG_TAG_CLASSES = {Rag.RED: "govuk-tag--red", Rag.AMBER: "govuk-tag--orange", Rag.GREEN: "govuk-tag--green"}


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    BLOCKED = "blocked", "Blocked"


class Unit(models.TextChoices):
    PERCENT = "percent", "Percentage"
    COUNT = "count", "Number"
    DAYS = "days", "Days"
    AVERAGE = "average", "Average"


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for agreement"
    AGREED = "agreed", "Agreed"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUALLY = "annually", "Annually"


class MoveStatus(models.TextChoices):
    """A plan action's due-date move: in effect at once, or waiting for the commissioner's word."""

    MADE = "made", "Moved"
    PENDING = "pending", "Waiting for agreement"
    AGREED = "agreed", "Agreed"
    REFUSED = "refused", "Refused"
