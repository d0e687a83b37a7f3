"""Reviews: a case's reviews, holding one step by step, and its publication."""

from django.urls import path

from reviews.views import reviewing as views

urlpatterns = [
    path("interventions/<int:case_pk>/reviews/", views.case_reviews, name="case_reviews"),
    path("interventions/<int:case_pk>/reviews/new/", views.review_start, name="review_start"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/details/", views.review_details, name="review_details"),
    path("reviews/<int:pk>/priorities/<int:assessment_pk>/", views.review_assess, name="review_assess"),
    path("reviews/<int:pk>/developments/", views.review_developments, name="review_developments"),
    path("reviews/<int:pk>/conclusion/", views.review_conclusion, name="review_conclusion"),
    path("reviews/<int:pk>/held/", views.review_hold, name="review_hold"),
    path("reviews/<int:pk>/publication/", views.review_publication, name="review_publication"),
]
