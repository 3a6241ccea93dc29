"""The login page: django-axes locks a username at one address after three wrong passwords (the Linkage Center
rule); this module adds the throttle per address, so one client cannot try password after password across many
usernames, and keeps what it refuses out of the failure counts (nothing was tried).

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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.ratelimit import request_counted
from accounts.signals import client_ip
from events.services import event_record

IP_THROTTLED = "ip_throttled"


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
        return super().clean()


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", IP_THROTTLED):
            response.status_code = 429
        return response
