"""python manage.py generate_national_data --scale 1 [--seed 1] [--force]"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reviews.demo import national as national_data
from reviews.services import materialise_deadlines


class Command(BaseCommand):
    help = "Fill the database with a realistic national dataset (60 interventions at scale 1) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 is 60 interventions; 0.1 is 6.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data.")
        parser.add_argument("--force", action="store_true", help="Generate even where real or demo cases exist.")

    def handle(self, *args, scale: float, seed: int, force: bool, **options):
        if scale <= 0:
            raise CommandError("--scale must be more than 0")
        real = national_data.real_case_count()
        if real and not force:
            raise CommandError(national_data.REFUSED.format(count=real))
        started = time.monotonic()
        counts = national_data.generate(scale=scale, seed=seed)
        self.stdout.write(f"Generated in {time.monotonic() - started:.0f} s: {counts}")
        started = time.monotonic()
        report = materialise_deadlines()
        met = national_data.meet_past_deadlines(seed=seed)
        self.stdout.write(
            f"Deadlines: {report.created} created, {met} past ones met, in {time.monotonic() - started:.0f} s"
        )
        if connection.vendor == "postgresql":
            # Fresh statistics, so the planner knows the tables are no longer nearly empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
