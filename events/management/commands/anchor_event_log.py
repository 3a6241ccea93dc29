from django.core.management.base import BaseCommand, CommandError

from events.anchors import AnchorError, anchor_append
from events.services import event_chain_head, event_chain_verify


class Command(BaseCommand):
    help = (
        "Sign the event chain's head with EVENT_ANCHOR_KEY and append it to EVENT_ANCHOR_FILE (run it daily from "
        "cron, and copy the file off the database host). The chain is verified first: an anchor of a broken chain "
        "is never written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help="the anchor file (default: EVENT_ANCHOR_FILE)")

    def handle(self, *args, **options):
        broken = event_chain_verify()
        if broken is not None:
            raise CommandError(f"บันทึกเหตุการณ์ถูกแก้ไข ไม่ลงนามจุดยึด: {broken} [{broken.kind}]")
        seq, digest = event_chain_head()
        try:
            anchor = anchor_append(seq=seq, digest=digest, path=options["file"])
        except AnchorError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"ลงนามจุดยึดแล้ว head {anchor.seq}:{anchor.hash} ({anchor.at})"))
