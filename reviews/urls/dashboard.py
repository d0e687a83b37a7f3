"""DfE's dashboard: every case a person sees, filtered from the query string, and its rows to take away."""

from django.urls import path

from reviews.views import dashboard as views

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/export.<str:fmt>", views.dashboard_export, name="dashboard_export"),
]
