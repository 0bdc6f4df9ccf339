from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from home.erasure import ErasureRefused, person_erase


class Command(BaseCommand):
    help = "Erases a person: identity and free text removed, sign-in disabled, programme figures kept."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        person = User.objects.filter(email__iexact=email.strip()).first()
        if person is None:
            raise CommandError(f"Nobody has the email address {email}")
        try:
            result = person_erase(person=person, actor=None, via="manage.py erase_person")
        except ErasureRefused as refused:
            raise CommandError("Not erased: " + "; ".join(refused.reasons)) from refused
        changed = ", ".join(f"{name} {count}" for name, count in result.counts.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Erased {email} (now {result.person.email}). Rows changed: {changed}"))
