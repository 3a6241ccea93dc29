from core.commands import DatedCommand
from rollout.models import Rollout
from rollout.services import rollout_reminders_send


class Command(DatedCommand):
    help = (
        "Email the reviewers of every office that has not nominated anyone for a rollout whose nomination deadline "
        "has not passed. Run it from cron on the days the reminders are due."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--base-url", default="", help="the site's address, for the links in the emails")

    def handle(self, *args, **options):
        on = self.day(options)
        total = 0
        for rollout in Rollout.objects.filter(nomination_deadline__gte=on).order_by("pk"):
            sent = rollout_reminders_send(rollout=rollout, actor=None, on=on, base_url=options["base_url"].rstrip("/"))
            for code, emails in sent.items():
                self.stdout.write(f"{rollout.name}: {code} -> {len(emails)}")
            total += len(sent)
        self.stdout.write(self.style.SUCCESS(f"ส่งอีเมลเตือน {total} หน่วยงาน"))
