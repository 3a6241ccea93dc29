"""Screens of the review rounds: the list (and opening one, for the centre), completion per office, and an office's
items with an answer per problem. Thin: the rules are in audit.rounds."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from audit import rounds
from audit.access import round_item_access
from audit.models import CLEAN, ReviewRound, RoundItem
from core.forms import ThaiDateField
from core.http import client_ip
from core.thai import be_iso
from lifecycle.models import ChangeRequest, LeaverReport
from rights.access import REVIEW_MENU, MenuRequiredMixin
from rights.scope import today

ITEMS_PER_PAGE = 50


class RoundOpenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("ชื่อรอบ"), max_length=200,
                           help_text=gettext_lazy("เช่น ตรวจสอบสิทธิ์ประจำไตรมาส 1/2570"))
    as_of = ThaiDateField(label=gettext_lazy("ข้อมูล ณ วันที่"))
    deadline = ThaiDateField(label=gettext_lazy("กำหนดส่งผล"))
    note = forms.CharField(label=gettext_lazy("หมายเหตุ"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    changes_only = forms.BooleanField(
        label=gettext_lazy("เฉพาะบัญชีที่เปลี่ยนแปลงจากรอบก่อน"), required=False,
        help_text=gettext_lazy("บัญชีที่ข้อมูลลงทะเบียน ทะเบียนบุคคล คำสั่ง และสิทธิ์ที่ถือไม่เปลี่ยนจากรอบที่ปิดล่าสุดของหน่วยงาน "
                               "จะยกผลการยืนยันและข้อยกเว้นที่ยังไม่หมดอายุมาให้ โดยระบุว่ายกมา"),
    )


class ItemDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("ผลการตรวจสอบ"), choices=RoundItem.Decision.choices)
    reason = forms.CharField(label=gettext_lazy("เหตุผล"), required=False, max_length=2000)
    exception_until = ThaiDateField(label=gettext_lazy("ยกเว้นถึงวันที่"), required=False, help_text="")


class BulkDecisionForm(ItemDecisionForm):
    SELECTED, ALL_OF_PROBLEM = "selected", "all_of_problem"

    target = forms.ChoiceField(choices=[(SELECTED, SELECTED), (ALL_OF_PROBLEM, ALL_OF_PROBLEM)], initial=SELECTED)
    items = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    code = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, item_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(pk, pk) for pk in item_ids]


class RoundMixin(MenuRequiredMixin):
    menu = REVIEW_MENU
    policy = round_item_access

    def get_round(self) -> ReviewRound:
        return get_object_or_404(ReviewRound.objects.select_related("opened_by", "closed_by"), pk=self.kwargs["pk"])



class RoundListView(RoundMixin, TemplateView):
    template_name = "audit/round_list.html"

    def get_context_data(self, **kwargs):
        review_rounds = list(ReviewRound.objects.select_related("opened_by").order_by("-opened_at")[:50])
        counts = {
            row["round_id"]: row
            for row in round_item_access.filter(RoundItem.objects.filter(round__in=review_rounds), self.scope)
            .values("round_id")
            .annotate(total=Count("pk"), open_items=Count("pk", filter=Q(decision=RoundItem.Decision.NOT_VERIFIED)))
        }
        on = today()
        rows = []
        for review_round in review_rounds:
            row = counts.get(review_round.pk, {"total": 0, "open_items": 0})
            done = row["total"] - row["open_items"]
            rows.append({
                "round": review_round, "total": row["total"], "not_verified": row["open_items"],
                "percent": 100 if not row["total"] else 100 * done // row["total"],
                "overdue": review_round.is_open and on > review_round.deadline and row["open_items"] > 0,
            })
        form = kwargs.pop("form", None) or RoundOpenForm(initial={"as_of": on})
        return super().get_context_data(rows=rows, national=self.scope.national, form=form, **kwargs)


class RoundOpenView(RoundMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if not self.scope.national:
            raise PermissionDenied
        form = RoundOpenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review_round = rounds.round_open(
                    name=data["name"], as_of=data["as_of"], deadline=data["deadline"], note=data["note"],
                    changes_only=data["changes_only"], actor=request.user, scope=self.scope, ip_address=client_ip(request),
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, _("เปิดรอบการตรวจสอบ \"%(name)s\" แล้ว") % {"name": review_round.name})
                return redirect("audit:round-detail", pk=review_round.pk)
        view = RoundListView()
        view.setup(request)
        view.scope = self.scope
        return view.render_to_response(view.get_context_data(form=form))


class RoundCloseView(RoundMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        try:
            rounds.round_close(review_round=self.get_round(), actor=request.user, scope=self.scope,
                               ip_address=client_ip(request))
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("ปิดรอบการตรวจสอบแล้ว"))
        return redirect("audit:round-detail", pk=pk)


class RoundDetailView(RoundMixin, TemplateView):
    """Completion per office under the viewed unit; overdue offices highlighted, with how many are late below."""

    template_name = "audit/round_detail.html"

    def get_context_data(self, **kwargs):
        review_round = self.get_round()
        parent = self.unit_in_scope(self.request.GET["unit"]) if self.request.GET.get("unit") else None
        offices, total = rounds.round_progress(review_round=review_round, scope=self.scope, parent=parent)
        # The way up, as far as the viewer's scope goes.
        trail = []
        unit = parent
        while unit is not None and self.scope.contains(unit):
            trail.insert(0, unit)
            unit = unit.parent if unit.parent_id else None
        return super().get_context_data(
            round=review_round, offices=offices, total=total, parent=parent, trail=trail,
            national=self.scope.national, overdue=review_round.is_open and today() > review_round.deadline,
            decisions=RoundItem.Decision.choices, **kwargs,
        )


class RoundOfficeView(RoundMixin, TemplateView):
    template_name = "audit/round_office.html"

    def get_context_data(self, **kwargs):
        review_round = self.get_round()
        unit = self.unit_in_scope(self.kwargs["unit_code"])
        items = rounds.round_items_of_office(review_round=review_round, unit=unit)
        status = self.request.GET.get("decision", "")
        if status in RoundItem.Decision.values:
            items = items.filter(decision=status)
        codes = dict(review_round.items.filter(unit=unit).values_list("code", "code").distinct().order_by())
        code = self.request.GET.get("code", "")
        if code in codes:
            items = items.filter(code=code)
        else:
            code = ""
        page = Paginator(items, ITEMS_PER_PAGE).get_page(self.request.GET.get("page"))
        accounts = {item.account_id for item in page}
        # What was filed during the round, to show beside the answers (two queries for the page).
        change_requests = set(
            ChangeRequest.objects.filter(account_id__in=accounts, created_at__gte=review_round.opened_at)
            .exclude(status=ChangeRequest.Status.WITHDRAWN).values_list("account_id", flat=True)
        )
        leaver_reports = set(
            LeaverReport.objects.filter(account_id__in=accounts, created_at__gte=review_round.opened_at)
            .exclude(status=LeaverReport.Status.RETURNED).values_list("account_id", flat=True)
        )
        rows = []
        for item in page:
            choices = [(value, RoundItem.Decision(value).label) for value in rounds.decisions_for(item.code)]
            rows.append({
                "item": item, "label": rounds.problem_label(item.code), "choices": choices,
                "change_request_filed": item.account_id in change_requests,
                "leaver_reported": item.account_id in leaver_reports,
                "leaver_code": rounds.D.LEAVER in rounds.decisions_for(item.code),
                "exception_until": be_iso(item.exception_until),
                "changes": rounds.changes_for_display(item.changes),
            })
        clean_open = review_round.items.filter(unit=unit, code=CLEAN, decision=RoundItem.Decision.NOT_VERIFIED).count()
        code_open = (
            review_round.items.filter(unit=unit, code=code, decision=RoundItem.Decision.NOT_VERIFIED).count()
            if code else 0
        )
        bulk_choices = [(value, RoundItem.Decision(value).label) for value in rounds.decisions_for(code)] if code else [
            (value, label) for value, label in RoundItem.Decision.choices if value != RoundItem.Decision.NOT_VERIFIED
        ]
        return super().get_context_data(
            round=review_round, unit=unit, page_obj=page, rows=rows, status=status, clean_open=clean_open,
            decisions=RoundItem.Decision.choices, may_answer=review_round.is_open, code=code, code_open=code_open,
            problems=sorted(((value, rounds.problem_label(value)) for value in codes), key=lambda pair: str(pair[1])),
            bulk_choices=bulk_choices, code_label=rounds.problem_label(code) if code else "", **kwargs,
        )


class RoundItemDecideView(RoundMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        item = get_object_or_404(
            round_item_access.filter(RoundItem.objects.select_related("round", "unit", "account"), self.scope), pk=pk
        )
        form = ItemDecisionForm(request.POST)
        back = reverse("audit:round-office", args=[item.round_id, item.unit.code])
        if request.POST.get("page", "").isdigit():
            back += f"?page={request.POST['page']}"
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, f"{item.account.username}: {' '.join(errors)}")
            return redirect(back)
        data = form.cleaned_data
        try:
            rounds.round_item_decide(item=item, decision=data["decision"], reason=data["reason"],
                                     exception_until=data["exception_until"], actor=request.user, scope=self.scope,
                                     ip_address=client_ip(request))
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"{item.account.username} · {rounds.problem_label(item.code)}: {text}")
        else:
            messages.success(request, _("บันทึกผลการตรวจสอบของ %(username)s แล้ว") % {"username": item.account.username})
        return redirect(back)


class RoundItemsDecideView(RoundMixin, View):
    """One answer and one reason for many items of an office: those ticked on the page, or every unanswered item of
    one problem (e.g. all the dormant accounts). All of them are saved, or none, and the page says which refused."""

    http_method_names = ["post"]

    def post(self, request, pk: int, unit_code: str):
        review_round = self.get_round()
        unit = self.unit_in_scope(unit_code)
        office_items = review_round.items.filter(unit=unit)
        form = BulkDecisionForm(request.POST, item_ids=list(office_items.values_list("pk", flat=True)))
        back = reverse("audit:round-office", args=[review_round.pk, unit.code])
        if request.POST.get("code"):
            back += f"?code={request.POST['code']}"
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields and form.fields[name].label else ""
                messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
            return redirect(back)
        data = form.cleaned_data
        if data["target"] == BulkDecisionForm.ALL_OF_PROBLEM:
            item_ids = list(office_items.filter(code=data["code"], decision=RoundItem.Decision.NOT_VERIFIED)
                            .values_list("pk", flat=True))
        else:
            item_ids = data["items"]
        try:
            done = rounds.round_items_decide(
                review_round=review_round, unit=unit, item_ids=item_ids, decision=data["decision"],
                reason=data["reason"], exception_until=data["exception_until"], actor=request.user,
                scope=self.scope, ip_address=client_ip(request),
            )
        except (ValidationError, PermissionDenied) as exc:
            for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
                messages.error(request, message)
        else:
            messages.success(request, _("บันทึกผลการตรวจสอบแล้ว %(n)d รายการ") % {"n": done.decided})
            if done.skipped_own:
                messages.info(request, _("รายการของบัญชีท่านเอง %(n)d รายการยังไม่ได้บันทึก ต้องให้ผู้ตรวจสอบอีกคนหนึ่งตอบ")
                              % {"n": done.skipped_own})
        return redirect(back)


class RoundConfirmCleanView(RoundMixin, View):
    """Confirm at once every account of the office in which the round found no problem (each one logged)."""

    http_method_names = ["post"]

    def post(self, request, pk: int, unit_code: str):
        review_round = self.get_round()
        unit = self.unit_in_scope(unit_code)
        try:
            done = rounds.round_confirm_clean(review_round=review_round, unit=unit, actor=request.user, scope=self.scope,
                                              ip_address=client_ip(request))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("ยืนยันบัญชีที่ไม่พบปัญหาแล้ว %(n)d บัญชี") % {"n": done})
        return redirect("audit:round-office", pk=pk, unit_code=unit.code)
