from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from cohorts import demo as cohorts_demo
from cohorts import demo_feedback
from exercises import demo as exercises_demo
from mentoring import demo as mentoring_demo
from projects import demo as projects_demo
from trainers import demo as trainers_demo
from trainers import demo_skills

from ... import privacy_demo


class Command(BaseCommand):
    help = "Builds believable demo data (the pilot cohort and demo sign-ins). Safe to run again."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run under production configuration.")
        with transaction.atomic():
            people = accounts_demo.seed()
            cohort_data = cohorts_demo.seed(people)
            spring = trainers_demo.seed(people)
            projects_demo.seed(people, cohort_data["pilot"])
            mentoring_demo.seed(people)
            exercises_demo.seed(people, cohort_data["pilot"])
            demo_feedback.seed([cohort_data["pilot"], spring])
            demo_skills.seed(pilot=cohort_data["pilot"], spring=spring)
            privacy_demo.seed(people)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with (password: bootcamp-demo):"))
        for email in ("staff@example.org", "mentor@example.org", "officer@example.org", "officer2@example.org"):
            self.stdout.write(f"  {email}")
        self.stdout.write(
            f"TOTP secret for the demo staff and mentor accounts: {accounts_demo.DEMO_TOTP_SECRET}\n"
            f"  (a code: python -c \"import pyotp; print(pyotp.TOTP('{accounts_demo.DEMO_TOTP_SECRET}').now())\")"
        )
