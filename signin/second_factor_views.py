"""The second factor's pages: the code after the password, the holder's enrolment, a reviewer's reset."""

from __future__ import annotations

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.http import client_ip
from rights.access import MenuRequiredMixin
from signin import second_factor
from signin.login import failures_at

RESET_MENU = "menu_review_accounts"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("รหัสยืนยันตัวตน"), max_length=20,
        help_text=gettext_lazy("ตัวเลข 6 หลักจากแอปยืนยันตัวตน หรือรหัสสำรองที่ได้รับไว้ (เช่น abcde-fghjk)"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True,
                                      "size": 14}),
    )


class ResetForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("เหตุผล"), max_length=255,
                             help_text=gettext_lazy("เช่น โทรศัพท์หาย หรือเปลี่ยนเครื่อง (ยืนยันตัวตนผู้ขอแล้ว)"))


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return settings.LOGIN_REDIRECT_URL


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@method_decorator(login_not_required, name="dispatch")
class LoginVerifyView(View):
    """The login's second step: the password was right; the session is made when the code is."""

    template_name = "registration/login_verify.html"

    def dispatch(self, request, *args, **kwargs):
        self.account = second_factor.pending_login_user(request)
        if self.account is None:
            second_factor.pending_login_end(request)
            messages.info(request, _("หมดเวลาใส่รหัสยืนยันตัวตน กรุณาเข้าสู่ระบบใหม่"))
            return redirect("login")
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form, *, status=200, tries_left=None):
        return _no_store(render(self.request, self.template_name,
                                {"form": form, "account": self.account, "tries_left": tries_left}, status=status))

    def get(self, request):
        return self.render_form(CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        credentials = {"username": self.account.username}
        if AxesProxyHandler.is_locked(request, credentials):
            second_factor.pending_login_end(request)
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        if not form.is_valid():
            return self.render_form(form, status=400)
        device = second_factor.code_verify(request=request, user=self.account, code=form.cleaned_data["code"])
        if device is None:
            if getattr(request, "axes_locked_out", False):
                second_factor.pending_login_end(request)
                return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)  # axes answers for it as well
            form.add_error("code", _("รหัสยืนยันตัวตนไม่ถูกต้องหรือหมดอายุแล้ว"))
            tries_left = max(0, settings.AXES_FAILURE_LIMIT - failures_at(self.account.username, client_ip(request)))
            return self.render_form(form, status=400, tries_left=tries_left)
        next_url = second_factor.pending_login_next(request)
        second_factor.pending_login_end(request)
        self.account.otp_device = device  # django-otp marks the new session verified on login
        auth_login(request, self.account, backend=self.account.backend)  # a new session id
        if device.name == second_factor.BACKUP_DEVICE_NAME:
            messages.warning(request, _("ใช้รหัสสำรองแล้ว เหลืออีก %(left)d รหัส หากโทรศัพท์หาย "
                                        "กรุณาติดต่อผู้ตรวจสอบสิทธิ์ของหน่วยงานเพื่อรีเซ็ตการยืนยันตัวตน")
                             % {"left": device.codes_left})
        return redirect(_safe_next(request, next_url))


class SecondFactorView(View):
    """The holder's own second factor: enrol (QR code, then one code to confirm), see it, renew backup codes."""

    template_name = "accounts/second_factor.html"

    def page(self, *, form=None, status=200, replacing=False):
        user = self.request.user
        device = second_factor.confirmed_app_device(user)
        context = {
            "device": device,
            "backup": second_factor.backup_device(user),
            "required": second_factor.second_factor_required(user),
            "form": form or CodeForm(),
            "next": self.request.GET.get("next", ""),
        }
        if device is None or replacing:
            new = second_factor.enrolment_device(user)
            context.update(
                enrolling=new,
                qr=segno.make(new.config_url, error="m").svg_data_uri(scale=5, border=2),
                key_groups=_key_groups(new),
            )
        return _no_store(render(self.request, self.template_name, context, status=status))

    def get(self, request):
        replacing = request.GET.get("replace") == "1" and request.user.is_verified()
        return self.page(replacing=replacing)

    def post(self, request):
        action = request.POST.get("action")
        if action == "renew":
            if not request.user.is_verified():
                raise PermissionDenied(_("ออกรหัสสำรองใหม่ได้หลังเข้าสู่ระบบด้วยการยืนยันตัวตนสองขั้นตอนเท่านั้น"))
            codes = second_factor.backup_codes_renew(request=request)
            return self.codes_page(codes)
        if action != "confirm":
            raise Http404
        if second_factor.has_second_factor(request.user) and not request.user.is_verified():
            raise PermissionDenied(_("เปลี่ยนเครื่องได้หลังเข้าสู่ระบบด้วยการยืนยันตัวตนสองขั้นตอนเท่านั้น"))
        form = CodeForm(request.POST)
        if not form.is_valid():
            return self.page(form=form, status=400, replacing=True)
        device = second_factor.enrolment_device(request.user)
        codes = second_factor.enrolment_confirm(request=request, device=device, code=form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", _("รหัสไม่ตรงกับแอป ตรวจสอบว่าเวลาในโทรศัพท์ถูกต้อง แล้วใส่รหัสปัจจุบันอีกครั้ง"))
            return self.page(form=form, status=400, replacing=True)
        return self.codes_page(codes, next_url=request.POST.get("next", ""))

    def codes_page(self, codes, *, next_url=""):
        # Rendered, not redirected: the codes never sit in a URL, the session or a cache.
        return _no_store(render(self.request, "accounts/backup_codes.html",
                                {"codes": codes, "next": _safe_next(self.request, next_url)}))


def _key_groups(device) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


class SecondFactorResetView(MenuRequiredMixin, View):
    """A reviewer of the holder's unit or above removes the holder's second factor (a lost phone)."""

    http_method_names = ["post"]
    menu = RESET_MENU

    def post(self, request, pk: int):
        account = self.account_in_scope(pk)
        form = ResetForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("กรุณาระบุเหตุผลของการรีเซ็ตการยืนยันตัวตนสองขั้นตอน"))
            return redirect("audit:account-detail", pk=account.pk)
        removed = second_factor.second_factor_reset(
            account=account, actor=request.user, scope=self.scope, reason=form.cleaned_data["reason"],
            ip_address=client_ip(request),
        )
        if removed:
            messages.success(request, _("รีเซ็ตการยืนยันตัวตนสองขั้นตอนของ %(username)s แล้ว "
                                        "ผู้ใช้จะลงทะเบียนแอปใหม่เมื่อเข้าสู่ระบบครั้งต่อไป")
                             % {"username": account.username})
        else:
            messages.info(request, _("บัญชีนี้ยังไม่ได้ลงทะเบียนการยืนยันตัวตนสองขั้นตอน"))
        return redirect("audit:account-detail", pk=account.pk)
