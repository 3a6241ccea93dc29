"""Roles, policies, written orders and the held roles derived from them; the rules of who may grant what."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = _("บทบาทและสิทธิ์")
