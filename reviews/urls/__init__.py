"""The reviews app's pages, one module a part: deadlines, progress, reviewing, reports."""

from reviews.urls import deadlines, progress, reports, reviewing

urlpatterns = [*deadlines.urlpatterns, *progress.urlpatterns, *reviewing.urlpatterns, *reports.urlpatterns]
