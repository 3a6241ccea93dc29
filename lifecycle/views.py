"""Screens of the account lifecycle. Thin: each checks the menu and scope, then calls a service in lifecycle.services.

Objects outside the viewer's scope answer 404 (they do not exist for the viewer); a menu the viewer lacks answers 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.forms import formset_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Official, Unit, User
from core.http import client_ip
from core.pdf import pdf_response
from lifecycle import services as lifecycle
from lifecycle.access import change_request_access, leaver_report_access
from lifecycle.change_review import change_request_evidence, flag_labels
from lifecycle.forms import (
    BaseOrderLineFormSet,
    ChangeRequestForm,
    DecisionForm,
    LeaverReportForm,
    OrderForm,
    OrderLineForm,
    OrderLineFormSet,
    ReasonForm,
    ReturnReportForm,
)
from lifecycle.models import ChangeRequest, LeaverReport
from lifecycle.services import locked_usernames
from rights import rules
from rights.access import MenuRequiredMixin, account_access, order_access, order_line_access
from rights.denials import REPEATED_DENIALS_DAYS, repeated_denials
from rights.models import AssignmentOrder, OrderLine, Role
from rights.rules import order_line_in_force
from rights.scope import Scope, cached_account_rights, today
from rights.selectors import (
    CHANGE_REQUEST_SORT,
    LEAVER_QUEUE_SORT,
    ORDER_SORT,
    account_search_condition,
    account_with_registry,
    order_search_condition,
    orders_awaiting_confirmation,
    people_on_record,
)
from rights.services import account_unlock
from rights.sync import rights_apply, rights_plan

PAGE_SIZE = 50
SYNC_DISPLAY_LIMIT = 500
MAX_ORDER_LINES_ON_SCREEN = 50


def paginate(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def first_message(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("ท่านไม่มีสิทธิ์ทำรายการนี้")


def serve_file(field_file, filename: str):
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return pdf_response(handle, filename)


# ---------------------------------------------------------------------------------------------------------------
# Change requests: the holder's side


class ChangeRequestCreateView(TemplateView):
    template_name = "lifecycle/change_request_form.html"

    def get_form(self):
        account = account_with_registry(pk=self.request.user.pk)
        initial = {"position": account.registered_position_id, "level": account.registered_level_id,
                   "unit": account.registered_unit_id}
        if self.request.method == "POST":
            return account, ChangeRequestForm(self.request.POST, self.request.FILES, initial=initial)
        return account, ChangeRequestForm(initial=initial)

    def get(self, request, *args, **kwargs):
        account, form = self.get_form()
        return self.render_to_response(self.get_context_data(form=form, account=account))

    def post(self, request, *args, **kwargs):
        account, form = self.get_form()
        if form.is_valid():
            data = form.cleaned_data
            try:
                lifecycle.change_request_file(
                    account=account, filed_by=request.user, position=data["position"], level=data["level"],
                    unit=data["unit"], order_number=data["order_number"], order_date=data["order_date"],
                    attachment=data["attachment"], note=data["note"], ip_address=client_ip(request),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, first_message(exc))
            else:
                messages.success(request, _("ยื่นคำขอเปลี่ยนแปลงข้อมูลแล้ว ผู้ตรวจสอบสิทธิ์ของหน่วยงานจะพิจารณาต่อไป"))
                return redirect("accounts:change-request-mine")
        return self.render_to_response(self.get_context_data(form=form, account=account))


class MyChangeRequestsView(TemplateView):
    template_name = "lifecycle/change_request_mine.html"

    def get_context_data(self, **kwargs):
        requests = ChangeRequest.objects.filter(account=self.request.user).select_related(
            "position", "level", "unit", "previous_position", "previous_level", "previous_unit", "decided_by"
        )
        return super().get_context_data(page_obj=paginate(self.request, requests), **kwargs)


class ChangeRequestWithdrawView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        change_request = get_object_or_404(ChangeRequest, pk=pk, account=request.user)
        try:
            lifecycle.change_request_withdraw(change_request=change_request, actor=request.user,
                                              ip_address=client_ip(request))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("ถอนคำขอแล้ว"))
        return redirect("accounts:change-request-mine")


# ---------------------------------------------------------------------------------------------------------------
# Change requests: the reviewer's side


def change_requests_visible_to(user: User) -> QuerySet[ChangeRequest]:
    """The holder's own requests, and those of accounts in the viewer's scope for deciding them."""
    scope = change_request_access.scope_for(user, "decide")
    qs = ChangeRequest.objects.select_related(
        "account__registered_unit", "account__registered_position", "account__registered_level", "account__official",
        "position", "level", "unit", "previous_position", "previous_level", "previous_unit", "decided_by", "filed_by",
    )
    in_scope = change_request_access.filter(ChangeRequest.objects.all(), scope).values("pk")
    return qs.filter(Q(account=user) | Q(pk__in=in_scope))


class ChangeRequestQueueView(MenuRequiredMixin, TemplateView):
    menu = "menu_decide_change_requests"
    template_name = "lifecycle/change_request_queue.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status") or ChangeRequest.Status.PENDING
        if status not in ChangeRequest.Status.values:
            status = ChangeRequest.Status.PENDING
        q = (self.request.GET.get("q") or "").strip()
        sort = CHANGE_REQUEST_SORT.read(
            self.request.GET, default="created" if status == ChangeRequest.Status.PENDING else "-decided"
        )
        qs = (
            change_request_access.filter(ChangeRequest.objects.filter(status=status), self.scope)
            .filter(account_search_condition(q, through="account__"))
            .select_related("account__registered_unit", "account__registered_position", "account__registered_level",
                            "position", "level", "unit", "decided_by")
        )
        return super().get_context_data(page_obj=paginate(self.request, sort.order_queryset(qs)), status=status,
                                        statuses=ChangeRequest.Status.choices, q=q, sort=sort, **kwargs)


class ChangeRequestDetailView(TemplateView):
    template_name = "lifecycle/change_request_detail.html"

    def get_context_data(self, **kwargs):
        change_request = get_object_or_404(change_requests_visible_to(self.request.user), pk=self.kwargs["pk"])
        account = change_request.account
        may_decide = (
            change_request.status == ChangeRequest.Status.PENDING
            and change_request_access.allows(self.request.user, "decide", change_request)
            and self.request.user.pk not in (account.pk, change_request.filed_by_id)
        )
        lines = []
        if account.official_id:
            lines = list(
                OrderLine.objects.in_force(today()).filter(official_id=account.official_id)
                .select_related("order__issuing_unit", "role", "unit", "position", "level").latest_first()
            )
        cited = [line for line in lines if line.order.number == change_request.order_number]
        evidence = (
            change_request_evidence(change_request, on=today())
            if change_request.status == ChangeRequest.Status.PENDING else None
        )
        return super().get_context_data(
            change_request=change_request, account=account, may_decide=may_decide, lines=lines, cited=cited,
            evidence=evidence, new_flag_labels=flag_labels(evidence.new_flags) if evidence else [],
            form=kwargs.pop("form", None) or DecisionForm(), **kwargs,
        )


class ChangeRequestDecideView(MenuRequiredMixin, View):
    menu = "menu_decide_change_requests"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        change_request = get_object_or_404(
            change_request_access.filter(ChangeRequest.objects.all(), self.scope), pk=pk
        )
        form = DecisionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect("accounts:change-request-detail", pk=pk)
        approve = form.cleaned_data["decision"] == "approve"
        try:
            lifecycle.change_request_decide(
                change_request=change_request, actor=request.user, approve=approve,
                reason=form.cleaned_data["reason"], scope=self.scope,
                acknowledge_flags=form.cleaned_data["acknowledge_flags"], ip_address=client_ip(request),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, first_message(exc))
            return redirect("accounts:change-request-detail", pk=pk)
        messages.success(request, _("อนุมัติคำขอแล้ว ข้อมูลที่ลงทะเบียนได้รับการแก้ไข") if approve else _("ไม่อนุมัติคำขอแล้ว"))
        return redirect("accounts:change-request-queue")


class ChangeRequestAttachmentView(View):
    def get(self, request, pk: int):
        change_request = get_object_or_404(change_requests_visible_to(request.user), pk=pk)
        return serve_file(change_request.attachment, f"change-request-{pk}")


# ---------------------------------------------------------------------------------------------------------------
# Leavers: the offices' side


LEFT_SERVICE = [Official.Status.RETIRED, Official.Status.TRANSFERRED, Official.Status.RESIGNED, Official.Status.DECEASED]


class LeaverCandidatesView(MenuRequiredMixin, TemplateView):
    """Active accounts whose holder left according to the HR record, or whose computed retirement date has passed."""

    menu = "menu_report_leavers"
    template_name = "lifecycle/leaver_candidates.html"

    def get_context_data(self, **kwargs):
        pending = LeaverReport.objects.filter(account=OuterRef("pk"), status=LeaverReport.Status.PENDING)
        qs = (
            self.accounts_in_scope().filter(is_active=True)
            .filter(Q(official__status__in=LEFT_SERVICE) | Q(official__retirement_date__lt=today()))
            .select_related("official", "registered_unit")
            .annotate(reported=Exists(pending))
            .order_by("registered_unit__code", "username")
        )
        return super().get_context_data(page_obj=paginate(self.request, qs), today=today(), **kwargs)


class LeaverReportCreateView(MenuRequiredMixin, TemplateView):
    menu = "menu_report_leavers"
    template_name = "lifecycle/leaver_report_form.html"

    def form(self):
        accounts = self.accounts_in_scope().filter(is_active=True)
        if self.request.method == "POST":
            return LeaverReportForm(self.request.POST, self.request.FILES, accounts_in_scope=accounts)
        preselected = [pk for pk in self.request.GET.getlist("account") if pk.isdigit()]
        names = accounts.filter(pk__in=preselected).order_by("username").values_list("username", flat=True)
        initial = {"usernames": "\n".join(names)}
        if self.request.GET.get("reason") in LeaverReport.Reason.values:
            initial["reason"] = self.request.GET["reason"]
        return LeaverReportForm(initial=initial, accounts_in_scope=accounts)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form()
        if form.is_valid():
            data = form.cleaned_data
            try:
                reports = lifecycle.leaver_report_file(
                    accounts=data["usernames"], reason=data["reason"], left_on=data["left_on"], actor=request.user,
                    scope=self.scope, evidence=data["evidence"], note=data["note"], ip_address=client_ip(request),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, first_message(exc))
            else:
                messages.success(request, _("ส่งรายงานผู้พ้นจากหน้าที่ %(n)d บัญชีไปยังส่วนกลางแล้ว") % {"n": len(reports)})
                return redirect("accounts:leaver-list")
        return self.render_to_response(self.get_context_data(form=form))


class LeaverReportListView(MenuRequiredMixin, TemplateView):
    """What the office reported and what became of it (returned reports show the centre's reason)."""

    menu = "menu_report_leavers"
    template_name = "lifecycle/leaver_list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        qs = leaver_report_access.filter(LeaverReport.objects.all(), self.scope)
        if status in LeaverReport.Status.values:
            qs = qs.filter(status=status)
        qs = qs.select_related("account__official", "unit", "reported_by", "decided_by")
        return super().get_context_data(page_obj=paginate(self.request, qs), status=status,
                                        statuses=LeaverReport.Status.choices, **kwargs)


class LeaverEvidenceView(View):
    def get(self, request, pk: int):
        rights = cached_account_rights(request.user)
        scope = rights.scope_for("menu_report_leavers")
        if rights.scope_for("menu_deactivate_accounts").national:
            scope = Scope(national=True)
        report = leaver_report_access.get_in(scope, pk)
        return serve_file(report.evidence, f"leaver-report-{pk}")


# ---------------------------------------------------------------------------------------------------------------
# Leavers: the central bureau's side


class LeaverQueueView(MenuRequiredMixin, TemplateView):
    menu = "menu_deactivate_accounts"
    national_only = True
    template_name = "lifecycle/leaver_queue.html"

    def get_context_data(self, **kwargs):
        q = (self.request.GET.get("q") or "").strip()
        sort = LEAVER_QUEUE_SORT.read(self.request.GET)
        qs = (
            LeaverReport.objects.filter(status=LeaverReport.Status.PENDING)
            .filter(account_search_condition(q, through="account__"))
            .select_related("account__official", "account__registered_unit", "unit__parent", "reported_by")
        )
        return super().get_context_data(page_obj=paginate(self.request, sort.order_queryset(qs), 100),
                                        return_form=ReturnReportForm(), q=q, sort=sort, **kwargs)


class LeaverAcceptView(MenuRequiredMixin, View):
    menu = "menu_deactivate_accounts"
    national_only = True
    http_method_names = ["post"]

    def post(self, request):
        ids = [pk for pk in request.POST.getlist("report") if pk.isdigit()]
        reports = list(LeaverReport.objects.filter(pk__in=ids))
        if not reports:
            messages.error(request, _("กรุณาเลือกรายงานอย่างน้อยหนึ่งรายการ"))
            return redirect("accounts:leaver-queue")
        try:
            done = lifecycle.leaver_reports_accept(reports=reports, actor=request.user, scope=self.scope,
                                                   ip_address=client_ip(request))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("ระงับการใช้งานแล้ว %(n)d บัญชี (ไม่ลบข้อมูล)") % {"n": done})
        return redirect("accounts:leaver-queue")


class LeaverReturnView(MenuRequiredMixin, View):
    menu = "menu_deactivate_accounts"
    national_only = True
    http_method_names = ["post"]

    def post(self, request, pk: int):
        report = get_object_or_404(LeaverReport, pk=pk)
        try:
            lifecycle.leaver_report_return(report=report, actor=request.user, reason=request.POST.get("reason", ""),
                                           scope=self.scope, ip_address=client_ip(request))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("ส่งคืนรายงาน #%(pk)d แล้ว") % {"pk": pk})
        return redirect("accounts:leaver-queue")


# ---------------------------------------------------------------------------------------------------------------
# Assignment orders and transfers


class OrderListView(MenuRequiredMixin, TemplateView):
    menu = "menu_record_orders"
    template_name = "lifecycle/order_list.html"

    def get_context_data(self, **kwargs):
        pending = OrderLine.objects.pending_confirmation().filter(order=OuterRef("pk"))
        qs = (
            order_access.filter(AssignmentOrder.objects.all(), self.scope)
            .select_related("issuing_unit", "recorded_by")
            .annotate(pending=Exists(pending))
        )
        q = (self.request.GET.get("q") or "").strip()
        if q:
            qs = qs.filter(order_search_condition(q))
        state = self.request.GET.get("state", "")
        if state == "pending":
            qs = qs.filter(pending=True)
        elif state == "mine":
            qs = orders_awaiting_confirmation(scope=self.scope, viewer=self.request.user).filter(pk__in=qs.values("pk"))
            qs = qs.select_related("issuing_unit", "recorded_by").annotate(pending=Exists(pending))
        sort = ORDER_SORT.read(self.request.GET)
        return super().get_context_data(page_obj=paginate(self.request, sort.order_queryset(qs)), q=q,
                                        state=state, sort=sort, **kwargs)


class OrderCreateView(MenuRequiredMixin, TemplateView):
    menu = "menu_record_orders"
    template_name = "lifecycle/order_form.html"

    def line_count(self) -> int:
        wanted = self.request.GET.get("lines", "")
        return min(int(wanted), MAX_ORDER_LINES_ON_SCREEN) if wanted.isdigit() and int(wanted) > 0 else 3

    def forms(self):
        units = self.scope.units().order_by("path")
        grantable = rules.grantable_roles(self.scope, Role.objects.all())
        roles = Role.objects.filter(pk__in=[role.pk for role in grantable]).order_by("code")
        if self.request.method == "POST":
            return (OrderForm(self.request.POST, self.request.FILES, units=units),
                    OrderLineFormSet(self.request.POST, prefix="lines", units=units, roles=roles))
        formset_class = formset_factory(OrderLineForm, formset=BaseOrderLineFormSet, extra=self.line_count(),
                                        min_num=0, max_num=200)
        return OrderForm(units=units), formset_class(prefix="lines", units=units, roles=roles)

    def get_context_data(self, **kwargs):
        more = min(self.line_count() + 5, MAX_ORDER_LINES_ON_SCREEN)
        return super().get_context_data(more_lines=more, **kwargs)

    def get(self, request, *args, **kwargs):
        form, formset = self.forms()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        form, formset = self.forms()
        if form.is_valid() and formset.is_valid():
            lines = [
                lifecycle.OrderLineInput(
                    national_id=row["national_id"], written_name=row.get("written_name", ""), role=row["role"],
                    unit=row["unit"], position=row["position"], level=row["level"],
                    effective_from=row["effective_from"], effective_to=row.get("effective_to"),
                    acting=row.get("acting") or "",
                )
                for row in formset.cleaned_data
                if row and not row.get("DELETE")
            ]
            data = form.cleaned_data
            try:
                order = lifecycle.order_record(
                    number=data["number"], order_date=data["order_date"], issuing_unit=data["issuing_unit"],
                    signer=data["signer"], lines=lines, actor=request.user, scope=self.scope, scan=data["scan"],
                    ip_address=client_ip(request),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, first_message(exc))
            else:
                messages.success(request, _("บันทึกคำสั่งที่ %(number)s แล้ว รอผู้มีอำนาจอีกคนหนึ่งยืนยัน "
                                            "คำสั่งจึงจะให้สิทธิ์ได้เมื่อปรับสิทธิ์ตามคำสั่ง")
                                 % {"number": order.number})
                for warning in lifecycle.order_people_not_on_record(lines=lines, scope=self.scope):
                    messages.warning(request, warning)
                return redirect("accounts:order-detail", pk=order.pk)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class OrderDetailView(MenuRequiredMixin, TemplateView):
    menu = "menu_record_orders"
    template_name = "lifecycle/order_detail.html"

    def get_context_data(self, **kwargs):
        order = get_object_or_404(
            order_access.filter(AssignmentOrder.objects.all(), self.scope).select_related("issuing_unit", "recorded_by"),
            pk=self.kwargs["pk"],
        )
        lines = list(order.lines.select_related("role", "unit", "position", "level", "recorded_by",
                                                "confirmed_by").order_by("pk"))
        on = today()
        # The HR record of the people named, only where it lies in the viewer's scope: for anyone else the page shows
        # the name as written on the order.
        on_record = people_on_record(national_ids={line.official_id for line in lines}, scope=self.scope)
        # Accounts of the people named, registered elsewhere: a transfer can move them here under this order.
        accounts = {}
        # Only accounts in the viewer's scope are shown: the order may name people registered elsewhere.
        for account in account_access.filter(User.objects.filter(
            is_active=True, official_id__in={line.official_id for line in lines}
        ), self.scope).select_related("registered_unit"):
            accounts.setdefault(account.official_id, []).append(account)
        rows = []
        for line in lines:
            movable = [
                a for a in accounts.get(line.official_id, [])
                if a.registered_unit_id != line.unit_id and order_line_in_force(line, on)
                and self.scope.contains(line.unit)
            ]
            rows.append({"line": line, "movable": movable, "in_force": order_line_in_force(line, on),
                         "person": on_record.get(line.official_id)})
        pending = [line for line in lines if not line.is_confirmed] if order.revoked_at is None else []
        refusal = (
            lifecycle.order_confirm_refusal(order=order, lines=pending, actor=self.request.user, scope=self.scope)
            if pending else None
        )
        return super().get_context_data(order=order, rows=rows, revoke_form=ReasonForm(), pending=pending,
                                        confirm_refusal=refusal, **kwargs)


class OrderRevokeView(MenuRequiredMixin, View):
    menu = "menu_record_orders"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        order = order_access.get_in(self.scope, pk)
        try:
            lifecycle.order_revoke(order=order, actor=request.user, reason=request.POST.get("reason", ""),
                                   typed_number=request.POST.get("typed_number", ""), scope=self.scope,
                                   ip_address=client_ip(request))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("ยกเลิกคำสั่งแล้ว"))
        return redirect("accounts:order-detail", pk=pk)


class OrderConfirmView(MenuRequiredMixin, View):
    """The second pair of eyes on an order's pending lines (lifecycle.services.order_confirm)."""

    menu = "menu_record_orders"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        order = order_access.get_in(self.scope, pk)
        try:
            confirmed = lifecycle.order_confirm(order=order, actor=request.user, scope=self.scope,
                                                ip_address=client_ip(request))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("ยืนยันคำสั่งที่ %(number)s แล้ว %(count)d รายการ "
                                        "สิทธิ์จะเปลี่ยนเมื่อปรับสิทธิ์ตามคำสั่ง") % {"number": order.number, "count": confirmed})
        return redirect("accounts:order-detail", pk=pk)


class OrderScanView(MenuRequiredMixin, View):
    menu = "menu_record_orders"

    def get(self, request, pk: int):
        order = order_access.get_in(self.scope, pk)
        return serve_file(order.scan, f"order-{pk}")


class AccountMoveView(MenuRequiredMixin, View):
    menu = "menu_record_orders"
    http_method_names = ["post"]

    def post(self, request, line_pk: int):
        line = get_object_or_404(
            order_line_access.filter(OrderLine.objects.all(), self.scope).select_related("order"), pk=line_pk
        )
        # The account must be in the caller's scope too: 404 for one registered at an office they do not answer for.
        account = get_object_or_404(
            self.accounts_in_scope(), pk=request.POST.get("account") or 0, official_id=line.official_id
        )
        try:
            lifecycle.account_move(account=account, line=line, actor=request.user, scope=self.scope,
                                   ip_address=client_ip(request))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("ย้ายบัญชี %(username)s มาที่%(unit)s แล้ว")
                             % {"username": account.username, "unit": line.unit.display_name})
        return redirect("accounts:order-detail", pk=line.order_id)


# ---------------------------------------------------------------------------------------------------------------
# Rights follow orders: the difference, and applying it


class RightsSyncView(MenuRequiredMixin, TemplateView):
    menu = "menu_review_accounts"
    template_name = "lifecycle/rights_sync.html"

    def selection(self, params) -> tuple[QuerySet[User] | None, Unit | None, User | None]:
        accounts = self.accounts_in_scope()
        unit = account = None
        if params.get("unit"):
            unit = get_object_or_404(self.scope.units(), code=params["unit"])
            accounts = Scope(roots=[unit]).filter(accounts, "registered_unit")
        if (params.get("account") or "").isdigit():
            account = get_object_or_404(accounts, pk=params["account"])
            accounts = accounts.filter(pk=account.pk)
        if self.scope.national and unit is None and account is None:
            return None, None, None  # the whole country is the command's job; pick a unit here
        return accounts, unit, account

    def plan(self, params):
        accounts, unit, account = self.selection(params)
        changes = [] if accounts is None else rights_plan(accounts=accounts, on=today(), units=self.scope,
                                                          actor=self.request.user)
        return changes, unit, account, accounts is None

    def get(self, request, *args, **kwargs):
        changes, unit, account, needs_unit = self.plan(request.GET)
        return self.render_to_response(self.get_context_data(
            changes=changes[:SYNC_DISPLAY_LIMIT], truncated=len(changes) > SYNC_DISPLAY_LIMIT, total=len(changes),
            applicable=sum(1 for c in changes if c.applicable), unit=unit, account=account, needs_unit=needs_unit,
            on=today(),
        ))

    def post(self, request, *args, **kwargs):
        # Re-planned in Thai: each change's reason goes into the event log, which is kept in one language.
        with translation.override(settings.LANGUAGE_CODE):
            changes, unit, account, _needs_unit = self.plan(request.POST)
            wanted = set(request.POST.getlist("change"))
            # Re-planned now: a change that is no longer due (someone applied it, an order ended) is skipped.
            chosen = [c for c in changes if c.applicable and c.key in wanted]
            applied = rights_apply(changes=chosen, actor=request.user, scope=self.scope, ip_address=client_ip(request))
        stale = len(wanted) - len(chosen)
        messages.success(request, _("ปรับสิทธิ์แล้ว: ให้สิทธิ์ %(g)d ถอนสิทธิ์ %(r)d")
                         % {"g": applied.granted, "r": applied.revoked})
        for refusal in applied.refused:
            messages.error(request, refusal)
        if stale > 0:
            messages.warning(request, _("ข้าม %(n)d รายการที่ไม่ต้องปรับแล้ว") % {"n": stale})
        query = []
        if unit:
            query.append(f"unit={unit.code}")
        if account:
            query.append(f"account={account.pk}")
        return redirect(reverse("accounts:rights-sync") + ("?" + "&".join(query) if query else ""))


# ---------------------------------------------------------------------------------------------------------------
# Accounts locked by failed logins


REPEATED_DENIALS_SHOWN = 50


class LockedAccountsView(MenuRequiredMixin, TemplateView):
    menu = "menu_review_accounts"
    template_name = "lifecycle/locked_accounts.html"

    def get_context_data(self, **kwargs):
        from axes.models import AccessAttempt

        last = AccessAttempt.objects.filter(
            username=OuterRef("username"), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).order_by("-attempt_time")
        qs = (
            self.accounts_in_scope().filter(username__in=locked_usernames())
            .select_related("registered_unit")
            .annotate(locked_at=Subquery(last.values("attempt_time")[:1]), locked_ip=Subquery(last.values("ip_address")[:1]))
            .order_by("registered_unit__code", "username")
        )
        return super().get_context_data(
            page_obj=paginate(self.request, qs),
            denials=repeated_denials(scope=self.scope, days=REPEATED_DENIALS_DAYS)[:REPEATED_DENIALS_SHOWN],
            denials_days=REPEATED_DENIALS_DAYS, denials_repeated=settings.DENIED_ACCESS_REPEATED, **kwargs,
        )


class AccountUnlockView(MenuRequiredMixin, View):
    menu = "menu_review_accounts"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        account = get_object_or_404(self.accounts_in_scope().select_related("registered_unit"), pk=pk)
        cleared = account_unlock(account=account, actor=request.user, scope=self.scope, ip_address=client_ip(request))
        if cleared:
            messages.success(request, _("ปลดล็อกบัญชี %(username)s แล้ว") % {"username": account.username})
        else:
            messages.info(request, _("บัญชี %(username)s ไม่ได้ถูกล็อก") % {"username": account.username})
        next_url = request.POST.get("next")
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("accounts:locked-accounts")
