"""URLs of reviews and reports."""

from django.urls import path

from reviews import report_views as views

urlpatterns = [
    # Reviews
    path("interventions/<int:case_pk>/reviews/", views.case_reviews, name="case_reviews"),
    path("interventions/<int:case_pk>/reviews/new/", views.review_start, name="review_start"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/details/", views.review_details, name="review_details"),
    path("reviews/<int:pk>/priorities/<int:assessment_pk>/", views.review_assess, name="review_assess"),
    path("reviews/<int:pk>/developments/", views.review_developments, name="review_developments"),
    path("reviews/<int:pk>/conclusion/", views.review_conclusion, name="review_conclusion"),
    path("reviews/<int:pk>/held/", views.review_hold, name="review_hold"),
    path("reviews/<int:pk>/publication/", views.review_publication, name="review_publication"),
    # Reports
    path("reports/", views.report_list, name="report_list"),
    path("interventions/<int:case_pk>/reports/", views.case_reports, name="case_reports"),
    path("interventions/<int:case_pk>/reports/new/", views.report_new, name="report_new"),
    path("interventions/<int:case_pk>/reports/new/<str:kind>/", views.report_new_details, name="report_new_details"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:pk>/council-words/", views.cabinet_paper, name="cabinet_paper"),
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
