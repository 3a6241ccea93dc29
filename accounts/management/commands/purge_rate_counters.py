"""Remove request counters of clients not seen for a day (accounts.ratelimit): one row per token, account or
address stays after its window ends, so that the next request can reuse it; an address that never comes back
would otherwise keep its row for good."""

from django.core.management.base import BaseCommand

from accounts.ratelimit import stale_counters_purged


class Command(BaseCommand):
    help = "ลบตัวนับคำขอ (rate limit) ที่ไม่ได้ใช้เกิน 1 วัน"

    def handle(self, *args, **options):
        removed = stale_counters_purged()
        self.stdout.write(f"removed {removed} request counters")
