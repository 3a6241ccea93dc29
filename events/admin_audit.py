"""Changes made through the Django admin, in the hash-chained event log with the values before and after.

`django_admin_log` is an ordinary table anyone with database access can edit, and it keeps no values: an admin
change to a record that bears rights or personal data must be in the chain, in the transaction that makes it.
Generic over models (this app imports no domain app): a record is snapshotted field by field.
"""

from __future__ import annotations

from django.db import models, transaction

from events.services import event_record

SECRET_FIELDS = frozenset({"password"})


def record_snapshot(obj: models.Model) -> dict:
    """Every concrete and many-to-many field of `obj` as text (foreign keys as their key); secrets as a marker."""
    values = {}
    for field in obj._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            continue  # the time of the save itself, not a change anyone made
        if field.name in SECRET_FIELDS:
            values[field.name] = "(hash)" if getattr(obj, field.attname) else ""
            continue
        values[field.name] = field.value_to_string(obj)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(str(related.pk) for related in getattr(obj, field.name).all())
    return values


def snapshot_difference(before: dict | None, after: dict) -> dict:
    """{field: [before, after]} of the fields that changed (all of them for a new record)."""
    before = before or {}
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


class AuditedChangesMixin:
    """For a ModelAdmin: each add or change is one event (`admin.record.added` / `admin.record.changed`) with the
    fields that changed, before and after, recorded in the admin's own transaction (so both land or neither)."""

    def changeform_view(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        previous = type(obj)._default_manager.filter(pk=obj.pk).first() if change and obj.pk else None
        request._admin_audit_before = record_snapshot(previous) if previous is not None else None
        if previous is not None and "password" in {f.name for f in obj._meta.concrete_fields}:
            request._admin_audit_password_changed = previous.password != obj.password
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        after = record_snapshot(obj)
        changed = snapshot_difference(getattr(request, "_admin_audit_before", None), after)
        if getattr(request, "_admin_audit_password_changed", False):
            changed["password"] = ["(hash)", "(new hash)"]
        if change and not changed:
            return  # saved without a change: nothing happened
        event_record(
            action="admin.record.changed" if change else "admin.record.added",
            actor=request.user, target=obj, ip_address=request.META.get("REMOTE_ADDR"),
            data={"model": obj._meta.label_lower, "changed": changed},
        )
