"""The project's URLs plus the bench's baseline page. Mounted only under bench.settings, so the
baseline has no address in production."""

from django.urls import path

from bench import views
from intervention.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/baseline/", views.baseline, name="bench_baseline"), *project_urlpatterns]
