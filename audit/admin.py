from django.contrib import admin

from accounts.admin import AccountNationalIdColumn, ProvinceListFilter
from audit.models import ReviewRound, RoundItem, RoundReminder
from audit.rounds import problem_label
from core.admin_mixins import ReadOnlyMixin


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: rounds are opened and closed by the centre in the app (audit.rounds), each logged."""

    list_display = ["name", "as_of", "deadline", "opened_by", "opened_at", "closed_by", "closed_at"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter), "as_of", "deadline"]
    search_fields = ["name"]
    list_select_related = ["opened_by", "closed_by"]
    date_hierarchy = "opened_at"
    fields = ["name", "as_of", "deadline", "note", "opened_by", "opened_at", "closed_by", "closed_at"]
    readonly_fields = fields


@admin.register(RoundItem)
class RoundItemAdmin(ReadOnlyMixin, AccountNationalIdColumn, admin.ModelAdmin):
    """Read-only: offices answer item by item in the app, where each answer is checked against the facts."""

    list_display = [
        "problem", "round", "account", "account_national_id", "unit", "decision", "exception_until", "decided_by",
        "decided_at",
    ]
    list_filter = ["decision", "round", ProvinceListFilter, "decided_at"]
    search_fields = ["account__username", "account__official__national_id", "=code", "unit__code"]
    list_select_related = ["round", "account", "unit", "decided_by"]
    fields = [
        "round", "account", "unit", "code", "explanation", "decision", "reason", "exception_until", "decided_by",
        "decided_at",
    ]
    readonly_fields = fields

    @admin.display(description=RoundItem._meta.get_field("code").verbose_name, ordering="code")
    def problem(self, obj):
        return problem_label(obj.code)


@admin.register(RoundReminder)
class RoundReminderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: written by send_round_reminders, one row per office, kind and day, so nobody is mailed twice."""

    list_display = ["sent_on", "round", "unit", "kind", "recipients"]
    list_filter = ["kind", "round", ProvinceListFilter, "sent_on"]
    search_fields = ["unit__code", "unit__name_th"]
    list_select_related = ["round", "unit"]
    date_hierarchy = "sent_on"
    fields = ["round", "unit", "kind", "sent_on", "recipients"]
    readonly_fields = fields
