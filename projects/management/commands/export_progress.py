from django.core.management.base import BaseCommand, CommandError

from cohorts.models import Cohort
from common.csvfile import csv_text
from projects import selectors
from projects.export import PROGRESS_HEADER, progress_rows


class Command(BaseCommand):
    help = "Prints a cohort's project progress as CSV on stdout: one row per project."

    def add_arguments(self, parser):
        parser.add_argument("cohort_slug")

    def handle(self, *args, cohort_slug: str, **options):
        cohort = Cohort.objects.filter(slug=cohort_slug).first()
        if cohort is None:
            raise CommandError(f"There is no cohort with the slug “{cohort_slug}”.")
        rows = progress_rows(selectors.cohort_projects(cohort=cohort))
        self.stdout.write(csv_text(PROGRESS_HEADER, rows), ending="")
