from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from events.admin_audit import AuditedChangesMixin
from receipts.models import FeeType, PayInSlip, Receipt, ReceiptCounter, ReceiptItem, ReceiptOffice
from receipts.services import receipt_office_update


class ReadOnlyAdmin(admin.ModelAdmin):
    """Issued receipts, slips and counters are records: seen here, changed only through the services, never deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReceiptItemInline(admin.TabularInline):
    model = ReceiptItem
    extra = 0
    fields = ["line_no", "description", "quantity", "unit_price", "amount"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number_display", "trial", "issued_on", "category", "payer_name", "total", "issuer_name", "voided_at"]
    list_filter = ["category", "trial", ("voided_at", admin.EmptyFieldListFilter), "fiscal_year"]
    search_fields = ["payer_name", "unit__code", "issuer_name"]
    list_select_related = ["unit"]
    date_hierarchy = "issued_on"
    inlines = [ReceiptItemInline]

    @admin.display(description=_("เลขที่"), ordering="number")
    def number_display(self, obj):
        return obj.number_display


@admin.register(PayInSlip)
class PayInSlipAdmin(ReadOnlyAdmin):
    list_display = ["reference1", "reference2", "trial", "unit", "payer_name", "amount", "due_date", "created_at"]
    list_filter = ["trial", "fee_type"]
    search_fields = ["reference1", "payer_name"]
    list_select_related = ["unit", "fee_type"]


@admin.register(ReceiptCounter)
class ReceiptCounterAdmin(ReadOnlyAdmin):
    list_display = ["unit", "fiscal_year", "kind", "trial", "last_number"]
    list_filter = ["kind", "trial", "fiscal_year"]
    list_select_related = ["unit"]
    search_fields = ["unit__code"]


@admin.register(FeeType)
class FeeTypeAdmin(AuditedChangesMixin, admin.ModelAdmin):
    """Reference data: central admins may add and rename fee types; retire one with is_active instead of deleting."""

    list_display = ["code", "name_th", "name_en", "default_amount", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_th", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # receipts and slips refer to it (Ref.2 of pay-in slips)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReceiptOffice)
class ReceiptOfficeAdmin(admin.ModelAdmin):
    """Trial mode and biller ID per unit. Saved through receipt_office_update, which logs the change."""

    list_display = ["unit", "trial_mode", "biller_tax_id", "biller_suffix", "biller_name"]
    list_filter = ["trial_mode"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    search_fields = ["unit__code", "unit__name_th"]

    def get_readonly_fields(self, request, obj=None):
        return ["unit"] if obj else []

    def save_model(self, request, obj, form, change):
        saved = receipt_office_update(
            unit=obj.unit, actor=request.user, trial_mode=obj.trial_mode, biller_tax_id=obj.biller_tax_id,
            biller_suffix=obj.biller_suffix, biller_name=obj.biller_name, ip_address=request.META.get("REMOTE_ADDR"),
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False
