"""The reviews app's services, one module per part of the work. The deadline services are
re-exported here because callers (tasks, views, commands) name them as `reviews.services.…`."""

from reviews.services.deadlines import (
    MaterialiseReport,
    apply_recorded_from,
    escalation_people,
    extra_holidays,
    mark_deadline_met,
    mark_deadlines_met,
    materialise_clause,
    materialise_deadlines,
    materialise_inspection,
    materialise_obligation,
    override_deadline_date,
    plan_notifications,
    requeue_stalled_notifications,
    responsible_people,
    send_notification,
)

__all__ = [
    "MaterialiseReport",
    "apply_recorded_from",
    "escalation_people",
    "extra_holidays",
    "mark_deadline_met",
    "mark_deadlines_met",
    "materialise_clause",
    "materialise_deadlines",
    "materialise_inspection",
    "materialise_obligation",
    "override_deadline_date",
    "plan_notifications",
    "requeue_stalled_notifications",
    "responsible_people",
    "send_notification",
]
