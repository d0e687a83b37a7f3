"""Spreadsheet imports: indicator values or a plan's actions, uploaded, previewed, then confirmed."""

from django.urls import path

from reviews.views import imports as views

urlpatterns = [
    path("interventions/<int:pk>/imports/values/", views.import_values, name="import_values"),
    path("interventions/<int:pk>/imports/actions/<int:plan_pk>/", views.import_actions, name="import_actions"),
    path("interventions/<int:pk>/imports/<int:batch_pk>/", views.import_preview, name="import_preview"),
    path(
        "interventions/<int:pk>/imports/template/<str:kind>.<str:extension>",
        views.import_template,
        name="import_template",
    ),
]
