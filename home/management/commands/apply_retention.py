from django.core.management.base import BaseCommand

from home.retention import retention_apply


class Command(BaseCommand):
    help = "Applies the retention schedule: deletes or blanks what is past its keeping period."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would go, per rule, and change nothing")

    def handle(self, *args, dry_run: bool, **options):
        results = retention_apply(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for result in results:
            self.stdout.write(f"{result.rule.name} (kept {result.rule.keeps}): {verb} {result.count}")
        total = sum(result.count for result in results)
        self.stdout.write(self.style.SUCCESS(f"{'Dry run: ' if dry_run else ''}{total} in all."))
