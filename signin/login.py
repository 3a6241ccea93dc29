"""The login page: django-axes locks a username at one address after three wrong passwords (the Linkage Center
rule); this module adds the throttle per address, so one client cannot try password after password across many
usernames, and keeps what it refuses out of the failure counts (nothing was tried).

A deactivated account that gives its right password is told so, when and by whom, and whom to ask; that is not a
wrong password, so it is neither counted toward the lock nor shown as one. After a wrong password the page says how
many tries are left at this address before the lock (axes counts every username, known or not, so this tells an
outsider nothing about which accounts exist).

Locking a username together with the address it is tried from means nobody elsewhere can lock an official out by
typing wrong passwords at their username: the holder's own address stays open, and a reviewer unlocks the rest.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.ratelimit import request_counted
from core.http import client_ip
from core.thai import format_reader_date
from events.models import Event
from events.services import event_record

IP_THROTTLED = "ip_throttled"
DEACTIVATED = "deactivated"


def failed_logins_from(ip_address: str | None, *, now: datetime.datetime | None = None) -> int:
    """Wrong passwords typed from `ip_address`, over every username, within settings.LOGIN_IP_WINDOW_MINUTES of
    the last one (django-axes keeps one row per username and address, its time that of the latest failure)."""
    from axes.models import AccessAttempt  # axes imports the user model at import time

    if not ip_address:
        return 0
    since = (now or timezone.now()) - datetime.timedelta(minutes=settings.LOGIN_IP_WINDOW_MINUTES)
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def address_throttled(ip_address: str | None) -> bool:
    return failed_logins_from(ip_address) >= settings.LOGIN_IP_FAILURE_LIMIT


def _record_throttle(request, ip_address: str) -> None:
    # One event per address and window, across every server process: a client that keeps posting must not fill
    # the event log.
    refused = request_counted(f"login-throttled:{ip_address}", window_seconds=settings.LOGIN_IP_WINDOW_MINUTES * 60)
    if refused.hits == 1:
        event_record(
            action="accounts.login.throttled", ip_address=ip_address, target_label=ip_address,
            data={"failures": failed_logins_from(ip_address), "limit": settings.LOGIN_IP_FAILURE_LIMIT,
                  "window_minutes": settings.LOGIN_IP_WINDOW_MINUTES,
                  "username": (request.POST.get("username") or "")[:150]},
        )


def failures_at(username: str, ip_address: str | None) -> int:
    """Wrong passwords for `username` from `ip_address` since the last success or unlock (what axes locks by)."""
    from axes.models import AccessAttempt

    total = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def _deactivated_account(username: str, password: str):
    """The account `username` when it is deactivated and `password` is its password; else None."""
    from accounts.models import User

    account = User.objects.filter(username=username, is_active=False).select_related("registered_unit").first()
    if account is None or not account.has_usable_password() or not account.check_password(password):
        return None
    return account


def _deactivated_message(account) -> ValidationError:
    event = (
        Event.objects.filter(action="accounts.account.deactivated", target_type=account._meta.label_lower,
                             target_id=str(account.pk))
        .select_related("actor__official").order_by("-seq").first()
    )
    actor = event.actor if event is not None else None
    if actor is not None:
        by = actor.official.full_name if actor.official is not None else (actor.get_full_name() or actor.username)
    else:
        by = (event.actor_label if event is not None else "") or _("ผู้ดูแลระบบส่วนกลาง")

    unit = account.registered_unit.display_name if account.registered_unit is not None else _("หน่วยงานต้นสังกัด")
    return ValidationError(
        _("บัญชีนี้ถูกระงับการใช้งานแล้วเมื่อ %(when)s โดย %(by)s (%(reason)s) ไม่ใช่รหัสผ่านผิด "
          "หากท่านยังปฏิบัติหน้าที่ที่ต้องใช้ระบบ กรุณาติดต่อผู้ตรวจสอบสิทธิ์ของ%(unit)s "
          "หรือสำนักการสอบสวนและนิติการ กรมการปกครอง เพื่อขอเปิดใช้งานตามคำสั่งมอบหมาย"),
        code=DEACTIVATED,
        params={
            "when": format_reader_date(timezone.localdate(account.deactivated_at)) if account.deactivated_at else "-",
            "by": by, "reason": account.deactivation_reason or "-", "unit": unit,
        },
    )


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        ip_address = client_ip(self.request)
        if address_throttled(ip_address):
            _record_throttle(self.request, ip_address)
            raise ValidationError(
                _("มีการใส่รหัสผ่านผิดจากเครื่องนี้หลายครั้ง ระบบงดรับการเข้าสู่ระบบจากเครื่องนี้ชั่วคราว "
                  "กรุณารอ %(minutes)s นาทีแล้วลองใหม่"),
                code=IP_THROTTLED, params={"minutes": settings.LOGIN_IP_WINDOW_MINUTES},
            )
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username and password:
            account = _deactivated_account(username, password)
            if account is not None:
                # Not handed to authenticate(): a right password is no failure for axes to count.
                refused = request_counted(f"login-deactivated:{account.pk}", window_seconds=3600)
                if refused.hits == 1:  # once an hour per account: a retrying client must not fill the log
                    event_record(action="accounts.login.deactivated_refused", target=account,
                                 unit=account.registered_unit, ip_address=ip_address,
                                 data={"username": account.username})
                raise _deactivated_message(account)
        return super().clean()

    def tries_left(self) -> int | None:
        """After a wrong password: how many more before this username is locked at this address."""
        username = self.cleaned_data.get("username") if hasattr(self, "cleaned_data") else None
        if not username or not self.has_error("__all__", "invalid_login"):
            return None
        return max(0, settings.AXES_FAILURE_LIMIT - failures_at(username, client_ip(self.request)))


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        from signin import second_factor

        user = form.get_user()
        if second_factor.has_second_factor(user):
            # No session yet: it is made when the code is right (signin.second_factor_views.LoginVerifyView).
            second_factor.pending_login_start(self.request, user, next_url=self.get_redirect_url())
            return redirect("login-verify")
        return super().form_valid(form)

    def form_invalid(self, form):
        response = self.render_to_response(self.get_context_data(form=form, tries_left=form.tries_left()))
        if form.has_error("__all__", IP_THROTTLED):
            response.status_code = 429
        return response
