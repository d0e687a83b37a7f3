from django.urls import path

from directions import views

urlpatterns = [
    path("interventions/<int:case_pk>/instruments/<int:pk>/", views.instrument_detail, name="instrument_detail"),
]
