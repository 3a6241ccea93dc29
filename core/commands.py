"""Management commands that act as on a day: the day given on the command line in any form the site reads
(15/06/2569, 2569-06-15, 2026-06-15), else today in Asia/Bangkok."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.thai import parse_date


class DatedCommand(BaseCommand):
    """A command with a `--date` option (or the name in `date_option`); `self.day(options)` reads it."""

    date_option = "--date"
    date_help = "act as on this day (default: today, Asia/Bangkok)"

    def add_arguments(self, parser):
        parser.add_argument(self.date_option, dest="day", metavar="YYYY-MM-DD", help=self.date_help)

    def day(self, options) -> datetime.date:
        if not options.get("day"):
            return timezone.localdate()
        try:
            return parse_date(options["day"])
        except ValueError as exc:
            raise CommandError(f"{self.date_option}: {exc}") from None
