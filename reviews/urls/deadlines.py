"""Deadlines: a case's, everyone's, marking one met or moving it, and the calendar feed."""

from django.urls import path

from reviews.views import deadlines as views

urlpatterns = [
    path("interventions/<int:pk>/deadlines/", views.case_deadlines, name="case_deadlines"),
    path("interventions/<int:pk>/deadlines/met/", views.case_deadlines_met, name="case_deadlines_met"),
    path("deadlines/", views.overview, name="deadlines_overview"),
    path("authorities/<str:dfe_code>/", views.authority_detail, name="authority_detail"),
    path("deadlines/<int:pk>/met/", views.mark_met, name="deadline_met"),
    path("deadlines/<int:pk>/date/", views.override, name="deadline_override"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/rotate/", views.rotate_calendar, name="rotate_calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
