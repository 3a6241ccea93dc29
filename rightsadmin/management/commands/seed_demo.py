from django.conf import settings
from django.core.management.base import BaseCommand

from rightsadmin.demo import DEMO_PASSWORD, PERSONAS, demo_second_factors_build, demo_totp_secret, demo_world_build


class Command(BaseCommand):
    help = "Build the demo world for provinces 47 (สกลนคร) and 49 (มุกดาหาร), with every audit problem."

    def handle(self, *args, **options):
        counts = demo_world_build()
        if not counts:
            self.stdout.write("The demo world is already there.")
        else:
            self.stdout.write(self.style.SUCCESS("Demo world built: " + ", ".join(f"{v} {k}" for k, v in counts.items())))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.username:<16} {persona.description}")
        if settings.DEBUG:
            demo_second_factors_build()
            self.stdout.write(
                f"Reviewers and admins also need the demo second factor: add the secret {demo_totp_secret()} to an "
                "authenticator app (TOTP, 6 digits, 30 s), or read the current code with `python manage.py demo_code`."
            )
        else:
            self.stdout.write("DEBUG is off: no demo second factor; reviewers enrol their own at the first login.")
