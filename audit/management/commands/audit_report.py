from django.core.management.base import BaseCommand, CommandError

from accounts.models import Unit
from audit.report import REPORT_COLUMNS, audit_report_rows, scope_of_unit
from core.exports import csv_bytes, xlsx_bytes
from core.thai import parse_date
from rights.scope import today


class Command(BaseCommand):
    help = "Print the audit flags of every active account in a unit and below (the whole country by default)."
    # The system checks import every view module (about a second); a report run from cron needs none of them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="unit code: 47 a province, 4701 a district, a central unit's code")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (a year of 2400 or more is Buddhist Era); default today")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", help="file to write; standard output when omitted (csv only)")

    def handle(self, *args, unit=None, as_of=None, format="csv", output=None, **options):
        try:
            on = parse_date(as_of) if as_of else today()
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from None
        try:
            scope = scope_of_unit(unit)
        except Unit.DoesNotExist:
            raise CommandError(f"--unit: ไม่พบหน่วยงานรหัส {unit}") from None
        if format == "xlsx" and not output:
            raise CommandError("--format xlsx needs --output FILE")
        rows = audit_report_rows(scope=scope, as_of=on)
        # Files meant for a spreadsheet get the formula-injection guard and, for CSV, a BOM so Excel reads UTF-8.
        if format == "xlsx":
            content = xlsx_bytes(REPORT_COLUMNS, rows, sheet="audit")
        else:
            content = csv_bytes(REPORT_COLUMNS, rows, bom=bool(output))
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
            self.stderr.write(self.style.SUCCESS(f"Wrote {output}"))
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
