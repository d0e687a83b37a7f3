from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class InterventionConfig(AppConfig):
    name = "intervention"
    verbose_name = "Interventions"

    def ready(self) -> None:
        from intervention import checks, signals  # noqa: F401 - registers the deploy checks, connects the sign-in receivers


class CaseworkAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with this service's site: entered by current access, not `is_staff`."""

    default = False  # named in INSTALLED_APPS; InterventionConfig stays this module's default
    default_site = "intervention.admin_site.CaseworkAdminSite"
