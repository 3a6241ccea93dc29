"""Change requests, leaver reports, moves and deactivation of accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "lifecycle"
    verbose_name = _("การเปลี่ยนแปลงข้อมูลและผู้พ้นจากหน้าที่")
