"""Unlink an account from its identity at a single sign-on provider (intervention.sso.unlink_identity)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from intervention import sso
from intervention.models import ExternalIdentity


class Command(BaseCommand):
    help = "Unlink an account from a single sign-on provider's identity, so the next sign-in links afresh by email."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The account's email address.")
        parser.add_argument("provider", help="The provider's name in OIDC_PROVIDERS.")
        parser.add_argument("--by", required=True, help="The email address of the administrator doing it.")

    def handle(self, *args, email: str, provider: str, by: str, **options):
        users = get_user_model().objects
        administrator = users.filter(username__iexact=by, is_superuser=True).first()
        if administrator is None:
            raise CommandError(f"{by} is not an administrator's account")
        identity = ExternalIdentity.objects.filter(user__username__iexact=email, provider=provider).first()
        if identity is None:
            raise CommandError(f"{email} is not linked to {provider}")
        sso.unlink_identity(identity=identity, by=administrator)
        self.stdout.write(self.style.SUCCESS(f"{email} is no longer linked to {provider}."))
