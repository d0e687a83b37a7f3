"""Corrections: an indicator value, a progress update or an evidence file corrected or withdrawn with a reason."""

from django.urls import path

from reviews.views import corrections as views

urlpatterns = [
    path(
        "interventions/<int:pk>/values/<int:measurement_pk>/correct/",
        views.measurement_correct,
        name="measurement_correct",
    ),
    path(
        "interventions/<int:pk>/values/<int:measurement_pk>/withdraw/",
        views.measurement_withdraw,
        name="measurement_withdraw",
    ),
    path("interventions/<int:pk>/progress/<int:update_pk>/correct/", views.update_correct, name="update_correct"),
    path("interventions/<int:pk>/progress/<int:update_pk>/withdraw/", views.update_withdraw, name="update_withdraw"),
    path("evidence/<int:evidence_pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
]
