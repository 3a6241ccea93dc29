"""The JSON API. Views only translate HTTP into the same selectors and services as the screens."""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.generics import ScopedListView
from api.permissions import unit_in_scope
from api.serializers import AuditQuerySerializer, AuditRowSerializer, MeSerializer
from audit.report import REPORT_COLUMNS, audit_report_rows
from core.http import client_ip
from core.national_id import mask_national_id
from events.services import event_record
from rights.scope import AccountRights, Scope, cached_account_rights, today
from rights.selectors import account_with_registry


@dataclass
class Me:
    account: User
    rights: AccountRights

    @property
    def full_name(self) -> str:
        if self.account.official is not None:
            return self.account.official.full_name
        return self.account.get_full_name()

    @property
    def menus(self) -> list[str]:
        return sorted(self.rights.menu_codenames())


class MeView(APIView):
    @extend_schema(
        operation_id="me_retrieve",
        tags=["บัญชีผู้ใช้งาน"],
        summary="บัญชีของผู้เรียก หน่วยงาน และสิทธิ์",
        description="ข้อมูลที่ลงทะเบียน ข้อมูลตามทะเบียนบุคคล และสิทธิ์แต่ละบทบาท (ถือ / ได้รับมอบหมาย / ใช้ได้จริง) ณ วันนี้",
        responses=MeSerializer,
    )
    def get(self, request):
        account = account_with_registry(pk=request.user.pk)
        return Response(MeSerializer(Me(account=account, rights=cached_account_rights(request.user))).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="audit_list",
        tags=["ตรวจสอบสิทธิ์"],
        summary="รายงานผลการตรวจสอบสิทธิ์ (audit report)",
        description=(
            "หนึ่งแถวต่อบัญชีที่ใช้งานอยู่ในขอบเขต เรียงตามรหัสหน่วยงานแล้วชื่อผู้ใช้งาน ต้องมีเมนูตรวจสอบสิทธิ์ผู้ใช้งาน "
            "(menu_review_accounts); หน่วยงานนอกขอบเขตของผู้เรียกได้ 404"
        ),
        parameters=[AuditQuerySerializer],
        responses=AuditRowSerializer(many=True),
    ),
)
class AuditReportView(ScopedListView):
    serializer_class = AuditRowSerializer
    query_serializer_class = AuditQuerySerializer
    menu = "menu_review_accounts"

    def get_queryset(self):
        self.unit = unit_in_scope(self.scope, code) if (code := self.query.get("unit")) else None
        self.as_of = self.query.get("as_of") or today()
        scope = Scope(roots=[self.unit]) if self.unit is not None else self.scope
        return [dict(zip(REPORT_COLUMNS, row, strict=True)) for row in audit_report_rows(scope=scope, as_of=self.as_of)]

    def paginate_queryset(self, rows):
        page = super().paginate_queryset(rows)
        # National IDs are masked as on the review screens, for everyone but the central admins (need to know).
        masked = not self.scope.national
        for row in page:
            row["flags"] = row["flags"].split(";") if row["flags"] else []
            if masked and row["national_id"]:
                row["national_id"] = mask_national_id(row["national_id"])
        # A read of personal data is logged like a web export: who, what scope, how many rows.
        unit, request = self.unit, self.request
        event_record(
            action="audit.report.exported", actor=request.user, target=unit,
            target_label=unit.display_name if unit is not None else "", unit=unit, ip_address=client_ip(request),
            data={"report": "audit_api", "format": "json", "as_of": self.as_of, "rows": len(page), "total": len(rows),
                  "page": request.query_params.get("page") or "1", "masked": masked},
        )
        return page


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/v1/: a JSON 404 in our format rather than Django's HTML page."""

    permission_classes = []

    def handle(self, request, *args, **kwargs):
        raise NotFound()

    get = post = put = patch = delete = head = options = handle
