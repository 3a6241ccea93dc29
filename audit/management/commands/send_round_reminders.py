from django.core.management.base import CommandError

from audit.models import ReviewRound
from audit.rounds import round_reminders_send
from core.commands import DatedCommand


class Command(DatedCommand):
    help = (
        "Email the reviewers of offices that have not finished an open review round: before the deadline on the given "
        "days, and daily once it has passed, when the office above is alerted too. Run it daily; each office gets "
        "each kind of reminder at most once a day."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--days", default="7,3,1", help="days before the deadline to remind (default 7,3,1)")
        parser.add_argument("--base-url", default="", help="the site's address, for the links in the emails")

    def handle(self, *args, **options):
        try:
            days = sorted({int(d) for d in options["days"].split(",") if d.strip()}, reverse=True)
        except ValueError:
            raise CommandError("--days ต้องเป็นตัวเลขคั่นด้วยจุลภาค เช่น 7,3,1") from None
        on = self.day(options)
        base_url = options["base_url"].rstrip("/")
        total = 0
        for review_round in ReviewRound.objects.filter(closed_at__isnull=True).order_by("pk"):
            sent = round_reminders_send(review_round=review_round, on=on, days_before=days, base_url=base_url)
            for plan in sent:
                self.stdout.write(f"{review_round.name}: {plan.kind} {plan.unit.code} -> {len(plan.recipients)}")
            total += len(sent)
        self.stdout.write(self.style.SUCCESS(f"ส่งอีเมลเตือน {total} ฉบับ (ต่อหน่วยงาน)"))
