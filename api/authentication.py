"""How an API caller proves who they are: a personal token (`Authorization: Bearer ra_…`) or the browser session."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header

from api.services import TokenRefused, api_token_authenticate
from core.http import client_ip

KEYWORD = "Bearer"


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer ra_<prefix>_<secret>`. Sets request.auth to the ApiToken (the throttle keys on it)."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the session may still authenticate the request
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                TokenRefused.MESSAGES[TokenRefused.TOKEN_INVALID], code=TokenRefused.TOKEN_INVALID
            )
        try:
            plaintext = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                TokenRefused.MESSAGES[TokenRefused.TOKEN_INVALID], code=TokenRefused.TOKEN_INVALID
            ) from None
        try:
            token = api_token_authenticate(plaintext=plaintext, ip_address=client_ip(request))
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(refused.message, code=refused.code) from None
        return token.user, token

    def authenticate_header(self, request):
        # Makes unauthenticated requests 401 (not 403) with a hint of the scheme to use.
        return f'{KEYWORD} realm="api"'


class ApiSessionAuthentication(SessionAuthentication):
    """The logged-in browser (Swagger UI, the office's own pages): CSRF is required for writes, as on every form."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            from signin.second_factor import second_factor_required

            user = request._request.user  # django-otp's wrapper: it knows whether the session passed the code
            if not user.is_verified() and second_factor_required(user):
                raise SecondFactorRequired()
        return result

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise CsrfFailed() from None


class CsrfFailed(exceptions.PermissionDenied):
    default_detail = "คำขอนี้ไม่มีโทเค็น CSRF ที่ถูกต้อง กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"
    default_code = "CSRF_FAILED"


class SecondFactorRequired(exceptions.PermissionDenied):
    default_detail = "บัญชีนี้ต้องเข้าสู่ระบบด้วยการยืนยันตัวตนสองขั้นตอนก่อนใช้ API ผ่านเซสชัน"
    default_code = "SECOND_FACTOR_REQUIRED"
