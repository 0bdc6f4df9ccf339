from django.core.management.base import BaseCommand, CommandError

from cohorts import exports
from cohorts.models import Cohort


class Command(BaseCommand):
    help = "Writes a cohort's roster (selected officers, GSS code, attendance rate) as CSV on stdout."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the cohort's short name, like pilot")

    def handle(self, *args, slug: str, **options):
        cohort = Cohort.objects.filter(slug=slug).first()
        if cohort is None:
            raise CommandError(f"There is no cohort called {slug}")
        self.stdout.write(exports.roster_csv(cohort), ending="")
