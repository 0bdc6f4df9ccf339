from datetime import date

from django.core.management.base import BaseCommand, CommandError

from trainers import exports
from trainers.impact import Period


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a real date: give it as YYYY-MM-DD, like 2026-04-01") from None


class Command(BaseCommand):
    help = (
        "Writes the bootcamp's impact as CSV on stdout: one row per London authority (all 34, zero rows "
        "included; partner organisations are left out), in GSS code order. Only verified cascade sessions "
        "count; sessions waiting for verification have their own columns. --from and --to (YYYY-MM-DD, "
        "inclusive, either may be left out) limit it to a period, as the impact pages' dates do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="starts_on", type=str, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="ends_on", type=str, help="last day, YYYY-MM-DD")

    def handle(self, *args, starts_on=None, ends_on=None, **options):
        period = Period(starts_on and _day(starts_on), ends_on and _day(ends_on))
        if period.starts_on and period.ends_on and period.ends_on < period.starts_on:
            raise CommandError("--to must be the same as or after --from")
        self.stdout.write(exports.impact_csv(period), ending="")
