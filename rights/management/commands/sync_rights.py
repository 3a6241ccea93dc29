from django.core.management.base import CommandError

from accounts.models import Unit, User
from core.commands import DatedCommand
from rights.scope import Scope, today
from rights.sync import GRANT, REFUSED, REVOKE, rights_apply, rights_plan

SIGNS = {GRANT: "+", REVOKE: "-", REFUSED: "x"}


class Command(DatedCommand):
    date_option = "--as-of"
    date_help = "judge on this date (default: today, Asia/Bangkok)"
    help = (
        "Show how held roles differ from what in-force orders and policies grant, for an account, a unit (and below) "
        "or the whole country; with --apply, grant and revoke accordingly (each change logged). Run it daily: it "
        "picks up order lines that start or end."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--unit", metavar="CODE", help="accounts registered at this unit or below it")
        parser.add_argument("--account", metavar="USERNAME", help="one account")
        parser.add_argument("--apply", action="store_true", help="make the changes (default: only show them)")

    def handle(self, *args, **options):
        on = self.day(options)
        if options["apply"] and on != today():
            raise CommandError("--apply ใช้ได้กับวันนี้เท่านั้น: สิทธิ์ที่ถือเปลี่ยนตามคำสั่งที่มีผลในวันนี้")
        accounts = User.objects.all()
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"ไม่พบหน่วยงานรหัส {options['unit']}")
            accounts = Scope(roots=[unit]).filter(accounts, "registered_unit")
        if options["account"]:
            accounts = accounts.filter(username=options["account"])
            if not accounts.exists():
                raise CommandError(f"ไม่พบบัญชี {options['account']}")
        changes = rights_plan(accounts=accounts, on=on)
        for change in changes:
            self.stdout.write(
                f"{SIGNS[change.action]} {change.account.username} {change.role.code}@{change.unit.code}: {change.reason}"
            )
        counts = {action: sum(1 for c in changes if c.action == action) for action in SIGNS}
        summary = f"ให้สิทธิ์ {counts[GRANT]} ถอนสิทธิ์ {counts[REVOKE]} ไม่ผ่านเงื่อนไข {counts[REFUSED]} ณ {on:%Y-%m-%d}"
        if not options["apply"]:
            self.stdout.write(f"{summary} (ยังไม่ได้ปรับ: ใช้ --apply เพื่อปรับสิทธิ์)")
            return
        # The command line is the centre's (whoever runs it has the server): national authority, no actor. The four
        # eyes were at the orders' confirmation; only confirmed, in-force lines grant.
        applied = rights_apply(changes=changes, actor=None, scope=Scope(national=True))
        self.stdout.write(self.style.SUCCESS(f"ปรับแล้ว: ให้สิทธิ์ {applied.granted} ถอนสิทธิ์ {applied.revoked}"))


