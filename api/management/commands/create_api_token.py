from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from api import services
from api.models import ApiToken


class Command(BaseCommand):
    help = "Makes a personal access token for a person and prints it (once) for a script to use."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="What the token is for")
        parser.add_argument("--days", type=int, default=None, help="Days until it expires (default API_TOKEN_DAYS)")
        parser.add_argument(
            "--scope",
            choices=ApiToken.Scope.values,
            default=ApiToken.Scope.OWN,
            help="own (default) or programme (programme staff with two-factor sign-in)",
        )

    def handle(self, *args, email, name, days, scope, **options):
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active person has the email address {email}")
        try:
            token, raw = services.api_token_create(user=user, name=name, scope=scope, days=days)
        except services.TokenRefused as refused:
            raise CommandError(str(refused)) from None
        self.stderr.write(f"Token “{token.name}” for {user.email}, expires {token.expires_at:%Y-%m-%d}:")
        self.stdout.write(raw)
