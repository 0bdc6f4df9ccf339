from django.core.management.base import BaseCommand

from trainers import exports


class Command(BaseCommand):
    help = (
        "Writes the bootcamp's impact as CSV on stdout: one row per London authority (all 34, zero rows "
        "included; partner organisations are left out), in GSS code order."
    )

    def handle(self, *args, **options):
        self.stdout.write(exports.impact_csv(), ending="")
