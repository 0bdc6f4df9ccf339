import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exercises import services
from exercises.models import Exercise
from exercises.scoring import PairsFileError


class Command(BaseCommand):
    help = (
        "Scores a pairs file (left_id,right_id[,score]) against an exercise exactly as an upload is scored, "
        "and prints one JSON object (tp, fp, fn, precision, recall, f1). A bad file prints its row errors and exits 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("pairs_csv")

    def handle(self, *args, slug: str, pairs_csv: str, **options):
        exercise = Exercise.objects.filter(slug=slug).first()
        if exercise is None:
            raise CommandError(f"No exercise with the slug {slug!r}")
        try:
            content = Path(pairs_csv).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {pairs_csv}: {exc}") from exc
        try:
            score = services.score_file(exercise=exercise, content=content)
        except PairsFileError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.more:
                self.stderr.write(f"and {exc.more} more")
            raise CommandError("The file cannot be scored: nothing was saved", returncode=1) from exc
        self.stdout.write(json.dumps(score.as_json()))
