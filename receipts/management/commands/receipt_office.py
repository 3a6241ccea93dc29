from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Unit
from receipts.services import receipt_office_update


class Command(BaseCommand):
    help = "Show or change a unit's receipt settings: trial mode, and the biller ID (tax ID + suffix) for pay-in slips."

    def add_arguments(self, parser):
        parser.add_argument("unit", help="unit code, e.g. 4701 (DOPA for the whole department's biller ID)")
        parser.add_argument("--trial", choices=["on", "off"], help="switch the unit's trial mode")
        parser.add_argument("--biller-tax-id", help="the payee's 13-digit tax ID")
        parser.add_argument("--biller-suffix", help="the 2-digit suffix the bank assigned")
        parser.add_argument("--biller-name", help="the account name printed on pay-in slips")

    def handle(self, *args, **options):
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"ไม่พบหน่วยงานรหัส {options['unit']}")
        trial = {"on": True, "off": False}.get(options["trial"] or "")
        try:
            office = receipt_office_update(
                unit=unit, actor=None, trial_mode=trial, biller_tax_id=options["biller_tax_id"],
                biller_suffix=options["biller_suffix"], biller_name=options["biller_name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"{unit.code} {unit.display_name}: trial mode {'on' if office.trial_mode else 'off'}, "
            f"biller {office.biller_tax_id or '-'}/{office.biller_suffix or '-'} {office.biller_name}"
        )
