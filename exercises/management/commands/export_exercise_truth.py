from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.csvfile import csv_text
from exercises.models import Exercise, TruePair


class Command(BaseCommand):
    help = "Writes an exercise's true pairs as CSV (left_id,right_id) to stdout or --out. Staff only: it is the answer."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--out", help="write to this file instead of stdout")

    def handle(self, *args, slug: str, out: str | None = None, **options):
        exercise = Exercise.objects.filter(slug=slug).first()
        if exercise is None:
            raise CommandError(f"No exercise with the slug {slug!r}")
        pairs = (
            TruePair.objects.filter(exercise=exercise)
            .order_by("left_id", "right_id")
            .values_list("left_id", "right_id")
        )
        text = csv_text(["left_id", "right_id"], pairs.iterator())
        if out:
            Path(out).write_text(text, encoding="utf-8", newline="")
            self.stderr.write(f"Wrote {pairs.count()} true pairs to {out}")
        else:
            self.stdout.write(text, ending="")
