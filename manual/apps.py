"""The user manual of each persona (HTML pages and their PDF) and the report form of the i-SERVICE circular."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManualConfig(AppConfig):
    name = "manual"
    verbose_name = _("คู่มือการใช้งาน")
