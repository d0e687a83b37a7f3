"""Tables to take away as CSV or XLSX: a case's deadlines, instructions and indicator values, and the
national deadlines list."""

from django.urls import path

from reviews.views import exports as views

urlpatterns = [
    path(
        "interventions/<int:pk>/deadlines/export.<str:fmt>", views.case_deadlines_export, name="case_deadlines_export"
    ),
    path(
        "interventions/<int:pk>/instructions/export.<str:fmt>",
        views.case_instructions_export,
        name="case_instructions_export",
    ),
    path(
        "interventions/<int:pk>/indicators/export.<str:fmt>",
        views.case_indicators_export,
        name="case_indicators_export",
    ),
    path("deadlines/export.<str:fmt>", views.deadlines_export, name="deadlines_export"),
    # Tables too big to build while a person waits: asked for here, built by the worker.
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/<int:pk>/file/", views.download_file, name="download_file"),
]
