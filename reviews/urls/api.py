"""The read-only API under /api/v1/ (issue 16), its OpenAPI schema at a stable address and a page
that reads the schema out for people."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from reviews.views import api

router = SimpleRouter()
router.register("local-authorities", api.LocalAuthorities, basename="api-local-authority")
router.register("interventions", api.Interventions, basename="api-intervention")
router.register("instruments", api.Instruments, basename="api-instrument")
router.register("obligations", api.Obligations, basename="api-obligation")
router.register("deadlines", api.Deadlines, basename="api-deadline")
router.register("instructions", api.Instructions, basename="api-instruction")
router.register("indicators", api.Indicators, basename="api-indicator")
router.register("reviews", api.Reviews, basename="api-review")
router.register("reports", api.Reports, basename="api-report")

# The schema describes the API, not anyone's data: it is public, so clients can be generated from it.
schema = SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[])

urlpatterns = [
    path("api/v1/schema/", schema, name="api_schema"),
    path("api/v1/", api.api_docs, name="api_docs"),
    path("api/v1/", include(router.urls)),
]
