from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from events.services import event_record

CHOICES = {"on": True, "off": False}


class Command(BaseCommand):
    help = (
        "Set or clear is_staff / is_superuser of an account: the only way to change them (the admin shows them "
        "read-only). Logged in the event log with the values before and after and the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--staff", choices=sorted(CHOICES), help="is_staff: on or off")
        parser.add_argument("--superuser", choices=sorted(CHOICES), help="is_superuser: on or off")
        parser.add_argument("--reason", required=True, help="Why (kept in the event log), e.g. the order number.")

    def handle(self, *args, username, staff, superuser, reason, **options):
        if staff is None and superuser is None:
            raise CommandError("ระบุ --staff หรือ --superuser อย่างน้อยหนึ่งอย่าง")
        if not reason.strip():
            raise CommandError("ต้องระบุเหตุผล (--reason)")
        with transaction.atomic():
            account = User.objects.select_for_update().filter(username=username).first()
            if account is None:
                raise CommandError(f"ไม่พบบัญชี {username}")
            before = {"is_staff": account.is_staff, "is_superuser": account.is_superuser}
            if staff is not None:
                account.is_staff = CHOICES[staff]
            if superuser is not None:
                account.is_superuser = CHOICES[superuser]
            after = {"is_staff": account.is_staff, "is_superuser": account.is_superuser}
            if after == before:
                self.stdout.write(f"{username}: ไม่มีการเปลี่ยนแปลง {after}")
                return
            account.save(update_fields=["is_staff", "is_superuser"])
            event_record(action="accounts.staff_flags.changed", target=account, unit=account.registered_unit,
                         data={"before": before, "after": after, "reason": reason.strip(), "origin": "command"})
        self.stdout.write(self.style.SUCCESS(f"{username}: {before} -> {after}"))
