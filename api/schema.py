"""The OpenAPI description: our two ways in, and the error body every operation can answer with."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="รหัสข้อผิดพลาดสำหรับโปรแกรม เช่น VALIDATION_ERROR, NOT_AUTHENTICATED, TOKEN_EXPIRED, MENU_DENIED, "
        "POLICY_DENIED, NOT_FOUND, THROTTLED"
    )
    detail = serializers.CharField(help_text="คำอธิบายภาษาไทยสำหรับผู้ใช้งาน")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="ข้อผิดพลาดแยกตามชื่อช่องข้อมูล (เฉพาะรหัส 400)",
    )

    class Meta:
        ref_name = "Error"


ERROR_RESPONSES = {
    "400": "ข้อมูลที่ส่งมาไม่ถูกต้อง (errors บอกช่องที่ผิด)",
    "401": "ไม่ได้ยืนยันตัวตน หรือโทเค็นไม่ถูกต้อง หมดอายุ หรือถูกเพิกถอน",
    "403": "ไม่มีสิทธิ์ในเมนูนี้ หรือไม่ผ่านเงื่อนไขสิทธิ์",
    "404": "ไม่พบรายการ หรือรายการอยู่นอกขอบเขตหน่วยงานของผู้เรียก",
    "429": "เรียกใช้บ่อยเกินกำหนดของโทเค็น",
}
BODY_ERROR_RESPONSES = {"415": "ไม่รองรับประเภทข้อมูลที่ส่งมา"}


class ApiAutoSchema(AutoSchema):
    """Adds the shared error responses to every operation, so clients (and schemathesis) know every status code."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        extra = dict(ERROR_RESPONSES)
        if self.method in ("POST", "PUT", "PATCH"):
            extra.update(BODY_ERROR_RESPONSES)
        for status_code, description in extra.items():
            if status_code not in responses:
                responses[status_code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), status_code, direction=direction
                )
        return dict(sorted(responses.items()))

    def _get_paginator(self):
        # Only reads are paged. A POST that answers with a list (leaver reports filed together) answers the whole
        # list, so its schema must take no page parameters and describe a plain array.
        if self.method != "GET":
            return None
        return super()._get_paginator()


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ra_<prefix>_<secret>",
            "description": "โทเค็นส่วนตัวที่สร้างได้ที่หน้าข้อมูลของฉัน ใช้สิทธิ์เดียวกับเจ้าของโทเค็น",
        }


class ApiSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
