from core.commands import DatedCommand
from receipts.rollout_calendar import rollout_apply_calendar


class Command(DatedCommand):
    help = (
        "Apply the rollouts' calendars to the receipts: trial mode from trial_from to trial_to for the offices of "
        "the accepted nominations, the trial purge on purge_on, the end of trial mode on go_live_on. Run it daily; "
        "a second run of the same day changes nothing."
    )

    def handle(self, *args, **options):
        taken = rollout_apply_calendar(on=self.day(options))
        for rollout, step in taken:
            self.stdout.write(f"{rollout.name}: {step}")
        self.stdout.write(self.style.SUCCESS(f"ดำเนินการตามปฏิทิน {len(taken)} ขั้นตอน"))
