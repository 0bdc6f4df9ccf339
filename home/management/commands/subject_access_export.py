from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from home.subject_access import subject_access_export


class Command(BaseCommand):
    help = "Writes everything the service holds about one person to a zip (a subject access request)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--out", required=True, help="Path of the zip file to write")

    def handle(self, *args, email: str, out: str, **options):
        person = User.objects.filter(email__iexact=email.strip()).first()
        if person is None:
            raise CommandError(f"Nobody has the email address {email}")
        content = subject_access_export(person=person, requested_by=None, via="manage.py subject_access_export")
        Path(out).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(content)} bytes about {person.email} to {out}"))
