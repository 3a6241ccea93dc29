"""Every API error is `{"code": "...", "detail": "..."}` (plus `errors` by field for bad input), in Thai.

`code` is stable for programs to branch on; `detail` is for the person reading the log. A right the caller lacks
is 403, anything outside the caller's scope is 404 (outsiders learn nothing about what exists), bad input is 400.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from lifecycle.services import NOT_PENDING
from rights.rules import AuthorityRefused
from signin.middleware import DENIAL_COUNTED

NOT_FOUND_DETAIL = "ไม่พบรายการที่ขอ หรือรายการนั้นอยู่นอกขอบเขตหน่วยงานของท่าน"
VALIDATION_DETAIL = "ข้อมูลที่ส่งมาไม่ถูกต้อง"

# DRF's own exceptions: our code and Thai message (formatted with the exception's attributes).
_GENERIC = {
    exceptions.NotAuthenticated: ("NOT_AUTHENTICATED", "กรุณาเข้าสู่ระบบ หรือแนบโทเค็น API ในส่วนหัว Authorization: Bearer …"),
    exceptions.AuthenticationFailed: ("AUTHENTICATION_FAILED", "ยืนยันตัวตนไม่สำเร็จ"),
    exceptions.PermissionDenied: ("PERMISSION_DENIED", "ท่านไม่มีสิทธิ์ทำรายการนี้"),
    exceptions.NotFound: ("NOT_FOUND", NOT_FOUND_DETAIL),
    exceptions.MethodNotAllowed: ("METHOD_NOT_ALLOWED", "ไม่รองรับการเรียกด้วยเมธอดนี้"),
    exceptions.NotAcceptable: ("NOT_ACCEPTABLE", "ไม่สามารถตอบในรูปแบบที่ขอได้"),
    exceptions.UnsupportedMediaType: ("UNSUPPORTED_MEDIA_TYPE", "ไม่รองรับข้อมูลประเภทที่ส่งมา"),
    exceptions.ParseError: ("PARSE_ERROR", "อ่านข้อมูลที่ส่งมาไม่ได้"),
    exceptions.Throttled: ("THROTTLED", "เรียกใช้บ่อยเกินกำหนด กรุณารอสักครู่แล้วลองใหม่"),
    exceptions.ValidationError: ("VALIDATION_ERROR", VALIDATION_DETAIL),
}


class ApiError(exceptions.APIException):
    """An error with our own stable code. Subclass it, or raise it with `code=` and a Thai `detail`."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "BAD_REQUEST"
    default_detail = "คำขอไม่ถูกต้อง"


class RequestTooLarge(ApiError):
    """Django's bounds on a request body (DATA_UPLOAD_MAX_NUMBER_FIELDS, DATA_UPLOAD_MAX_MEMORY_SIZE, ...)."""

    default_code = "REQUEST_TOO_LARGE"
    default_detail = "คำขอมีข้อมูลมากเกินกว่าที่รับได้ (จำนวนช่องหรือขนาดเกินกำหนด)"


class MenuDenied(exceptions.PermissionDenied):
    """The caller holds no effective role with the menu this endpoint belongs to."""

    default_code = "MENU_DENIED"
    default_detail = "ท่านไม่มีสิทธิ์ใช้เมนูนี้"


class OutOfScope(exceptions.NotFound):
    default_code = "NOT_FOUND"
    default_detail = NOT_FOUND_DETAIL


def _is_our_code(code) -> bool:
    return isinstance(code, str) and code.isupper()


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """{"field": [...], "items.0.amount": [...]}: one flat level, whatever the nesting of the serializers."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key in ("__all__", None) else str(key)
            if name == api_settings.NON_FIELD_ERRORS_KEY and prefix:
                flat.setdefault(prefix, []).extend(flatten_errors(value, prefix)[prefix])  # a list's own error
                continue
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: [str(item) for item in items]}


def _first_code(detail):
    if isinstance(detail, dict):
        detail = next(iter(detail.values()), None)
    if isinstance(detail, list):
        detail = detail[0] if detail else None
        if isinstance(detail, (dict, list)):
            return _first_code(detail)
    return getattr(detail, "code", None)


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        # Services raise Django's ValidationError; the API answers it like a serializer's.
        exc = exceptions.ValidationError(detail=get_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, AuthorityRefused):
        # A refusal of the authority to grant: its rule is the code (GRANT_ABOVE_AUTHORITY, SELF_DEALING, ...).
        # Its service counted it already (rights.denials); the 403 must not count it again.
        request = context.get("request")
        if request is not None:
            setattr(request._request, DENIAL_COUNTED, True)
        exc = exceptions.PermissionDenied(detail=exc.message, code=exc.rule.upper())
    elif isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        # Raised while DRF parses the body; without this the client would get Django's HTML 400 page.
        exc = RequestTooLarge()
    elif isinstance(exc, DjangoPermissionDenied):
        # A service's refusal carries its own Thai reason, answered under our code; a bare one gets our reason.
        reason = exc.args[0] if exc.args else None
        exc = exceptions.PermissionDenied(reason, code="PERMISSION_DENIED") if reason else exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a real bug, left to Django's 500 handling and logging
    generic_code, generic_detail = next(
        (value for klass, value in _GENERIC.items() if isinstance(exc, klass)), ("ERROR", "เกิดข้อผิดพลาด")
    )
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        code = _first_code(exc.detail)
        body = {"code": code if _is_our_code(code) else generic_code}
        if set(errors) == {api_settings.NON_FIELD_ERRORS_KEY}:
            body["detail"] = " ".join(errors[api_settings.NON_FIELD_ERRORS_KEY])
        else:
            field, messages = next(
                (name, msgs) for name, msgs in errors.items() if name != api_settings.NON_FIELD_ERRORS_KEY
            )
            body["detail"] = f"{generic_detail} ({field}: {messages[0]})"
        body["errors"] = errors
    else:
        code = exc.get_codes() if isinstance(exc.detail, str) else None
        if _is_our_code(code):
            body = {"code": code, "detail": str(exc.detail)}
        else:
            body = {"code": generic_code, "detail": generic_detail}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["detail"] = f"เรียกใช้บ่อยเกินกำหนด กรุณารอ {int(exc.wait) + 1} วินาทีแล้วลองใหม่"
    response.data = body
    return response


class Conflict(ApiError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "CONFLICT"
    default_detail = "รายการนี้อยู่ในสถานะที่ทำรายการนี้ไม่ได้แล้ว"


def conflict_when_coded(exc: DjangoValidationError, *, code: str, answer: str) -> None:
    """A service's refusal with the error code `code` is a 409 with our code `answer`, told by its code.

    Services raise such refusals as a message or a list of them, never keyed by field (error_dict).
    """
    if any(error.code == code for error in getattr(exc, "error_list", ())):
        raise Conflict(" ".join(exc.messages), code=answer) from None


def conflict_when_not_pending(exc: DjangoValidationError) -> None:
    """A service's refusal because the thing was decided already (code NOT_PENDING) is a 409 NOT_PENDING."""
    conflict_when_coded(exc, code=NOT_PENDING, answer="NOT_PENDING")


class ServiceUnavailable(ApiError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "SERVICE_UNAVAILABLE"
    default_detail = "บริการนี้ใช้งานไม่ได้ชั่วคราว"


# Which rule of receipts.services.receipt_right_check refused: the code a program can branch on.
RECEIPT_RULE_CODES = {
    "policy": "POLICY_DENIED",
    "role_not_held": "ROLE_NOT_HELD",
    "no_order": "NO_ORDER",
    "account_inactive": "ACCOUNT_INACTIVE",
    "unknown_person": "UNKNOWN_PERSON",
    "not_in_service": "NOT_IN_SERVICE",
    "retired": "RETIRED",
}


def right_refused(refusal) -> exceptions.PermissionDenied:
    """A service's ReceiptRefused as a 403 with the service's Thai reason and a stable code."""
    return exceptions.PermissionDenied(refusal.message, code=RECEIPT_RULE_CODES.get(refusal.rule, "RIGHT_DENIED"))
