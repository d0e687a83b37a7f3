"""The reviews app's pages, one module a part: deadlines, progress, planning, corrections, imports, reviewing,
reports."""

from reviews.urls import corrections, dashboard, deadlines, exports, imports, planning, progress, reports, reviewing

urlpatterns = [
    *deadlines.urlpatterns,
    *progress.urlpatterns,
    *planning.urlpatterns,
    *corrections.urlpatterns,
    *imports.urlpatterns,
    *reviewing.urlpatterns,
    *reports.urlpatterns,
    *dashboard.urlpatterns,
    *exports.urlpatterns,
]
