from django.contrib import admin

from events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The log is append-only: no one edits or deletes an entry from the app."""

    list_display = ["seq", "occurred_at", "actor_label", "action", "target_label", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_label", "target_id"]
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
