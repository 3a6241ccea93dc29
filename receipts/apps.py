from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceiptsConfig(AppConfig):
    name = "receipts"
    verbose_name = _("ใบเสร็จรับเงิน")

    def ready(self):
        from receipts.reference_data import fee_types_load
        from rights.reference_data import register_reference_loader
        from signin.navigation import MenuItem, register_menu

        register_menu(
            MenuItem("menu_issue_receipts", _("ใบเสร็จรับเงิน"), "receipts:receipt-list"),
            # Reviewers look at the receipts of the offices under them (read only).
            MenuItem("menu_review_accounts", _("ตรวจดูใบเสร็จรับเงิน"), "receipts:receipt-list"),
        )
        register_reference_loader(fee_types_load)
