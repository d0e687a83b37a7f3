"""Setting up a case's work: the improvement plan, its objectives and actions, agreeing it, moved due
dates, and indicators."""

from django.urls import path

from reviews.views import planning as views

urlpatterns = [
    path("interventions/<int:pk>/plans/new/", views.plan_new, name="plan_new"),
    path("interventions/<int:pk>/plans/<int:plan_pk>/", views.plan_detail, name="plan_detail"),
    path("interventions/<int:pk>/plans/<int:plan_pk>/rename/", views.plan_edit, name="plan_edit"),
    path("interventions/<int:pk>/plans/<int:plan_pk>/submit/", views.plan_submit, name="plan_submit"),
    path("interventions/<int:pk>/plans/<int:plan_pk>/agree/", views.plan_agree, name="plan_agree"),
    path("interventions/<int:pk>/plans/<int:plan_pk>/send-back/", views.plan_send_back, name="plan_send_back"),
    path("interventions/<int:pk>/plans/<int:plan_pk>/objectives/new/", views.objective_new, name="objective_new"),
    path(
        "interventions/<int:pk>/plans/<int:plan_pk>/objectives/<int:objective_pk>/",
        views.objective_edit,
        name="objective_edit",
    ),
    path(
        "interventions/<int:pk>/plans/<int:plan_pk>/objectives/<int:objective_pk>/actions/new/",
        views.action_new,
        name="action_new",
    ),
    path(
        "interventions/<int:pk>/plan/actions/<int:action_pk>/description/",
        views.action_description,
        name="action_description",
    ),
    path("interventions/<int:pk>/due-date-moves/<int:move_pk>/", views.move_decide, name="move_decide"),
    path("interventions/<int:pk>/indicators/new/", views.indicator_new, name="indicator_new"),
    path("interventions/<int:pk>/indicators/<int:indicator_pk>/change/", views.indicator_edit, name="indicator_edit"),
]
