"""Login, the second factor, activation and password reset, the home page and the navigation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    name = "signin"
    verbose_name = _("การเข้าสู่ระบบ")

    def ready(self):
        from signin import signals  # noqa: F401  (login events)
