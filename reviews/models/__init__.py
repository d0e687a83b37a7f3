"""The reviews app's models, one module per part of the work: deadlines, progress, evidence,
indicators, reviews and reports."""

from reviews.models.deadlines import CalendarFeed, Deadline, Notification
from reviews.models.evidence import EvidenceFile
from reviews.models.progress import (
    ImprovementPlan,
    Indicator,
    Measurement,
    PlanAction,
    PlanObjective,
    ProgressUpdate,
)

__all__ = [
    "CalendarFeed",
    "Deadline",
    "EvidenceFile",
    "ImprovementPlan",
    "Indicator",
    "Measurement",
    "Notification",
    "PlanAction",
    "PlanObjective",
    "ProgressUpdate",
]

# Reviews and reports.
from reviews.models.imports import ImportBatch, ImportKind, ImportStatus
from reviews.models.reports import (
    CabinetPaper,
    Classification,
    Report,
    ReportKind,
    ReportVersion,
    VersionStatus,
)
from reviews.models.reviewing import Assessment, Recommendation, Review, ReviewKind, ReviewStatus

__all__ += [
    "Assessment",
    "CabinetPaper",
    "Classification",
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "Recommendation",
    "Report",
    "ReportKind",
    "ReportVersion",
    "Review",
    "ReviewKind",
    "ReviewStatus",
    "VersionStatus",
]
