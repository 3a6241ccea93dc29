"""Change requests and leaver reports in the admin: looked up, never changed there."""

from django.contrib import admin

from accounts.admin import AccountNationalIdColumn, ProvinceListFilter
from core.admin_mixins import ReadOnlyMixin
from lifecycle.models import ChangeRequest, LeaverReport


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyMixin, AccountNationalIdColumn, admin.ModelAdmin):
    """Read-only: requests are filed, withdrawn and decided in the app (lifecycle.services), each logged."""

    list_display = [
        "__str__", "account", "account_national_id", "status", "unit", "position", "level", "order_number",
        "order_date", "created_at", "decided_by", "decided_at",
    ]
    list_filter = ["status", ProvinceListFilter, "created_at", "decided_at"]
    search_fields = ["account__username", "account__official__national_id", "order_number", "unit__code"]
    list_select_related = ["account", "unit", "position", "level", "decided_by"]
    date_hierarchy = "created_at"
    fields = [
        "account", "filed_by", "status", "position", "level", "unit", "order_number", "order_date", "attachment",
        "note", "previous_position", "previous_level", "previous_unit", "decided_by", "decided_at",
        "decision_reason", "created_at", "updated_at",
    ]
    readonly_fields = fields


@admin.register(LeaverReport)
class LeaverReportAdmin(ReadOnlyMixin, AccountNationalIdColumn, admin.ModelAdmin):
    """Read-only: reports are filed by offices and accepted or returned by the centre in the app, each logged."""

    list_display = [
        "__str__", "account", "account_national_id", "unit", "reason", "left_on", "status", "reported_by",
        "created_at", "decided_by", "decided_at",
    ]
    list_filter = ["status", "reason", ProvinceListFilter, "left_on", "created_at", "decided_at"]
    search_fields = ["account__username", "account__official__national_id", "unit__code"]
    list_select_related = ["account", "unit", "reported_by", "decided_by"]
    date_hierarchy = "created_at"
    fields = [
        "account", "unit", "reason", "left_on", "evidence", "note", "reported_by", "status", "decided_by",
        "decided_at", "decision_reason", "created_at", "updated_at",
    ]
    readonly_fields = fields
