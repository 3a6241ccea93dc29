"""Screens of the rollouts: the centre's plan, completion, decisions, reminders and order; each office's nominations
and its nomination form. Thin: the rules are in rollout.services and rollout.selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Unit
from core.exports import ExportTitle, export_response, exporter_name
from core.http import client_ip
from core.pdf import pdf_response, render_pdf
from rights.access import RECORD_ORDERS_MENU, MenuRequiredMixin
from rights.rules import AuthorityRefused
from rights.scope import today
from rollout import selectors, services
from rollout.access import MANAGE_MENU, nomination_access
from rollout.forms import CompileForm, DecisionForm, NominationForm, RolloutForm
from rollout.models import Nomination, Rollout

PER_PAGE = 50


class CentreMixin(MenuRequiredMixin):
    menu = MANAGE_MENU
    national_only = True  # the plan is the country's: only the centre keeps it
    policy = nomination_access

    def get_rollout(self) -> Rollout:
        return get_object_or_404(Rollout.objects.select_related("created_by", "order"), pk=self.kwargs["pk"])


class RolloutListView(CentreMixin, TemplateView):
    template_name = "rollout/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rollouts=list(selectors.rollout_list()[:100]), **kwargs)


class RolloutFormMixin(CentreMixin):
    template_name = "rollout/form.html"

    def render_form(self, form, rollout=None):
        return self.render_to_response(self.get_context_data(form=form, rollout=rollout))

    def save(self, form, rollout):
        data = dict(form.cleaned_data)
        roles = data.pop("roles")
        try:
            if rollout is None:
                return services.rollout_create(actor=self.request.user, scope=self.scope, roles=roles,
                                               ip_address=client_ip(self.request), **data)
            return services.rollout_update(rollout=rollout, actor=self.request.user, scope=self.scope, roles=roles,
                                           ip_address=client_ip(self.request), **data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return None


class RolloutCreateView(RolloutFormMixin, TemplateView):
    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", RolloutForm())
        return super().get_context_data(**kwargs)

    def post(self, request):
        form = RolloutForm(request.POST)
        if form.is_valid() and (rollout := self.save(form, None)):
            messages.success(request, _("สร้างแผนการเปิดใช้งานแล้ว"))
            return redirect("rollout:detail", pk=rollout.pk)
        return self.render_form(form)


class RolloutEditView(RolloutFormMixin, TemplateView):
    def get_context_data(self, **kwargs):
        rollout = kwargs.get("rollout") or self.get_rollout()
        if "form" not in kwargs:
            initial = {name: getattr(rollout, name) for name in services.FIELDS}
            kwargs["form"] = RolloutForm(initial={**initial, "roles": list(rollout.roles.all())})
        return super().get_context_data(**{**kwargs, "rollout": rollout})

    def post(self, request, pk: int):
        rollout = self.get_rollout()
        form = RolloutForm(request.POST)
        if form.is_valid() and self.save(form, rollout):
            messages.success(request, _("บันทึกการแก้ไขแผนแล้ว"))
            return redirect("rollout:detail", pk=rollout.pk)
        return self.render_form(form, rollout)


class RolloutDetailView(CentreMixin, TemplateView):
    """The plan, completion per province (or per office of one province), the nominations to decide, reminders and
    the order."""

    template_name = "rollout/detail.html"

    def get_context_data(self, **kwargs):
        rollout = self.get_rollout()
        province = None
        if code := self.request.GET.get("province"):
            province = get_object_or_404(Unit, code=code, kind=Unit.Kind.PROVINCE)
        rows, total = selectors.rollout_completion(rollout=rollout, province=province)
        status = self.request.GET.get("status", Nomination.Status.PENDING)
        if status not in Nomination.Status.values:
            status = Nomination.Status.PENDING
        nominations = (
            Nomination.objects.filter(rollout=rollout, status=status)
            .select_related("official__position", "official__level", "role", "unit", "filed_by").order_by("unit__path", "pk")
        )
        page = Paginator(nominations, PER_PAGE).get_page(self.request.GET.get("page"))
        counts = dict(rollout.nominations.order_by().values_list("status").annotate(n=Count("pk")))
        return super().get_context_data(
            rollout=rollout, roles=list(rollout.roles.order_by("code")), rows=rows, total=total, province=province,
            page=page, status=status, statuses=[(value, label, counts.get(value, 0))
                                                 for value, label in Nomination.Status.choices],
            compile_form=kwargs.get("compile_form") or CompileForm(initial={"order_date": today()}),
            deadline_passed=today() > rollout.nomination_deadline, **kwargs,
        )


class RolloutRemindView(CentreMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        rollout = self.get_rollout()
        if today() > rollout.nomination_deadline:
            messages.error(request, _("เลยกำหนดส่งรายชื่อแล้ว ไม่ส่งอีเมลเตือน"))
            return redirect("rollout:detail", pk=pk)
        sent = services.rollout_reminders_send(rollout=rollout, actor=request.user,
                                               base_url=request.build_absolute_uri("/").rstrip("/"),
                                               ip_address=client_ip(request))
        messages.success(request, _("ส่งอีเมลเตือนไปยัง %(n)s หน่วยงานที่ยังไม่ส่งรายชื่อแล้ว") % {"n": len(sent)})
        return redirect("rollout:detail", pk=pk)


class RolloutCompileView(CentreMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        rollout = self.get_rollout()
        form = CompileForm(request.POST)
        if form.is_valid():
            try:
                order = services.rollout_order_compile(rollout=rollout, actor=request.user, scope=self.scope,
                                                       ip_address=client_ip(request), **form.cleaned_data)
            except (ValidationError, AuthorityRefused) as exc:
                messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else exc.message)
            else:
                messages.success(request, _("ออกคำสั่งที่ %(number)s แล้ว รอผู้มีอำนาจอีกคนหนึ่งยืนยัน") % {
                    "number": order.number})
                return redirect("accounts:order-detail", pk=order.pk)
        else:
            messages.error(request, _("กรุณากรอกเลขที่คำสั่ง วันที่ และผู้ลงนามให้ถูกต้อง"))
        return redirect("rollout:detail", pk=pk)


class NominationDecideView(CentreMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        nomination = self.in_scope(pk, Nomination.objects.select_related("unit"))
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("กรุณาเลือกผลการพิจารณา"))
        else:
            try:
                services.nomination_decide(nomination=nomination, accept=form.cleaned_data["decision"] == "accept",
                                           reason=form.cleaned_data["reason"], actor=request.user, scope=self.scope,
                                           ip_address=client_ip(request))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            except AuthorityRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("บันทึกผลการพิจารณาแล้ว"))
        return redirect("rollout:detail", pk=nomination.rollout_id)


# ---------------------------------------------------------------------------------------------------------------
# The offices


class OfficeMixin(MenuRequiredMixin):
    menu = RECORD_ORDERS_MENU
    policy = nomination_access

    def get_office(self) -> tuple[Rollout, Unit]:
        rollout = get_object_or_404(Rollout, pk=self.kwargs["pk"])
        # 404 outside the scope, as if the office did not exist.
        return rollout, self.unit_in_scope(self.kwargs["unit_code"])


class OfficeIndexView(OfficeMixin, TemplateView):
    """The rollouts still taking nominations and the offices of the viewer's scope that file them."""

    template_name = "rollout/office_index.html"

    def get_context_data(self, **kwargs):
        offices = []
        if not self.scope.national:
            offices = list(self.scope.units().filter(kind__in=selectors.OFFICE_KINDS, is_bma=False).order_by("path")[:200])
        rollouts = list(Rollout.objects.filter(go_live_on__gte=today()).order_by("nomination_deadline", "pk"))
        return super().get_context_data(rollouts=rollouts, offices=offices, national=self.scope.national,
                                        on=today(), **kwargs)


class OfficeNominationsView(OfficeMixin, TemplateView):
    template_name = "rollout/office.html"

    def get_context_data(self, **kwargs):
        rollout, unit = self.get_office()
        nominations = list(selectors.nominations_of_office(rollout=rollout, unit=unit))
        form = kwargs.pop("form", None) or NominationForm(roles=rollout.roles.order_by("code"))
        return super().get_context_data(
            rollout=rollout, unit=unit, nominations=nominations, form=form, roles=list(rollout.roles.order_by("code")),
            open_count=sum(1 for n in nominations if n.is_open),
            trainee_count=sum(1 for n in nominations if n.is_open and n.trainee),
            deadline_passed=today() > rollout.nomination_deadline, **kwargs,
        )

    def post(self, request, pk: int, unit_code: str):
        rollout, unit = self.get_office()
        form = NominationForm(request.POST, roles=rollout.roles.all())
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.nomination_file(rollout=rollout, national_id=data["national_id"], role=data["role"],
                                         unit=unit, reason=data["reason"], trainee=data["trainee"],
                                         actor=request.user, scope=self.scope, ip_address=client_ip(request))
            except AuthorityRefused as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("เสนอชื่อแล้ว รอส่วนกลางพิจารณา"))
                return redirect("rollout:office", pk=rollout.pk, unit_code=unit.code)
        return self.render_to_response(self.get_context_data(form=form))


class OfficeFormExportView(OfficeMixin, View):
    """The office's nomination form (แบบแจ้งรายชื่อบุคคลที่ได้รับมอบหมาย) as XLSX or as the signed PDF."""

    HEADER = ["ลำดับ", "เลขประจำตัวประชาชน", "ชื่อ-นามสกุล", "ตำแหน่ง", "ระดับ", "บทบาท", "เข้ารับการอบรม",
              "เหตุผลที่เสนอชื่อ", "สถานะ"]

    def get(self, request, pk: int, unit_code: str, fmt: str):
        if fmt not in ("xlsx", "pdf"):
            raise Http404
        rollout, unit = self.get_office()
        nominations = [n for n in selectors.nominations_of_office(rollout=rollout, unit=unit) if n.is_open]
        filename = f"nomination-form-{rollout.pk}-{unit.code}"
        if fmt == "pdf":
            official = getattr(request.user, "official", None) if request.user.official_id else None
            content = render_pdf("rollout/nomination_form_pdf.html", {
                "rollout": rollout, "unit": unit, "nominations": nominations, "printed_at": timezone.now(),
                "reviewer_name": request.user.get_full_name() or request.user.username,
                "reviewer_position": official.position.name_th if official else "",
            }, request=request)
            return pdf_response(content, filename)
        rows = [
            [index, n.official_id, n.official.full_name, n.official.position.name_th, n.official.level.name_th,
             f"{n.role.code} {n.role.name_th}", "ใช่" if n.trainee else "", n.reason, n.get_status_display()]
            for index, n in enumerate(nominations, start=1)
        ]
        title = ExportTitle(title=f"แบบแจ้งรายชื่อบุคคลที่ได้รับมอบหมาย: {rollout.name}", sheet="แบบแจ้งรายชื่อ",
                            office=unit.display_name, as_of=today(), exported_by=exporter_name(request.user))
        return export_response("xlsx", filename, self.HEADER, rows, title=title)


class NominationWithdrawView(OfficeMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        nomination = self.in_scope(pk, Nomination.objects.select_related("unit"))
        try:
            services.nomination_withdraw(nomination=nomination, actor=request.user, scope=self.scope,
                                         ip_address=client_ip(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("ถอนรายชื่อแล้ว"))
        return redirect("rollout:office", pk=nomination.rollout_id, unit_code=nomination.unit.code)
