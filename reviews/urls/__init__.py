"""The reviews app's pages, one module a part: deadlines, progress, corrections, imports, reviewing, reports."""

from reviews.urls import corrections, deadlines, imports, progress, reports, reviewing

urlpatterns = [
    *deadlines.urlpatterns,
    *progress.urlpatterns,
    *corrections.urlpatterns,
    *imports.urlpatterns,
    *reviewing.urlpatterns,
    *reports.urlpatterns,
]
