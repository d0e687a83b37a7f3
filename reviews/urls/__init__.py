"""The reviews app's pages, one module a part: deadlines, progress, planning, corrections, imports, reviewing,
reports, each person's work."""

from reviews.urls import corrections, deadlines, imports, planning, progress, reports, reviewing, work

urlpatterns = [
    *deadlines.urlpatterns,
    *progress.urlpatterns,
    *planning.urlpatterns,
    *corrections.urlpatterns,
    *imports.urlpatterns,
    *reviewing.urlpatterns,
    *reports.urlpatterns,
    *work.urlpatterns,
]
