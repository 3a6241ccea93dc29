"""Registry import (officials, accounts, orders) through the API: the importer's all-or-nothing checks, unchanged."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.importers import IMPORTERS, ImportFileError, registry_import
from accounts.importers.core import Action
from accounts.signals import client_ip
from api.exceptions import ApiError, OutOfScope
from api.permissions import menu_scope

KINDS = sorted(IMPORTERS)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) หรือ XLSX แถวแรกเป็นชื่อคอลัมน์ตาม interchange spec")


class ImportQuerySerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=False, help_text="1 = ตรวจทุกแถวและรายงานผล โดยยังไม่บันทึก")


class RowProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="แถวในไฟล์ (แถวหัวคอลัมน์คือแถวที่ 1)")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportCountsSerializer(serializers.Serializer):
    create = serializers.IntegerField()
    update = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    filename = serializers.CharField()
    dry_run = serializers.BooleanField()
    ok = serializers.BooleanField(help_text="ไม่มีแถวใดมีปัญหา")
    imported = serializers.BooleanField(help_text="บันทึกแล้ว (เฉพาะเมื่อไม่ใช่ dry_run และไม่มีปัญหา)")
    rows = serializers.IntegerField()
    counts = ImportCountsSerializer()
    problems = RowProblemSerializer(many=True)
    warnings = RowProblemSerializer(many=True, help_text="แถวที่นำเข้าได้แต่ควรรู้ เช่น ผู้ที่ทะเบียนบุคคลยังไม่มี")
    warned_rows = serializers.IntegerField(help_text="จำนวนแถวที่มีคำเตือน")
    event_seq = serializers.IntegerField(allow_null=True, help_text="ลำดับในบันทึกเหตุการณ์ของการนำเข้านี้")


class ImportRejectedSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="IMPORT_REJECTED, IMPORT_FILE_UNREADABLE หรือ VALIDATION_ERROR")
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    problems = RowProblemSerializer(many=True, required=False)
    warnings = RowProblemSerializer(many=True, required=False)

    class Meta:
        ref_name = "ImportRejected"


def _report_data(report) -> dict:
    return {
        "kind": report.kind,
        "filename": report.filename,
        "dry_run": report.dry_run,
        "ok": report.ok,
        "imported": report.imported,
        "rows": report.rows,
        "counts": {name: report.counts.get(name, 0) for name in (Action.CREATE, Action.UPDATE, Action.UNCHANGED)},
        "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in report.problems],
        "warnings": [{"row": w.row, "column": w.column, "message": w.message} for w in report.warnings],
        "warned_rows": report.warned_rows,
        "event_seq": report.event_seq,
    }


class RegistryImportView(GenericAPIView):
    parser_classes = [MultiPartParser]
    serializer_class = ImportUploadSerializer

    @extend_schema(
        operation_id="registry_import",
        tags=["นำเข้าข้อมูลทะเบียน"],
        summary="นำเข้าไฟล์ officials, accounts หรือ orders (ทุกแถวถูกต้อง หรือไม่นำเข้าเลย)",
        description=(
            "ต้องมีเมนูนำเข้าข้อมูลทะเบียน แถวที่อ้างหน่วยงานนอกขอบเขตของผู้เรียกเป็นปัญหาของแถวนั้น "
            "?dry_run=1 ตอบ 200 พร้อมปัญหารายแถว; การนำเข้าจริงที่มีแถวผิดตอบ 400 IMPORT_REJECTED และไม่บันทึกสิ่งใด"
        ),
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=KINDS, description="ชนิดไฟล์"),
            ImportQuerySerializer,
        ],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportReportSerializer,
            400: OpenApiResponse(ImportRejectedSerializer, description="ไฟล์อ่านไม่ได้ หรือมีแถวที่ผิด (ไม่ได้นำเข้า)"),
        },
    )
    def post(self, request, kind: str):
        if kind not in IMPORTERS:
            raise OutOfScope()
        scope = menu_scope(request, "menu_import_registry")
        query = ImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        uploaded = upload.validated_data["file"]
        try:
            report = registry_import(
                kind=kind,
                source=uploaded,
                filename=uploaded.name,
                actor=request.user,
                scope=scope,
                dry_run=query.validated_data["dry_run"],
                origin="api",
                ip_address=client_ip(request),
            )
        except ImportFileError as exc:
            raise ApiError(f"{exc} (ไม่ได้นำเข้าข้อมูลใด ๆ)", code="IMPORT_FILE_UNREADABLE") from None
        data = _report_data(report)
        if not report.ok and not report.dry_run:
            return Response(
                {
                    "code": "IMPORT_REJECTED",
                    "detail": f"{report.bad_rows:,} แถวมีปัญหา ไม่ได้นำเข้าข้อมูลใด ๆ",
                    "problems": data["problems"],
                    "warnings": data["warnings"],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(data)
