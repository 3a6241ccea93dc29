from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from core.http import client_ip
from events.services import event_record
from rights.scope import cached_account_rights
from rights.selectors import account_with_registry, order_lines_for_account
from signin.navigation import home_panels_for


class HomeView(TemplateView):
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs):
        account = account_with_registry(pk=self.request.user.pk)
        rights = cached_account_rights(self.request.user)
        panels = [
            render_to_string(panel["template_name"], panel["context"], request=self.request)
            for panel in home_panels_for(self.request.user)
        ]
        return super().get_context_data(account=account, rights=rights, panels=panels, **kwargs)


class ProfileView(TemplateView):
    """The account holder's own page: registration data beside the HR record, and the orders behind each right."""

    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        account = account_with_registry(pk=self.request.user.pk)
        return super().get_context_data(
            account=account,
            rights=cached_account_rights(self.request.user),
            order_lines=order_lines_for_account(account=account),
            **kwargs,
        )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        event_record(action="accounts.password.changed", actor=self.request.user, target=self.request.user,
                     ip_address=client_ip(self.request))
        messages.success(self.request, _("เปลี่ยนรหัสผ่านเรียบร้อยแล้ว"))
        return response


@login_not_required
def favicon(request):
    # Browsers and bookmark tools ask for /favicon.ico whatever the page links; it lives with the static files.
    return HttpResponsePermanentRedirect(static("favicon.ico"))
