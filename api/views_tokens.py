"""The profile's token pages: create (the token is shown once), list with expiry and last use, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from api.forms import TokenCreateForm
from api.models import ApiToken
from api.selectors import api_token_get, api_token_list
from api.services import MAX_ACTIVE_TOKENS, api_token_create, api_token_revoke
from core.http import client_ip


def _list_page(request, form: TokenCreateForm, *, status: int = 200):
    return render(
        request,
        "api/token_list.html",
        {"tokens": api_token_list(user=request.user), "form": form, "max_active": MAX_ACTIVE_TOKENS,
         "second_factor_verified": request.user.is_verified()},
        status=status,
    )


class TokenListView(View):
    def get(self, request):
        return _list_page(request, TokenCreateForm())


class TokenCreateView(View):
    http_method_names = ["post"]

    def post(self, request):
        form = TokenCreateForm(request.POST)
        if not form.is_valid():
            return _list_page(request, form, status=400)
        try:
            issued = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                second_factor_verified=request.user.is_verified(),
                ip_address=client_ip(request),
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return _list_page(request, form, status=403)
        except ValidationError as exc:
            form.add_error(None, exc)  # by the fields the service names (name, days), codes kept
            return _list_page(request, form, status=400)
        # Rendered, not redirected: the plaintext must never sit in a URL, the session or a cache.
        response = render(request, "api/token_created.html", {"token": issued.token, "plaintext": issued.plaintext})
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        try:
            token = api_token_get(user=request.user, pk=pk)
        except ApiToken.DoesNotExist:
            raise Http404 from None  # someone else's token: as if it did not exist
        try:
            api_token_revoke(token=token, actor=request.user, ip_address=client_ip(request))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request, _("เพิกถอนโทเค็น “%(name)s” แล้ว โปรแกรมที่ใช้โทเค็นนี้จะเรียก API ไม่ได้อีก") % {"name": token.name}
            )
        return redirect("api_tokens:list")
