from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("การตรวจสอบสิทธิ์")

    def ready(self):
        from signin.navigation import MenuItem, register_menu

        register_menu(MenuItem("menu_review_accounts", _("ตรวจสอบสิทธิ์"), "audit:review"))
        from audit.rounds import undecided_items_count

        register_menu(MenuItem("menu_review_accounts", _("รอบการตรวจสอบ"), "audit:round-list", count=undecided_items_count))
        register_menu(MenuItem("menu_review_accounts", _("ตรวจสอบแทน"), "audit:delegations"))
        from audit.todo import todo_panel_context
        from signin.navigation import HomePanel, register_home_panel

        register_home_panel(HomePanel("audit/_home_todo.html", todo_panel_context))
