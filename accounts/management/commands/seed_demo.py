from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, PERSONAS, demo_world_build


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
