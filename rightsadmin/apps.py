"""The project: settings, URLs, the demo data and its commands."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsadminConfig(AppConfig):
    name = "rightsadmin"
    verbose_name = _("rightsadmin")
