from django.core.management.base import BaseCommand, CommandError

from events.anchors import AnchorError, anchor_latest
from events.services import event_chain_head, event_chain_verify


class Command(BaseCommand):
    help = "Check the hash chain of the event log; report the first entry altered, removed or inserted (exit 1)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", metavar="SEQ:HASH",
            help="a head printed by an earlier run and kept outside the database; catches a recomputed chain",
        )
        parser.add_argument(
            "--anchor-file", metavar="FILE",
            help="signed anchors (anchor_event_log); default EVENT_ANCHOR_FILE, checked whenever it exists",
        )

    def handle(self, *args, **options):
        anchor = None
        if options["anchor"]:
            seq, _, digest = options["anchor"].partition(":")
            if not seq.isdigit() or len(digest) != 64:
                raise CommandError("--anchor ต้องอยู่ในรูปแบบ ลำดับ:แฮช 64 ตัวอักษร")
            anchor = (int(seq), digest.lower())
        else:
            try:
                latest = anchor_latest(options["anchor_file"])
            except AnchorError as exc:
                raise CommandError(str(exc)) from None
            if latest is not None:
                anchor = (latest.seq, latest.hash)
                self.stdout.write(f"ตรวจกับจุดยึดที่ลงนามเมื่อ {latest.at}: {latest.seq}:{latest.hash}")
            elif options["anchor_file"]:
                raise CommandError(f"ไม่พบไฟล์จุดยึด {options['anchor_file']}")
        broken = event_chain_verify(anchor=anchor)
        if broken is not None:
            raise CommandError(f"บันทึกเหตุการณ์ถูกแก้ไข: {broken} [{broken.kind}]")
        seq, digest = event_chain_head()
        self.stdout.write(self.style.SUCCESS(f"บันทึกเหตุการณ์ครบถ้วน {seq} รายการ"))
        self.stdout.write(f"head {seq}:{digest}")
