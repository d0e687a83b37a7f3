"""The reviews app's pages, one module a part: deadlines, progress, planning, reviewing, reports."""

from reviews.urls import deadlines, planning, progress, reports, reviewing

urlpatterns = [
    *deadlines.urlpatterns,
    *progress.urlpatterns,
    *planning.urlpatterns,
    *reviewing.urlpatterns,
    *reports.urlpatterns,
]
