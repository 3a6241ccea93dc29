"""Activation pages: the holder sets their first password from a link or a printed code; a reviewer issues the code."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import password_validation
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.models import ActivationCode, User
from core.http import client_ip
from rights.access import MenuRequiredMixin
from signin import activation

ISSUE_MENU = "menu_review_accounts"


class ActivationForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("ชื่อผู้ใช้งาน"), max_length=150)
    code = forms.CharField(label=gettext_lazy("รหัสเปิดใช้งาน"), max_length=40,
                           help_text=gettext_lazy("รหัส 16 ตัวอักษรที่หน่วยงานพิมพ์มอบให้ เช่น ABCD-EFGH-JKLM-NPQR"),
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}))
    new_password1 = forms.CharField(label=gettext_lazy("รหัสผ่านใหม่"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=gettext_lazy("ยืนยันรหัสผ่านใหม่"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, by_link: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, in the reader's language.
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()
        if by_link:
            del self.fields["username"], self.fields["code"]

    def check_password(self, account: User) -> bool:
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data.get("new_password2")
        if first != second:
            self.add_error("new_password2", _("รหัสผ่านทั้งสองช่องไม่ตรงกัน"))
            return False
        try:
            password_validation.validate_password(first, account)
        except ValidationError as exc:
            self.add_error("new_password1", exc)
            return False
        return True


@method_decorator(login_not_required, name="dispatch")
class ActivateView(View):
    """/activate/ with a printed code and the username; /activate/<secret>/ from the emailed link."""

    template_name = "registration/activate.html"

    def page(self, form, *, status=200, invalid=False):
        response = render(self.request, self.template_name, {"form": form, "invalid": invalid}, status=status)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"  # the link's secret never leaves the site in a Referer header
        return response

    def get(self, request, secret: str | None = None):
        if secret is not None and activation.activation_find(secret=secret) is None:
            return self.page(ActivationForm(by_link=True), status=410, invalid=True)
        return self.page(ActivationForm(by_link=secret is not None))

    def post(self, request, secret: str | None = None):
        form = ActivationForm(request.POST, by_link=secret is not None)
        if not form.is_valid():
            return self.page(form, status=400)
        if secret is None:
            username = form.cleaned_data["username"]
            credentials = {"username": username}
            if AxesProxyHandler.is_locked(request, credentials):
                return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
            code = activation.activation_find(secret=form.cleaned_data["code"], username=username)
            if code is None:
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
                form.add_error("code", activation.CODE_INVALID)
                return self.page(form, status=400)
        else:
            code = activation.activation_find(secret=secret)
            if code is None:
                return self.page(form, status=410, invalid=True)
        if not form.check_password(code.account):
            return self.page(form, status=400)
        try:
            account = activation.activation_use(code=code, password=form.cleaned_data["new_password1"],
                                                ip_address=client_ip(request))
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.page(form, status=410)
        auth_login(request, account, backend="signin.backends.AccountBackend")
        messages.success(request, _("ตั้งรหัสผ่านเรียบร้อยแล้ว ยินดีต้อนรับสู่ระบบ"))
        return redirect(settings.LOGIN_REDIRECT_URL)


class ActivationIssueView(MenuRequiredMixin, View):
    """A reviewer issues a one-time activation to an account of their scope: printed here, or emailed."""

    http_method_names = ["post"]
    menu = ISSUE_MENU

    def post(self, request, pk: int):
        account = self.account_in_scope(pk)
        channel = request.POST.get("channel", "")
        if channel not in ActivationCode.Channel.values:
            messages.error(request, _("กรุณาเลือกช่องทางการส่งรหัสเปิดใช้งาน"))
            return redirect("audit:account-detail", pk=account.pk)
        try:
            issued = activation.activation_issue(
                account=account, actor=request.user, scope=self.scope, channel=channel,
                base_url=request.build_absolute_uri("/").rstrip("/"), ip_address=client_ip(request),
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("audit:account-detail", pk=account.pk)
        if channel == ActivationCode.Channel.EMAIL:
            messages.success(request, _("ส่งลิงก์เปิดใช้งานไปที่ %(email)s แล้ว") % {"email": account.email})
            return redirect("audit:account-detail", pk=account.pk)
        # Rendered, not redirected: the code never sits in a URL, the session or a cache.
        response = render(request, "accounts/activation_printed.html", {
            "account": account, "issued": issued,
            "activate_url": request.build_absolute_uri("/activate/"),
        })
        response["Cache-Control"] = "no-store"
        return response
