"""The reviews app's pages, one module a part: deadlines, progress, planning, corrections, imports, reviewing,
reports, search, the read-only API and each person's work."""

from reviews.urls import (
    api,
    corrections,
    dashboard,
    deadlines,
    exports,
    imports,
    planning,
    progress,
    reports,
    reviewing,
    search,
    work,
)

urlpatterns = [
    *deadlines.urlpatterns,
    *progress.urlpatterns,
    *planning.urlpatterns,
    *corrections.urlpatterns,
    *imports.urlpatterns,
    *reviewing.urlpatterns,
    *reports.urlpatterns,
    *api.urlpatterns,
    *search.urlpatterns,
    *work.urlpatterns,
    *dashboard.urlpatterns,
    *exports.urlpatterns,
]
