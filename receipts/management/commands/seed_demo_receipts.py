from django.core.management.base import BaseCommand

from receipts.demo import demo_receipts_build


class Command(BaseCommand):
    help = "Add demo receipts and pay-in slips to อำเภอเมืองสกลนคร (4701) and a trial unit (4702). Run after seed_demo."

    def handle(self, *args, **options):
        counts = demo_receipts_build()
        if not counts:
            self.stdout.write("Demo receipts are already there (or the demo world is missing: run seed_demo first).")
            return
        self.stdout.write(self.style.SUCCESS("Demo receipts built: " + ", ".join(f"{v} {k}" for k, v in counts.items())))
