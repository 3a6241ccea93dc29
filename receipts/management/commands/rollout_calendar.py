from django.core.management.base import BaseCommand, CommandError

from core.thai import parse_date
from receipts.rollout_calendar import rollout_apply_calendar
from rights.scope import today


class Command(BaseCommand):
    help = (
        "Apply the rollouts' calendars to the receipts: trial mode from trial_from to trial_to for the offices of "
        "the accepted nominations, the trial purge on purge_on, the end of trial mode on go_live_on. Run it daily; "
        "a second run of the same day changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="act as on this day (default: today, Asia/Bangkok)")

    def handle(self, *args, **options):
        on = today()
        if options["date"]:
            try:
                on = parse_date(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from None
        taken = rollout_apply_calendar(on=on)
        for rollout, step in taken:
            self.stdout.write(f"{rollout.name}: {step}")
        self.stdout.write(self.style.SUCCESS(f"ดำเนินการตามปฏิทิน {len(taken)} ขั้นตอน"))
