import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from home import scale


class Command(BaseCommand):
    help = (
        "Adds a programme's whole history on top of the demo data (100 cohorts, 750 projects, 20,000 logs, "
        "10,000 bookings, 20,000 sent emails per factor), for benchmarks. Run seed_demo first. Never in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, default=1, help="Multiply every volume (10 for ten times larger).")

    def handle(self, *args, factor: int, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_scale refuses to run under production configuration.")
        if factor < 1:
            raise CommandError("--factor must be 1 or more.")
        if scale.already_seeded():
            raise CommandError("The scale data is already there (cohorts named scale-…): start from a fresh database.")
        started = time.perf_counter()
        with transaction.atomic():
            counts = scale.seed(factor=factor)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data is ready in {seconds:.1f} s: {counts.cohorts} cohorts, {counts.officers} officers, "
                f"{counts.projects} projects, {counts.logs} progress logs, {counts.bookings} bookings, "
                f"{counts.attendance} attendance marks, {counts.graduations} graduations, "
                f"{counts.messages} sent emails, {counts.applications} applications."
            )
        )
