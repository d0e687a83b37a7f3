"""Progress: priorities, updates, instructions and the council's answers, the plan, indicators, evidence."""

from django.urls import path

from reviews.views import progress as views

urlpatterns = [
    path("interventions/<int:pk>/priorities/<int:priority_pk>/", views.priority_detail, name="priority_detail"),
    path("interventions/<int:pk>/progress/new/", views.log_progress, name="log_progress"),
    path("interventions/<int:pk>/progress/<int:update_pk>/", views.update_detail, name="update_detail"),
    path("interventions/<int:pk>/instructions/", views.instruction_list, name="instruction_list"),
    path(
        "interventions/<int:pk>/instructions/<int:instruction_pk>/",
        views.instruction_detail,
        name="instruction_detail",
    ),
    path(
        "interventions/<int:pk>/instructions/<int:instruction_pk>/email-again/",
        views.send_email_again,
        name="instruction_email_again",
    ),
    path(
        "interventions/<int:pk>/instructions/<int:instruction_pk>/<str:kind>/",
        views.respond,
        name="instruction_respond",
    ),
    path("interventions/<int:pk>/plan/", views.plan, name="plan"),
    path("interventions/<int:pk>/plan/actions/<int:action_pk>/", views.plan_action, name="plan_action"),
    path(
        "interventions/<int:pk>/indicators/<int:indicator_pk>/",
        views.indicator_detail,
        name="indicator_detail",
    ),
    path("evidence/<int:evidence_pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_pk>/new-version/", views.evidence_replace, name="evidence_replace"),
]
