"""Change requests and leaver reports through the API: the lifecycle services, with the screens' menus and scopes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.models import User
from api.exceptions import MenuDenied, OutOfScope, conflict_when_not_pending
from api.generics import ScopedListCreateView, list_create_schema
from api.permissions import menu_scope
from api.schema import ErrorSerializer
from api.serializers_lifecycle import (
    ChangeRequestDecisionSerializer,
    ChangeRequestFileSerializer,
    ChangeRequestQuerySerializer,
    ChangeRequestSerializer,
    LeaverDecisionSerializer,
    LeaverReportFileSerializer,
    LeaverReportQuerySerializer,
    LeaverReportSerializer,
)
from core.http import client_ip
from lifecycle import services as lifecycle
from lifecycle.access import change_request_access, leaver_report_access
from lifecycle.models import ChangeRequest, LeaverReport
from lifecycle.views import change_requests_visible_to
from rights.access import account_access
from rights.scope import Scope, cached_account_rights
from rights.selectors import account_with_registry

CHANGE_TAGS = ["คำขอเปลี่ยนแปลงข้อมูล"]
LEAVER_TAGS = ["รายงานผู้พ้นจากหน้าที่"]
NOT_PENDING_RESPONSE = OpenApiResponse(ErrorSerializer, description="รายการนี้ไม่อยู่ในสถานะรอพิจารณาแล้ว (NOT_PENDING)")


# ---------------------------------------------------------------------------------------------------------------
# Change requests


@list_create_schema(
    tags=CHANGE_TAGS, list_id="change_requests_list", create_id="change_requests_file",
    list_summary="คำขอเปลี่ยนแปลงข้อมูล: ของตนเอง และของบัญชีในขอบเขตที่พิจารณาได้",
    create_summary="ยื่นคำขอเปลี่ยนแปลงข้อมูลที่ลงทะเบียนของตนเอง",
)
class ChangeRequestListCreateView(ScopedListCreateView):
    serializer_class = ChangeRequestSerializer
    query_serializer_class = ChangeRequestQuerySerializer
    create_serializer_class = ChangeRequestFileSerializer
    filter_fields = ("status",)

    # No menu: everyone files their own requests and sees them; change_requests_visible_to adds those they decide.
    def get_list_scope(self):
        return None

    def get_create_scope(self):
        return None

    def get_queryset(self):
        return change_requests_visible_to(self.request.user).order_by("-created_at", "-pk")

    def perform_create(self, data):
        change_request = lifecycle.change_request_file(
            account=account_with_registry(pk=self.request.user.pk),
            filed_by=self.request.user,
            position=data["position"],
            level=data["level"],
            unit=data["unit"],
            order_number=data["order_number"],
            order_date=data["order_date"],
            note=data["note"],
            ip_address=client_ip(self.request),
        )
        return change_requests_visible_to(self.request.user).get(pk=change_request.pk)


class ChangeRequestDecideView(GenericAPIView):
    serializer_class = ChangeRequestDecisionSerializer

    @extend_schema(
        operation_id="change_requests_decide",
        tags=CHANGE_TAGS,
        summary="อนุมัติหรือไม่อนุมัติคำขอ (เมนูพิจารณาคำขอเปลี่ยนแปลงข้อมูล)",
        description="คำขอของบัญชีนอกขอบเขตได้ 404; ผู้ยื่นพิจารณาคำขอของตนเองไม่ได้ (403)",
        request=ChangeRequestDecisionSerializer,
        responses={200: ChangeRequestSerializer, 409: NOT_PENDING_RESPONSE},
    )
    def post(self, request, pk: int):
        scope = menu_scope(request, "menu_decide_change_requests")
        change_request = change_request_access.filter(ChangeRequest.objects.all(), scope).filter(pk=pk).first()
        if change_request is None:
            raise OutOfScope()
        form = ChangeRequestDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            lifecycle.change_request_decide(
                change_request=change_request,
                actor=request.user,
                approve=form.validated_data["decision"] == "approve",
                reason=form.validated_data["reason"],
                scope=scope,
                acknowledge_flags=form.validated_data["acknowledge_flags"],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            conflict_when_not_pending(exc)
            raise
        return Response(ChangeRequestSerializer(change_requests_visible_to(request.user).get(pk=pk)).data)


# ---------------------------------------------------------------------------------------------------------------
# Leaver reports


def _leaver_reports_visible_to(request) -> Scope:
    """An office sees what it reported (menu_report_leavers); the central bureau sees every report."""
    rights = cached_account_rights(request.user)
    if rights.scope_for("menu_deactivate_accounts").national:
        return Scope(national=True)
    scope = rights.scope_for("menu_report_leavers")
    if not scope:
        raise MenuDenied()
    return scope


def _leaver_queryset():
    return LeaverReport.objects.select_related("account", "unit", "reported_by", "decided_by").order_by(
        "-created_at", "-pk"
    )


@list_create_schema(
    tags=LEAVER_TAGS, list_id="leaver_reports_list", create_id="leaver_reports_file",
    list_summary="รายงานผู้พ้นจากหน้าที่ของหน่วยงานในขอบเขต (ส่วนกลาง: ทั้งหมด)",
    create_summary="รายงานผู้พ้นจากหน้าที่ (เกษียณ ย้าย ลาออก ถึงแก่กรรม) ต่อส่วนกลาง",
    create_description="ทุกบัญชีในคำขอ หรือไม่มีเลย; บัญชีนอกขอบเขตอ่านเหมือนไม่มีอยู่",
)
class LeaverReportListCreateView(ScopedListCreateView):
    serializer_class = LeaverReportSerializer
    query_serializer_class = LeaverReportQuerySerializer
    create_serializer_class = LeaverReportFileSerializer
    filter_fields = ("status",)
    created_many = True

    def get_menu(self):
        # Offices list and file what they report; the central bureau lists every report (get_list_scope).
        if self.request.method == "POST":
            return "menu_report_leavers"
        return ("menu_report_leavers", "menu_deactivate_accounts")

    def get_list_scope(self):
        return _leaver_reports_visible_to(self.request)

    def get_queryset(self):
        return leaver_report_access.filter(_leaver_queryset(), self.scope)

    def get_create_serializer_context(self):
        accounts = account_access.filter(User.objects.all(), self.scope)
        return {**super().get_create_serializer_context(), "accounts_in_scope": accounts}

    def perform_create(self, data):
        reports = lifecycle.leaver_report_file(
            accounts=data["accounts"],
            reason=data["reason"],
            left_on=data["left_on"],
            note=data["note"],
            actor=self.request.user,
            scope=self.scope,
            ip_address=client_ip(self.request),
        )
        return _leaver_queryset().filter(pk__in=[report.pk for report in reports])


class LeaverReportDecideView(GenericAPIView):
    serializer_class = LeaverDecisionSerializer

    @extend_schema(
        operation_id="leaver_reports_decide",
        tags=LEAVER_TAGS,
        summary="ส่วนกลางรับรายงาน (ระงับการใช้งานบัญชี ไม่ลบ) หรือส่งคืนพร้อมเหตุผล",
        request=LeaverDecisionSerializer,
        responses={200: LeaverReportSerializer, 409: NOT_PENDING_RESPONSE},
    )
    def post(self, request, pk: int):
        scope = menu_scope(request, "menu_deactivate_accounts")
        if not scope.national:
            raise MenuDenied(lifecycle.CENTRAL_ONLY)
        report = LeaverReport.objects.filter(pk=pk).first()
        if report is None:
            raise OutOfScope()
        form = LeaverDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            if form.validated_data["decision"] == "accept":
                lifecycle.leaver_reports_accept(
                    reports=[report], actor=request.user, scope=scope, ip_address=client_ip(request)
                )
            else:
                lifecycle.leaver_report_return(
                    report=report,
                    actor=request.user,
                    reason=form.validated_data["reason"],
                    scope=scope,
                    ip_address=client_ip(request),
                )
        except ValidationError as exc:
            conflict_when_not_pending(exc)
            raise
        return Response(LeaverReportSerializer(_leaver_queryset().get(pk=pk)).data)
