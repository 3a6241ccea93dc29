"""Receipts: issue, void, list, PDF. The receipt services judge the rights (rank rule included) and log refusals."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.models import Unit
from api.exceptions import MenuDenied, OutOfScope, ServiceUnavailable, conflict_when_coded, right_refused
from api.generics import ScopedListCreateView, list_create_schema
from api.permissions import unit_in_scope
from api.schema import ErrorSerializer
from api.serializers_receipts import (
    RECEIPT_NUMBER_PATTERN,
    ReceiptIssueSerializer,
    ReceiptNumber,
    ReceiptQuerySerializer,
    ReceiptSerializer,
    ReceiptVoidSerializer,
)
from core.http import client_ip
from core.pdf import PdfUnavailable, pdf_response
from receipts import selectors, services
from receipts.models import Receipt

TAGS = ["ใบเสร็จรับเงิน"]
NUMBER_PARAMETER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    pattern=f"^{RECEIPT_NUMBER_PATTERN}$",
    description="เลขที่ใบเสร็จ เช่น 4701-2570-000123 (ชุดทดลอง 4701-2570-T000001)",
)


def _receipts_in_scope(request):
    """Receipts the caller may see (where they issue or review); 403 MENU_DENIED when that is nowhere."""
    scope = selectors.receipt_scope(request.user)
    if not scope:
        raise MenuDenied("ท่านไม่มีสิทธิ์ดูใบเสร็จรับเงิน")
    return scope


def _receipt_by_number(request, number: str) -> Receipt:
    """The receipt of `number` if the caller may see it; 404 otherwise (malformed, missing or out of scope alike)."""
    _receipts_in_scope(request)
    parsed = ReceiptNumber.parse(number)
    if parsed is None:
        raise OutOfScope()
    receipt = (
        selectors.receipt_list(viewer=request.user)
        .filter(unit__code=parsed.unit_code, fiscal_year=parsed.fiscal_year, trial=parsed.trial, number=parsed.number)
        .prefetch_related("items")
        .first()
    )
    if receipt is None:
        raise OutOfScope()
    return receipt


@list_create_schema(
    tags=TAGS, list_id="receipts_list", create_id="receipts_issue",
    list_summary="รายการใบเสร็จรับเงินในขอบเขตของผู้เรียก",
    list_description="ใบเสร็จของหน่วยงานที่ผู้เรียกออกใบเสร็จหรือตรวจสอบสิทธิ์ได้ (และหน่วยงานในสังกัด) ใหม่สุดก่อน",
    create_summary="ออกใบเสร็จรับเงิน",
    create_description=(
        "ออกใบเสร็จเลขถัดไปของหน่วยงานในปีงบประมาณ ลงวันที่วันนี้ ต้องถือบทบาทของประเภทใบเสร็จ ณ หน่วยงานนั้น "
        "มีคำสั่งมอบหมายที่มีผล และผ่านเงื่อนไขสิทธิ์ตามทะเบียนบุคคล (ขายทอดตลาด/ค่าของเก่า: ปลัดอำเภอหรือ"
        "เจ้าพนักงานปกครอง ชำนาญการพิเศษขึ้นไป) มิฉะนั้นได้ 403 พร้อมรหัส เช่น POLICY_DENIED"
    ),
    create_parameters=[OpenApiParameter(
        "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
        description="รหัสที่ผู้เรียกสร้างต่อการออกหนึ่งครั้ง (เช่น UUID) ส่งซ้ำเมื่อไม่ได้รับคำตอบ: "
                    "ได้ใบเสร็จใบเดิม (200) ไม่ใช่ใบใหม่",
    )],
    created_responses={201: ReceiptSerializer, 200: ReceiptSerializer},
)
class ReceiptListCreateView(ScopedListCreateView):
    serializer_class = ReceiptSerializer
    query_serializer_class = ReceiptQuerySerializer
    create_serializer_class = ReceiptIssueSerializer

    def get_list_scope(self):
        return _receipts_in_scope(self.request)

    def get_queryset(self):
        filters = {name: value for name, value in self.query.items() if value not in ("", None)}
        unit: Unit | None = None
        if code := filters.pop("unit", None):
            unit = unit_in_scope(self.scope, code)
        return selectors.receipt_list(viewer=self.request.user, unit=unit, **filters).prefetch_related("items")

    def get_create_scope(self):
        """The receipt roles the caller holds: where they may issue (403 MENU_DENIED when none)."""
        roles = selectors.receipt_roles_held(self.request.user)
        if not roles:
            raise MenuDenied("ท่านไม่ได้ถือบทบาทออกใบเสร็จรับเงิน")
        return roles

    def get_create_serializer_context(self):
        return {**super().get_create_serializer_context(), "roles": self.scope}

    def perform_create(self, data):
        try:
            receipt = services.receipt_issue(
                issuer=self.request.user,
                unit=data["unit"],
                category=data["category"],
                fee_type=data.get("fee_type"),
                payer_name=data["payer_name"],
                payer_national_id=data["payer_national_id"],
                payer_address=data["payer_address"],
                payment_method=data["payment_method"],
                payment_reference=data["payment_reference"],
                items=[
                    services.ItemInput(item["description"], item["quantity"], item["unit_price"])
                    for item in data["items"]
                ],
                ip_address=client_ip(self.request),
                idempotency_key=self.request.headers.get("Idempotency-Key"),
            )
        except services.ReceiptRefused as refusal:
            raise right_refused(refusal) from None
        issued = _receipt_by_number(self.request, ReceiptNumber.of(receipt))
        issued.replayed = receipt.replayed
        return issued

    def get_created_status(self, receipt):
        # The same Idempotency-Key again: the receipt issued the first time, not a new one.
        return status.HTTP_200_OK if receipt.replayed else status.HTTP_201_CREATED

    def get_created_url(self, receipt):
        return reverse("api:receipt", args=[ReceiptNumber.of(receipt)])


class ReceiptDetailView(GenericAPIView):
    serializer_class = ReceiptSerializer

    @extend_schema(
        operation_id="receipts_retrieve",
        tags=TAGS,
        summary="ใบเสร็จรับเงินหนึ่งใบ",
        parameters=[NUMBER_PARAMETER],
        responses=ReceiptSerializer,
    )
    def get(self, request, number: str):
        return Response(ReceiptSerializer(_receipt_by_number(request, number)).data)


class ReceiptVoidView(GenericAPIView):
    serializer_class = ReceiptVoidSerializer

    @extend_schema(
        operation_id="receipts_void",
        tags=TAGS,
        summary="ยกเลิกใบเสร็จรับเงิน",
        description="ต้องระบุเหตุผล และต้องมีสิทธิ์เช่นเดียวกับการออกใบเสร็จประเภทนั้น ใบเสร็จคงเลขที่เดิมไว้ ไม่มีการลบ",
        parameters=[NUMBER_PARAMETER],
        request=ReceiptVoidSerializer,
        responses={
            200: ReceiptSerializer,
            409: OpenApiResponse(ErrorSerializer, description="ใบเสร็จนี้ถูกยกเลิกไปแล้ว (ALREADY_VOIDED)"),
        },
    )
    def post(self, request, number: str):
        receipt = _receipt_by_number(request, number)
        form = ReceiptVoidSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            services.receipt_void(
                receipt=receipt, actor=request.user, reason=form.validated_data["reason"], ip_address=client_ip(request)
            )
        except services.ReceiptRefused as refusal:
            raise right_refused(refusal) from None
        except ValidationError as exc:
            conflict_when_coded(exc, code=services.VOIDED, answer="ALREADY_VOIDED")
            raise
        return Response(ReceiptSerializer(_receipt_by_number(request, number)).data)


class PdfRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ReceiptPdfView(GenericAPIView):
    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    @extend_schema(
        operation_id="receipts_pdf",
        tags=TAGS,
        summary="ใบเสร็จรับเงินเป็น PDF (ต้นฉบับและสำเนา)",
        parameters=[NUMBER_PARAMETER],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            503: OpenApiResponse(ErrorSerializer, description="สร้าง PDF ไม่ได้บนเครื่องนี้ (PDF_UNAVAILABLE)"),
        },
    )
    def get(self, request, number: str):
        from receipts.documents import receipt_pdf

        receipt = _receipt_by_number(request, number)
        try:
            content = receipt_pdf(receipt)
        except PdfUnavailable as exc:
            raise ServiceUnavailable(str(exc), code="PDF_UNAVAILABLE") from None
        return pdf_response(content, f"receipt-{ReceiptNumber.of(receipt)}")

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON even when the client asked for a PDF.
        if isinstance(response, Response) and isinstance(getattr(request, "accepted_renderer", None), PdfRenderer):
            request.accepted_renderer, request.accepted_media_type = renderers.JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
