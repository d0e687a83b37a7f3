from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Deadlines and reviews"

    def ready(self) -> None:
        from reviews import signals  # noqa: F401 - connects the receivers that re-materialise deadlines
