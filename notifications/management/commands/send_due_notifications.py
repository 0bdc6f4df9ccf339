from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = (
        "Runs one dispatch pass in this process: queues the reminders that are due (and this week's "
        "digests in the Monday 08:00 London hour, or at once with --digests), then sends what is queued."
    )

    def add_arguments(self, parser):
        parser.add_argument("--digests", action="store_true", help="Build this week's digests whatever the time")

    def handle(self, *args, digests: bool = False, **options):
        reminders = services.reminders_dispatch(enqueue=False)
        weekly = services.digests_send_weekly(force=digests, enqueue=False)
        interrupted, given_up = services.outbox_release_expired()
        sent, failed = services.outbox_send_due_now()
        self.stdout.write(f"reminders queued: {reminders.queued}")
        self.stdout.write(f"reminders cancelled: {reminders.cancelled}")
        self.stdout.write(f"digests queued: {weekly.queued}" + (f" ({weekly.week})" if weekly.week else ""))
        self.stdout.write(f"interrupted sends queued again: {len(interrupted)}")
        self.stdout.write(f"interrupted sends given up: {given_up}")
        self.stdout.write(f"sent: {sent}")
        self.stdout.write(f"failed (will retry or need review): {failed}")
