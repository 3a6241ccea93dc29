from django.core.management.base import BaseCommand, CommandError

from accounts.models import Unit
from receipts.services import trial_receipts_purge


class Command(BaseCommand):
    help = (
        "Remove the receipts, pay-in slips and counters of the e-Bill trial period (trial=True) before go-live. "
        "Real receipts are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="only this unit code and the units below it (default: every unit)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be removed, change nothing")
        parser.add_argument("--go-live", action="store_true", help="also switch the units' trial mode off")

    def handle(self, *args, **options):
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"ไม่พบหน่วยงานรหัส {options['unit']}")
        summary = trial_receipts_purge(unit=unit, dry_run=options["dry_run"], go_live=options["go_live"])
        verb = "Would remove" if options["dry_run"] else "Removed"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {summary.total_receipts} trial receipts ({summary.items} items) and "
                               f"{summary.total_slips} trial pay-in slips.")
        )
        for code in sorted({*summary.receipts, *summary.slips}):
            self.stdout.write(f"  {code}: {summary.receipts.get(code, 0)} receipts, {summary.slips.get(code, 0)} slips")
        if summary.went_live:
            self.stdout.write(f"Trial mode {'would be ' if options['dry_run'] else ''}switched off: "
                              + ", ".join(summary.went_live))
