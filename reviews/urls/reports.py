"""Reports: the national and case lists, preparing one, its versions, sign-off and download."""

from django.urls import path

from reviews.views import reports as views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("interventions/<int:case_pk>/reports/", views.case_reports, name="case_reports"),
    path("interventions/<int:case_pk>/reports/new/", views.report_new, name="report_new"),
    path("interventions/<int:case_pk>/reports/new/<str:kind>/", views.report_new_details, name="report_new_details"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:pk>/classification/", views.report_classification, name="report_classification"),
    path("reports/<int:pk>/council-words/", views.cabinet_paper, name="cabinet_paper"),
    path("reports/<int:pk>/summary/", views.report_commentary, name="report_commentary"),
    path("reports/<int:pk>/commissioners-words/", views.ministerial_words, name="ministerial_words"),
    path("reports/<int:pk>/versions/<int:number>/", views.report_version_html, name="report_version_html"),
    path(
        "reports/<int:pk>/versions/<int:number>/download/",
        views.report_version_download,
        name="report_version_download",
    ),
    path("reports/<int:pk>/versions/<int:number>/status/", views.report_version_status, name="report_version_status"),
    path("reports/<int:pk>/versions/<int:number>/retry/", views.report_version_retry, name="report_version_retry"),
    path("reports/<int:pk>/versions/<int:number>/sign-off/", views.report_sign_off, name="report_sign_off"),
]
