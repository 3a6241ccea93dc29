from django.core.management.base import BaseCommand

from rights.reference_data import reference_data_load


class Command(BaseCommand):
    help = "Load units (77 provinces, 928 districts, central bureaus), levels, positions, roles and policies."

    def handle(self, *args, **options):
        summary = reference_data_load()
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {summary}"))
