from django.urls import path

from reviews import progress_views, views

urlpatterns = [
    path("interventions/<int:pk>/deadlines/", views.case_deadlines, name="case_deadlines"),
    path("deadlines/", views.overview, name="deadlines_overview"),
    path("deadlines/<int:pk>/met/", views.mark_met, name="deadline_met"),
    path("deadlines/<int:pk>/date/", views.override, name="deadline_override"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/rotate/", views.rotate_calendar, name="rotate_calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "interventions/<int:pk>/priorities/<int:priority_pk>/", progress_views.priority_detail, name="priority_detail"
    ),
    path("interventions/<int:pk>/progress/new/", progress_views.log_progress, name="log_progress"),
    path("interventions/<int:pk>/progress/<int:update_pk>/", progress_views.update_detail, name="update_detail"),
    path("interventions/<int:pk>/instructions/", progress_views.instruction_list, name="instruction_list"),
    path(
        "interventions/<int:pk>/instructions/<int:instruction_pk>/",
        progress_views.instruction_detail,
        name="instruction_detail",
    ),
    path(
        "interventions/<int:pk>/instructions/<int:instruction_pk>/<str:kind>/",
        progress_views.respond,
        name="instruction_respond",
    ),
    path("interventions/<int:pk>/plan/", progress_views.plan, name="plan"),
    path("interventions/<int:pk>/plan/actions/<int:action_pk>/", progress_views.plan_action, name="plan_action"),
    path(
        "interventions/<int:pk>/indicators/<int:indicator_pk>/",
        progress_views.indicator_detail,
        name="indicator_detail",
    ),
    path("evidence/<int:evidence_pk>/", progress_views.evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_pk>/new-version/", progress_views.evidence_replace, name="evidence_replace"),
]
