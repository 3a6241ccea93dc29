"""The event log for reviewers: browse and export the entries of their scope (audit.access.event_access).

The log itself (events) imports no other app; its screens live here, above the rights that scope them.
"""

from __future__ import annotations

import datetime
import json
from functools import lru_cache

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from audit.access import event_access
from core.exports import ExportTitle, export_response, exporter_name
from core.forms import ThaiDateField, ThaiDateInput
from core.http import client_ip
from core.thai import be_iso
from events.models import Event
from events.registry import EVENT_ACTIONS
from events.services import event_record
from rights.access import EVENT_LOG_MENU, MenuRequiredMixin

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


def scope_label(scope) -> str:
    """The offices an export covers, for its title block."""
    return "ทั้งประเทศ" if scope.national else ", ".join(root.display_name for root in scope.roots)


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("การกระทำ"), required=False)
    q = forms.CharField(label=gettext_lazy("ผู้กระทำหรือรายการ"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    unit = forms.CharField(label=gettext_lazy("รหัสหน่วยงาน"), required=False, max_length=32,
                           widget=forms.TextInput(attrs={"size": 8}))
    date_from = ThaiDateField(label=gettext_lazy("ตั้งแต่วันที่"), required=False, help_text="",
                              widget=ThaiDateInput(attrs={"placeholder": "01/01/2569", "size": 11}))
    date_to = ThaiDateField(label=gettext_lazy("ถึงวันที่"), required=False, help_text="",
                            widget=ThaiDateInput(attrs={"placeholder": "31/12/2569", "size": 11}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("ทั้งหมด"))] + [
            (code, f"{label} ({code})") for code, label in sorted(EVENT_ACTIONS.items())
        ]

    def apply(self, qs: QuerySet[Event]) -> QuerySet[Event]:
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["action"]:
            qs = qs.filter(action=data["action"])
        if data["q"]:
            qs = qs.filter(Q(actor_label__icontains=data["q"]) | Q(target_label__icontains=data["q"])
                           | Q(target_id=data["q"]))
        if data["unit"]:
            qs = qs.filter(unit_path__contains=f"/{data['unit'].strip()}/")  # the unit and every unit below it
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            qs = qs.filter(occurred_at__gte=datetime.datetime.combine(data["date_from"], datetime.time.min, tz))
        if data["date_to"]:
            qs = qs.filter(occurred_at__lt=datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1),
                                                                     datetime.time.min, tz))
        return qs


@lru_cache(maxsize=1)
def _field_labels() -> dict:
    """{field name: its verbose name} over the project's models, for the before and after of a logged change."""
    labels = {}
    for model in apps.get_models():
        if model.__module__.split(".")[0] in ("django", "axes", "guardian", "django_otp"):
            continue
        for field in model._meta.get_fields():
            if getattr(field, "verbose_name", None) and field.name not in labels:
                labels[field.name] = field.verbose_name
    return labels


@lru_cache(maxsize=64)
def _model_field_labels(target_type: str) -> dict:
    """{field name: verbose name} of the event's own target model ("receipts.receiptoffice"), or {}."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return {}
    return {field.name: field.verbose_name for field in model._meta.get_fields() if getattr(field, "verbose_name", None)}


def _values(change, target_type: str = "") -> list[tuple[str, object]] | None:
    """A logged record's values as (what a person calls the field, value): the target model's own field names first,
    then any project model's; a key no model knows stays as it is."""
    if not isinstance(change, dict):
        return None
    own, labels = _model_field_labels(target_type or ""), _field_labels()
    return [(str(own.get(key) or labels.get(key, key)), _shown(value)) for key, value in change.items()]


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่ใช่")
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def describe(event: Event) -> dict:
    data = event.data if isinstance(event.data, dict) else {}
    return {
        "event": event,
        "label": EVENT_ACTIONS.get(event.action, event.action),
        "before": _values(data.get("before"), event.target_type),
        "after": _values(data.get("after"), event.target_type),
        "data": json.dumps(event.data, ensure_ascii=False, indent=1, sort_keys=True),
    }


class EventLogView(MenuRequiredMixin, TemplateView):
    menu = EVENT_LOG_MENU
    policy = event_access
    template_name = "events/log.html"

    def get_context_data(self, **kwargs):
        scope = self.scope
        form = EventFilterForm(self.request.GET or None)
        qs = self.rows_in_scope()
        qs = form.apply(qs) if self.request.GET else qs
        page = Paginator(qs.order_by("-seq"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            form=form, page_obj=page, rows=[describe(e) for e in page], national=scope.national, **kwargs
        )


class EventLogExportView(MenuRequiredMixin, View):
    menu = EVENT_LOG_MENU
    policy = event_access

    def get(self, request, fmt: str):

        if fmt not in ("csv", "xlsx"):
            raise Http404
        scope = self.scope
        form = EventFilterForm(request.GET or None)
        qs = self.rows_in_scope()
        qs = form.apply(qs) if request.GET else qs
        events = list(qs.order_by("seq")[:EXPORT_LIMIT])
        # The CSV keeps the column names programs check the chain with; the XLSX is read by people.
        header = ["seq", "occurred_at", "actor", "action", "action_th", "target_type", "target_id", "target",
                  "unit_path", "ip_address", "data", "prev_hash", "hash"] if fmt == "csv" else [
            "ลำดับ", "เวลา", "ผู้กระทำ", "รหัสการกระทำ", "การกระทำ", "ประเภทรายการ", "รหัสรายการ", "รายการ",
            "หน่วยงาน", "หมายเลข IP", "รายละเอียด", "แฮชก่อนหน้า", "แฮช"]
        rows = [
            [e.seq, timezone.localtime(e.occurred_at).isoformat() if fmt == "csv" else e.occurred_at, e.actor_label,
             e.action,
             str(EVENT_ACTIONS.get(e.action, "")), e.target_type, e.target_id, e.target_label, e.unit_path,
             e.ip_address or "", json.dumps(e.data, ensure_ascii=False, sort_keys=True), e.prev_hash, e.hash]
            for e in events
        ]
        event_record(
            action="events.log.exported", actor=request.user, target_label=f"{len(rows)} รายการ",
            unit=request.user.registered_unit, ip_address=client_ip(request),
            data={"format": fmt, "rows": len(rows), "filters": {k: v for k, v in request.GET.items()}},
        )
        return export_response(fmt, f"event-log-{be_iso(timezone.localdate())}", header, rows, title=ExportTitle(
            "บันทึกเหตุการณ์", sheet="บันทึกเหตุการณ์", office=scope_label(scope),
            exported_by=exporter_name(request.user)))
