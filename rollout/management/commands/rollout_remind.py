from django.core.management.base import BaseCommand, CommandError

from core.thai import parse_date
from rights.scope import today
from rollout.models import Rollout
from rollout.services import rollout_reminders_send


class Command(BaseCommand):
    help = (
        "Email the reviewers of every office that has not nominated anyone for a rollout whose nomination deadline "
        "has not passed. Run it from cron on the days the reminders are due."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="act as on this day (default: today, Asia/Bangkok)")
        parser.add_argument("--base-url", default="", help="the site's address, for the links in the emails")

    def handle(self, *args, **options):
        on = today()
        if options["date"]:
            try:
                on = parse_date(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from None
        total = 0
        for rollout in Rollout.objects.filter(nomination_deadline__gte=on).order_by("pk"):
            sent = rollout_reminders_send(rollout=rollout, actor=None, on=on, base_url=options["base_url"].rstrip("/"))
            for code, emails in sent.items():
                self.stdout.write(f"{rollout.name}: {code} -> {len(emails)}")
            total += len(sent)
        self.stdout.write(self.style.SUCCESS(f"ส่งอีเมลเตือน {total} หน่วยงาน"))
