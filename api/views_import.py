"""Registry import (officials, accounts, orders) through the API: the importer's all-or-nothing checks, unchanged.

The file is checked or imported by the same job as the web page's (registry.jobs), beside the request: a
national file takes longer than a server lets one request run, and a client that times out and sends it again would
start a second import. The POST waits up to REGISTRY_IMPORT_WAIT_SECONDS; a job done by then is answered as the
report itself, and a longer one with 202 and the address of the job to ask again (`Location`).
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from api.exceptions import OutOfScope
from api.permissions import menu_scope
from core.http import client_ip
from registry import jobs as import_jobs
from registry.forms import RegistryImportForm
from registry.importers import IMPORTERS
from registry.importers.core import Action
from registry.jobs import PREVIEW_ROWS, ImportJob

KINDS = sorted(IMPORTERS)
MENU = import_jobs.MENU
TOKEN_PATTERN = "^[0-9a-f]{32}$"


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) หรือ XLSX แถวแรกเป็นชื่อคอลัมน์ตาม interchange spec")


class ImportQuerySerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=False, help_text="1 = ตรวจทุกแถวและรายงานผล โดยยังไม่บันทึก")


class RowProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="แถวในไฟล์ (แถวหัวคอลัมน์คือแถวที่ 1)")
    column = serializers.CharField()
    label = serializers.CharField(help_text="ชื่อคอลัมน์ภาษาไทย")
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
    problems = RowProblemSerializer(many=True, help_text=f"ปัญหา {PREVIEW_ROWS} รายการแรก (จำนวนทั้งหมดใน problems_total)")
    problems_total = serializers.IntegerField()
    bad_rows = serializers.IntegerField(help_text="จำนวนแถวที่มีปัญหา")
    warnings = RowProblemSerializer(
        many=True, help_text=f"แถวที่นำเข้าได้แต่ควรรู้ เช่น ผู้ที่ทะเบียนบุคคลยังไม่มี ({PREVIEW_ROWS} รายการแรก)"
    )
    warnings_total = serializers.IntegerField()
    warned_rows = serializers.IntegerField(help_text="จำนวนแถวที่มีคำเตือน")
    event_seq = serializers.IntegerField(allow_null=True, help_text="ลำดับในบันทึกเหตุการณ์ของการนำเข้านี้")


class ImportJobSerializer(serializers.Serializer):
    token = serializers.RegexField(TOKEN_PATTERN)
    url = serializers.CharField(help_text="ที่อยู่สำหรับถามความคืบหน้า (GET)")
    kind = serializers.ChoiceField(choices=KINDS)
    filename = serializers.CharField()
    dry_run = serializers.BooleanField()
    state = serializers.ChoiceField(
        choices=[import_jobs.CHECKING, import_jobs.IMPORTING, import_jobs.CHECKED, import_jobs.REJECTED,
                 import_jobs.IMPORTED, import_jobs.REFUSED, import_jobs.FAILED],
        help_text="checking/importing: ยังทำอยู่; checked: ตรวจแล้วไม่มีปัญหา; rejected/refused: มีแถวผิด ไม่ได้นำเข้า; "
        "imported: นำเข้าแล้ว; failed: อ่านไฟล์ไม่ได้หรือหยุดกลางคัน ไม่ได้นำเข้า",
    )
    running = serializers.BooleanField()
    stage = serializers.CharField(help_text="ขั้นที่กำลังทำ")
    rows_done = serializers.IntegerField(help_text="จำนวนแถวที่ทำแล้วในขั้นนี้")
    elapsed_seconds = serializers.IntegerField()
    error_code = serializers.CharField(help_text="เมื่อ failed: unreadable, no_rights, died หรือ broken")
    error = serializers.CharField()
    report = ImportReportSerializer(allow_null=True, help_text="ผลการตรวจหรือนำเข้า เมื่อเสร็จแล้ว")


class ImportRejectedSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="IMPORT_REJECTED, IMPORT_FILE_UNREADABLE หรือ VALIDATION_ERROR")
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    problems = RowProblemSerializer(many=True, required=False)
    warnings = RowProblemSerializer(many=True, required=False)
    job = ImportJobSerializer(required=False)

    class Meta:
        ref_name = "ImportRejected"


def _report_data(job: ImportJob) -> dict | None:
    result = job.result
    if result is None or job.running:
        return None
    return {
        "kind": job.kind,
        "filename": job.name,
        "dry_run": job.task == import_jobs.CHECK,
        "ok": result["problems"] == 0,
        "imported": result["imported"],
        "rows": result["rows"],
        "counts": {name: result["counts"][name] for name in (Action.CREATE, Action.UPDATE, Action.UNCHANGED)},
        "problems": result["problem_list"],
        "problems_total": result["problems"],
        "bad_rows": result["bad_rows"],
        "warnings": result["warning_list"],
        "warnings_total": result["warnings"],
        "warned_rows": result["warned_rows"],
        "event_seq": result["event_seq"],
    }


def _job_data(request, job: ImportJob) -> dict:
    return {
        "token": job.token,
        "url": request.build_absolute_uri(reverse("api:registry-import-job", args=[job.token])),
        "kind": job.kind,
        "filename": job.name,
        "dry_run": job.task == import_jobs.CHECK,
        "state": job.state,
        "running": job.running,
        "stage": job.stage,
        "rows_done": job.rows_done,
        "elapsed_seconds": job.elapsed_seconds,
        "error_code": job.error_code,
        "error": job.error,
        "report": _report_data(job),
    }


def _finished_response(request, job: ImportJob) -> Response:
    """The answer to the POST of a job that is done: the report, or the error that stopped it."""
    if job.state == import_jobs.FAILED:
        code = "IMPORT_FILE_UNREADABLE" if job.error_code == import_jobs.UNREADABLE else "IMPORT_FAILED"
        return Response(
            {"code": code, "detail": f"{job.error} (ไม่ได้นำเข้าข้อมูลใด ๆ)", "job": _job_data(request, job)},
            status=status.HTTP_400_BAD_REQUEST,
        )
    report = _report_data(job)
    if job.state == import_jobs.REFUSED:
        return Response(
            {
                "code": "IMPORT_REJECTED",
                "detail": f"{report['bad_rows']:,} แถวมีปัญหา ไม่ได้นำเข้าข้อมูลใด ๆ",
                "problems": report["problems"],
                "warnings": report["warnings"],
                "job": _job_data(request, job),
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    return Response(report)


def _checked_upload(kind: str, data) -> tuple[UploadedFile, str]:
    """The uploaded file and its format, under the web form's checks (size, name against content, UTF-8)."""
    upload = ImportUploadSerializer(data=data)
    upload.is_valid(raise_exception=True)
    form = RegistryImportForm(data={"kind": kind}, files={"file": upload.validated_data["file"]})
    if not form.is_valid():
        raise ValidationError({field: [str(message) for message in messages] for field, messages in form.errors.items()})
    return form.cleaned_data["file"], form.file_format


class RegistryImportView(GenericAPIView):
    parser_classes = [MultiPartParser]
    serializer_class = ImportUploadSerializer

    @extend_schema(
        operation_id="registry_import",
        tags=["นำเข้าข้อมูลทะเบียน"],
        summary="นำเข้าไฟล์ officials, accounts หรือ orders (ทุกแถวถูกต้อง หรือไม่นำเข้าเลย)",
        description=(
            "ต้องมีเมนูนำเข้าข้อมูลทะเบียน แถวที่อ้างหน่วยงานนอกขอบเขตของผู้เรียกเป็นปัญหาของแถวนั้น "
            "?dry_run=1 ตอบ 200 พร้อมปัญหารายแถว; การนำเข้าจริงที่มีแถวผิดตอบ 400 IMPORT_REJECTED และไม่บันทึกสิ่งใด "
            "ไฟล์ที่ใช้เวลานานกว่าสองสามวินาทีตอบ 202 พร้อมงาน (Location) ให้ถามผลด้วย GET จนเสร็จ"
        ),
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=KINDS, description="ชนิดไฟล์"),
            ImportQuerySerializer,
        ],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportReportSerializer,
            202: OpenApiResponse(ImportJobSerializer, description="ยังตรวจหรือนำเข้าอยู่: ถามผลที่ url ของงาน"),
            400: OpenApiResponse(ImportRejectedSerializer, description="ไฟล์อ่านไม่ได้ หรือมีแถวที่ผิด (ไม่ได้นำเข้า)"),
        },
    )
    def post(self, request, kind: str):
        if kind not in IMPORTERS:
            raise OutOfScope()
        menu_scope(request, MENU)
        query = ImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        uploaded, file_format = _checked_upload(kind, request.data)
        token = import_jobs.upload_stored(uploaded, file_format)
        job = import_jobs.import_job_started(
            token=token,
            pending={"kind": kind, "name": uploaded.name.rsplit("/", 1)[-1][:200], "format": file_format},
            user=request.user,
            ip_address=client_ip(request),
            task=import_jobs.CHECK if query.validated_data["dry_run"] else import_jobs.IMPORT,
            origin="api",
        )
        if job.running:
            data = _job_data(request, job)
            return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})
        return _finished_response(request, job)


class RegistryImportJobView(GenericAPIView):
    serializer_class = ImportJobSerializer

    @extend_schema(
        operation_id="registry_import_job",
        tags=["นำเข้าข้อมูลทะเบียน"],
        summary="ความคืบหน้าและผลของการนำเข้าที่ส่งไว้ (เฉพาะงานของผู้เรียกเอง)",
        parameters=[OpenApiParameter("token", str, OpenApiParameter.PATH, pattern=TOKEN_PATTERN)],
        responses={200: ImportJobSerializer},
    )
    def get(self, request, token: str):
        menu_scope(request, MENU)
        job = import_jobs.import_job(token) if import_jobs.TOKEN.match(token) else None
        if job is None or job.owner_id != request.user.pk or job.origin != "api":
            raise OutOfScope()
        if job.stale:  # its process stopped: the import rolled back with its transaction
            job = import_jobs.import_job_died(job)
        return Response(_job_data(request, job))
