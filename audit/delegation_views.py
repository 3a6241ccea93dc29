"""A reviewer hands their review to an acting reviewer for dates, and ends it early (rights.delegation)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.forms import UnitChoiceField
from accounts.models import Unit, User
from audit.views import ReviewMixin
from core.forms import ThaiDateField
from core.http import client_ip
from rights import delegation as delegations
from rights.access import account_access, delegation_access
from rights.models import ReviewDelegation
from rights.rules import AuthorityRefused
from rights.scope import DELEGABLE_MENU, cached_account_rights


class DelegationForm(forms.Form):
    delegate = forms.CharField(label=gettext_lazy("ชื่อผู้ใช้งานของผู้ตรวจสอบแทน"), max_length=150)
    unit = UnitChoiceField(label=gettext_lazy("หน่วยงานที่มอบหมาย"), queryset=Unit.objects.none())
    starts_on = ThaiDateField(label=gettext_lazy("ตั้งแต่วันที่"))
    ends_on = ThaiDateField(label=gettext_lazy("ถึงวันที่"))
    reason = forms.CharField(label=gettext_lazy("เหตุผลหรือคำสั่งที่อ้างถึง"), max_length=255,
                             help_text=gettext_lazy("เช่น ไปราชการต่างจังหวัด ตามคำสั่งที่ 12/2569"))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["unit"].queryset = scope.units().order_by("path")

    def clean_delegate(self):
        # Only accounts of the reviewer's own scope can be found: another office's usernames read as unknown.
        username = self.cleaned_data["delegate"].strip()
        found = account_access.filter(User.objects.filter(username=username), self.scope).first()
        if found is None:
            raise ValidationError(_("ไม่พบบัญชีผู้ใช้งานนี้ในขอบเขตหน่วยงานของท่าน"), code="unknown_account")
        return found


class DelegationListView(ReviewMixin, TemplateView):
    template_name = "audit/delegations.html"

    def own_scope(self):
        return cached_account_rights(self.request.user).scope_for(DELEGABLE_MENU, own_only=True)

    def get_context_data(self, **kwargs):
        own = self.own_scope()
        form = kwargs.pop("form", None) or (DelegationForm(scope=own) if own else None)
        rows = [{"delegation": d, "label": delegations.delegation_label(d),
                 "given": d.delegator_id == self.request.user.pk}
                for d in delegations.delegations_of(self.request.user)]
        return super().get_context_data(form=form, rows=rows, **kwargs)

    def post(self, request):
        own = self.own_scope()
        form = DelegationForm(request.POST, scope=own)
        if form.is_valid():
            data = form.cleaned_data
            try:
                delegations.review_delegate(actor=request.user, delegate=data["delegate"], unit=data["unit"],
                                            starts_on=data["starts_on"], ends_on=data["ends_on"],
                                            reason=data["reason"], ip_address=client_ip(request))
            except (ValidationError, AuthorityRefused) as exc:
                form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(request, _("มอบหมายให้ตรวจสอบแทนแล้ว"))
                return redirect("audit:delegations")
        return self.render_to_response(self.get_context_data(form=form))


class DelegationEndView(ReviewMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        # Outside the viewer's own review (and not theirs to end), a delegation does not exist for them.
        own = cached_account_rights(request.user).scope_for(DELEGABLE_MENU, own_only=True)
        delegation = (ReviewDelegation.objects.filter(delegator=request.user, pk=pk).first()
                      or delegation_access.get_in(own, pk))
        try:
            delegations.review_delegation_end(delegation=delegation, actor=request.user,
                                              ip_address=client_ip(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("สิ้นสุดการมอบหมายแล้ว"))
        return redirect("audit:delegations")
