from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rightsadmin.demo import demo_totp_code


class Command(BaseCommand):
    help = "Print the current code of the demo second factor (DEBUG only), for a newcomer without an authenticator app."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo second factor exists only with DEBUG on.")
        self.stdout.write(demo_totp_code())
