"""Hold an account that needs the second factor at the enrolment page until it has enrolled.

The login asks for the code whenever the account has a device (signin.login), so a session of such an account is
verified from its start; this catches the rest: a role that needs the factor held by an account not yet enrolled
(it gets no menu until it enrols), and a session made before the device was.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from signin.second_factor import (
    has_second_factor,
    second_factor_required,
)

# Pages an account held here may still open.
OPEN_VIEWS = {"activate", "activate-link", "password_reset", "password_reset_done", "password_reset_confirm",
              "password_reset_complete", "logout", "set_language", "login", "login-verify", "accounts:second-factor", "accounts:password-change"}


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_VIEWS or not getattr(view_func, "login_required", True):
            return None
        if not second_factor_required(user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("บัญชีนี้ต้องเข้าสู่ระบบด้วยการยืนยันตัวตนสองขั้นตอนก่อนใช้ API ผ่านเซสชัน"),
                 "code": "second_factor_required"},
                status=403,
            )
        query = urlencode({"next": request.get_full_path()})
        if has_second_factor(user):
            # Enrolled since this session began: the session never passed the code.
            logout(request)
            return redirect(f"{reverse('login')}?{query}")
        return redirect(f"{reverse('accounts:second-factor')}?{query}")
