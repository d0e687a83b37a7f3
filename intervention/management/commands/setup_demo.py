"""Loads the demo scenario and prints the demo users' sign-in details. Safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from intervention import demo

REFUSED = "The demo data is for development: set DEBUG=1, or pass --force if you really mean to load it here."


class Command(BaseCommand):
    help = "Load the Herefordshire and Worcestershire demo cases and the demo users."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off.")

    def handle(self, *args, force: bool = False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(REFUSED)
        with transaction.atomic():
            users = demo.load_demo_users()
            administrator = demo.demo_administrator()
            demo.load_demo_cases(by=administrator)
            from directions.demo import load_demo_instruments

            load_demo_instruments(by=administrator)
            from reviews.demo.progress import load_demo_progress
            from reviews.services import materialise_deadlines

            load_demo_progress(by=administrator)

            materialise_deadlines()
            from reviews.demo.reviews import load_demo_reviews

            load_demo_reviews(by=administrator)
        created = sum(1 for _, was_created in users if was_created)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new demo users)."))
        self.stdout.write("")
        self.stdout.write(
            "Sign in at http://127.0.0.1:8000/ with any of these (password for all: " + demo.DEMO_PASSWORD + "):"
        )
        for user, _ in users:
            self.stdout.write(f"  {user.email:40} {user.name}, {user.job_title}")
