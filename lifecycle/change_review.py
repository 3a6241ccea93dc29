"""What a decider sees beside a change request before approving it: the requested values against the HR record
and the latest in-force order line, whether the cited order is in the system, and the audit flags approval would
raise. Decision (README "Authority to grant": the change-request guard); flags as the spec's "Audit flags"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from lifecycle.models import ChangeRequest
from rights import rules
from rights.flags import flag_label
from rights.models import OrderLine

FIELDS = (("position", _("ตำแหน่ง")), ("level", _("ระดับ")), ("unit", _("หน่วยงาน")))


@dataclass(frozen=True)
class FieldEvidence:
    name: str
    label: str
    requested: object
    registered: object
    hr: object
    ordered: object  # the latest in-force order line's value, or None

    @property
    def supported(self) -> bool:
        """The HR record or the latest in-force order line says the same as the request."""
        return self.requested is not None and self.requested in (self.hr, self.ordered)


@dataclass
class ChangeRequestEvidence:
    fields: list[FieldEvidence]
    latest_line: OrderLine | None
    cited_order_found: bool
    has_attachment: bool
    new_flags: list[str] = field(default_factory=list)

    @property
    def unsupported(self) -> list[FieldEvidence]:
        return [item for item in self.fields if not item.supported]


def change_request_evidence(change_request: ChangeRequest, *, on: datetime.date) -> ChangeRequestEvidence:
    """The evidence for `change_request` (its account and HR record loaded by the caller or here): two queries."""
    account = change_request.account
    official = account.official if account.official_id else None
    lines = []
    if account.official_id:
        lines = list(
            OrderLine.objects.in_force(on).filter(official_id=account.official_id)
            .select_related("order", "position", "level", "unit").latest_first()
        )
    latest = lines[0] if lines else None
    evidence_fields = [
        FieldEvidence(
            name=name, label=str(label),
            requested=getattr(change_request, name),
            registered=getattr(account, f"registered_{name}"),
            hr=getattr(official, name) if official else None,
            ordered=getattr(latest, name) if latest else None,
        )
        for name, label in FIELDS
    ]
    ordered = (latest.position_id, latest.level_id, latest.unit_id) if latest else None
    now = rules.registration_mismatches(
        registered=(account.registered_position_id, account.registered_level_id, account.registered_unit_id),
        ordered=ordered)
    after = rules.registration_mismatches(
        registered=(change_request.position_id, change_request.level_id, change_request.unit_id), ordered=ordered)
    return ChangeRequestEvidence(
        fields=evidence_fields,
        latest_line=latest,
        cited_order_found=any(line.order.number == change_request.order_number for line in lines),
        has_attachment=bool(change_request.attachment),
        new_flags=[flag for flag in after if flag not in now],
    )


def flag_labels(codes: list[str]) -> list[str]:
    """The audit report's names of the flags, each with its code."""
    return [f"{flag_label(code)} ({code})" for code in codes]
