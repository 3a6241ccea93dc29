"""Django's flush, which may empty the event log only while the test suite runs.

Transactional tests end with a flush of every table; the append-only triggers would refuse it. Outside a test run
this command behaves as Django's own and the triggers refuse to empty the log, so the whole flush is rolled back.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.test.utils import _TestState

from events.guard import event_log_writable


def running_tests() -> bool:
    # setup_test_environment() (Django's runner and pytest-django) stores the saved settings here until teardown.
    return hasattr(_TestState, "saved_data")


class Command(FlushCommand):
    def handle(self, **options):
        if not running_tests():
            return super().handle(**options)
        with event_log_writable(options["database"]):
            return super().handle(**options)
