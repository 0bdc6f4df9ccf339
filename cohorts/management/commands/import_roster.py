from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cohorts import services
from cohorts.models import Cohort


class Command(BaseCommand):
    help = "Selects every officer in a roster CSV for a cohort: all rows or none. Exit 1 lists the bad rows."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the cohort's short name, like pilot")
        parser.add_argument("file", help="CSV with columns email, full_name, organisation, job_title, stream")
        parser.add_argument("--dry-run", action="store_true", help="check the file and save nothing")

    def handle(self, *args, slug: str, file: str, dry_run: bool, **options):
        cohort = Cohort.objects.filter(slug=slug).first()
        if cohort is None:
            raise CommandError(f"There is no cohort called {slug}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {file}")
        try:
            result = services.roster_import(cohort=cohort, content=path.read_bytes(), actor=None, dry_run=dry_run)
        except UnicodeDecodeError as exc:
            raise CommandError("The file must be a CSV saved as UTF-8") from exc
        if not result.is_valid:
            for line in result.errors:
                self.stderr.write(line)
            raise CommandError(f"Nothing was imported: {len(result.errors)} problem(s)", returncode=1)
        verb = "would add or select" if dry_run else "added or selected"
        unchanged = len(result.rows) - result.changes
        self.stdout.write(f"{cohort.slug}: {verb} {result.changes} officer(s); {unchanged} already on the roster")
