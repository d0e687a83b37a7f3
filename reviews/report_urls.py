"""URLs of reviews and reports (filled in by the reviews-and-reports work)."""

urlpatterns: list = []
