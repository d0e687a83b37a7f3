from django.apps import AppConfig


class InterventionConfig(AppConfig):
    name = "intervention"
    verbose_name = "Interventions"

    def ready(self) -> None:
        from intervention import signals  # noqa: F401 - connects the sign-in receivers
