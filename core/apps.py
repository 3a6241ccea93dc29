"""Thai dates and baht in words, national IDs, exports, PDFs: used by every app, importing none."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("ส่วนกลางของระบบ")
