"""Password reset by email, through Django's views, in Thai, logged.

Django's form sends nothing to an account without a usable password (a new account activates instead) or without
an email address, and the page answers the same whether or not the address is known, so it tells nobody which
addresses have accounts. The second factor is still asked at the next login.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from core.http import client_ip
from events.services import event_record


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = {"valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
        email = form.cleaned_data["email"]
        accounts = list(form.get_users(email))
        event_record(action="accounts.password.reset_requested", ip_address=client_ip(self.request),
                     target_label=email[:255], data={"accounts": [account.username for account in accounts]})
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        account = form.user
        event_record(action="accounts.password.reset", actor=account, target=account, unit=account.registered_unit,
                     ip_address=client_ip(self.request))
        return response
