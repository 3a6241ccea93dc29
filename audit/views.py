"""The review screens: a district's accounts, one account, the province and national summaries, their exports.

Every view reads the viewer's scope for the "ตรวจสอบสิทธิ์" menu: without the menu the answer is 403; an account
or office outside the scope is 404, so that outsiders learn nothing about what exists elsewhere.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Unit
from audit.engine import audit_account
from audit.forms import AccountFilterForm, AsOfForm
from audit.selectors import (
    OFFICE_ACCOUNT_SORT,
    account_comparison,
    account_display_name,
    account_in_scope,
    account_order_lines,
    national_summary,
    office_accounts,
    office_accounts_export_rows,
    people_without_record,
    people_without_record_export_rows,
    province_summary,
    shown_national_id,
    summary_export_rows,
)
from core.exports import ExportTitle, export_response, exporter_name
from core.http import client_ip
from core.national_id import format_national_id
from core.pdf import PdfUnavailable, pdf_response, render_pdf
from core.thai import be_iso
from events.services import event_record
from rights.access import REVIEW_MENU, MenuRequiredMixin, account_access
from rights.flags import flag_label
from rights.scope import AccountRights
from rights.selectors import signer_of
from signin.second_factor import has_second_factor

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")


class ReviewMixin(MenuRequiredMixin):
    """The viewer's review scope, checked before anything else (rights.access)."""

    menu = REVIEW_MENU
    policy = account_access

    @property
    def masked(self) -> bool:
        """National IDs are masked in lists and exports for everyone but the central admins."""
        return not self.scope.national

    def breadcrumbs(self, unit: Unit | None) -> list[dict]:
        """Links up the tree, as far as the viewer may go."""
        crumbs = []
        if self.scope.national:
            crumbs.append({"label": _("ทั่วประเทศ"), "url": reverse("audit:national-summary")})
        province = unit if unit is not None and unit.kind == Unit.Kind.PROVINCE else getattr(unit, "parent", None)
        if province is not None and province.kind == Unit.Kind.PROVINCE and self.scope.contains(province):
            crumbs.append({"label": province.display_name,
                           "url": reverse("audit:province-summary", args=[province.code])})
        return crumbs

    def record_export(self, *, report: str, fmt: str, as_of: datetime.date, rows: int, unit: Unit | None,
                      filters: dict | None = None) -> None:
        event_record(
            action="audit.report.exported",
            actor=self.request.user,
            target=unit,
            target_label=unit.display_name if unit is not None else "ทั่วประเทศ",
            unit=unit,
            data={"report": report, "format": fmt, "as_of": as_of, "rows": rows, **(filters or {})},
            ip_address=client_ip(self.request),
        )


def _check_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return fmt


class ReviewHomeView(ReviewMixin, View):
    """The menu's landing page: the report that fits the viewer's scope."""

    def get(self, request):
        if self.scope.national:
            return redirect("audit:national-summary")
        roots = sorted(self.scope.roots, key=lambda unit: (unit.path.count("/"), unit.code))
        if len({root.pk for root in roots}) == 1:
            return redirect(_report_url(roots[0]))
        units = list({root.pk: root for root in roots}.values())
        return render(request, "audit/review_home.html", {
            "reports": [{"unit": unit, "url": _report_url(unit)} for unit in units],
        })


def _report_url(unit: Unit) -> str:
    if unit.kind == Unit.Kind.PROVINCE:
        return reverse("audit:province-summary", args=[unit.code])
    return reverse("audit:account-list", args=[unit.code])


# ---------------------------------------------------------------------------------------------------------------
# One office's accounts


class _OfficeAccountsMixin(ReviewMixin):
    def office(self, unit_code: str):
        unit = self.unit_in_scope(unit_code)
        self.form = AccountFilterForm(self.request.GET)
        self.as_of = self.form.as_of_date
        filters = self.form.filters()
        # The exports and the printed form follow the order on screen: their links carry the same query.
        self.sort = OFFICE_ACCOUNT_SORT.read(self.request.GET)
        return office_accounts(unit=unit, as_of=self.as_of, order=self.sort, **filters), filters


class AccountListView(_OfficeAccountsMixin, TemplateView):
    template_name = "audit/account_list.html"

    def get_context_data(self, unit_code: str, **kwargs):
        office, filters = self.office(unit_code)
        page_obj = Paginator(office.rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [
            {
                "audit": audit,
                "name": account_display_name(audit.account),
                "national_id": shown_national_id(audit.account, masked=self.masked),
                "flags": audit.flags,
            }
            for audit in page_obj.object_list
        ]
        without_record = people_without_record(unit=office.unit, viewer_scope=self.scope, as_of=self.as_of)
        return super().get_context_data(
            unit=office.unit, office=office, form=self.form, as_of=self.as_of, page_obj=page_obj, rows=rows,
            filtered=bool(filters["flag"] or filters["query"]), breadcrumbs=self.breadcrumbs(office.unit),
            without_record=without_record, without_record_below=False, masked=self.masked, sort=self.sort, **kwargs,
        )


class AccountListExportView(_OfficeAccountsMixin, View):
    def get(self, request, unit_code: str, fmt: str):
        if fmt == "pdf":
            return self.pdf(request, unit_code)
        _check_format(fmt)
        office, filters = self.office(unit_code)
        header, rows = office_accounts_export_rows(office, masked=self.masked)
        self.record_export(report="account_list", fmt=fmt, as_of=self.as_of, rows=len(rows), unit=office.unit,
                           filters={"flag": filters["flag"], "searched": bool(filters["query"])})
        return export_response(fmt, f"audit-{office.unit.code}-{be_iso(self.as_of)}", header, rows, title=ExportTitle(
            "บัญชีผู้ใช้งานและผลการตรวจสอบสิทธิ์", sheet=f"ผลการตรวจสอบ {office.unit.code}",
            office=office.unit.display_name, as_of=self.as_of, exported_by=exporter_name(request.user)))

    def pdf(self, request, unit_code: str):
        """The office's printed form: every account with its registration, roles and problems, signed."""
        with translation.override(settings.LANGUAGE_CODE):
            office, filters = self.office(unit_code)
            rows = [
                {"audit": audit, "name": account_display_name(audit.account),
                 "national_id": shown_national_id(audit.account, masked=self.masked),
                 "roles": sorted({role.name_th for role, _unit in audit.held}), "flags": audit.flags}
                for audit in office.rows
            ]
            context = {
                "office": office, "report_unit": office.unit, "as_of": self.as_of, "rows": rows,
                "filters": filters, "flag_label": flag_label(filters["flag"]) if filters["flag"] else "",
            }
        return _signed_form(
            request, "audit/office_report_pdf.html", context,
            filename=f"audit-report-{office.unit.code}-{be_iso(self.as_of)}",
            back_url=reverse("audit:account-list", args=[office.unit.code]) + f"?as_of={self.as_of}",
            record=lambda: self.record_export(
                report="office_report", fmt="pdf", as_of=self.as_of, rows=len(office.rows), unit=office.unit,
                filters={"flag": filters["flag"], "searched": bool(filters["query"])}),
        )


class PeopleWithoutRecordExportView(ReviewMixin, View):
    """People named by the office's in-force orders with no HR record and no account (audit.selectors)."""

    def get(self, request, unit_code: str, fmt: str):
        _check_format(fmt)
        unit = self.unit_in_scope(unit_code)
        as_of = AsOfForm(request.GET).as_of_date
        below = request.GET.get("below") == "1"
        lines = people_without_record(unit=unit, viewer_scope=self.scope, as_of=as_of, below=below)
        header, rows = people_without_record_export_rows(lines, masked=self.masked)
        self.record_export(report="people_without_record", fmt=fmt, as_of=as_of, rows=len(rows), unit=unit,
                           filters={"below": below})
        return export_response(fmt, f"orders-without-record-{unit.code}-{be_iso(as_of)}", header, rows, title=ExportTitle(
            "ผู้มีชื่อในคำสั่งมอบหมายแต่ไม่มีในทะเบียนบุคคล", sheet="ไม่มีในทะเบียนบุคคล", office=unit.display_name,
            as_of=as_of, exported_by=exporter_name(request.user)))


# ---------------------------------------------------------------------------------------------------------------
# One account


class AccountDetailView(ReviewMixin, TemplateView):
    template_name = "audit/account_detail.html"

    def get_context_data(self, pk: int, **kwargs):
        account = account_in_scope(scope=self.scope, pk=pk)
        if account is None:
            raise Http404
        form = AsOfForm(self.request.GET)
        as_of = form.as_of_date
        audit = audit_account(account=account, as_of=as_of)
        account = audit.account
        # The rights as account_rights gives them, from the rows the audit already loaded.
        rights = AccountRights(user=account, on=as_of, items=audit.role_items()) if account.is_active else None
        unit = account.registered_unit
        return super().get_context_data(
            account=account,
            audit=audit,
            name=account_display_name(account),
            # Full on this page: the viewer reached it through their scope and needs the number to act on it.
            national_id=format_national_id(account.national_id),
            comparison=account_comparison(audit),
            order_lines=account_order_lines(account=account, as_of=as_of),
            rights=rights,
            flags=audit.flags,
            form=form,
            second_factor_enrolled=has_second_factor(account),
            own_account=account.pk == self.request.user.pk,
            needs_activation=account.is_active and not account.has_usable_password(),
            as_of=as_of,
            unit=unit,
            breadcrumbs=self.breadcrumbs(unit),
            list_url=reverse("audit:account-list", args=[unit.code]) if unit is not None else "",
            **kwargs,
        )


# ---------------------------------------------------------------------------------------------------------------
# Summaries


class _ProvinceMixin(ReviewMixin):
    def summary(self, province_code: str):
        # A district reviewer is refused the province report of their own province: the province office is above them.
        self.province = self.unit_in_scope(province_code, kind=Unit.Kind.PROVINCE)
        self.form = AsOfForm(self.request.GET)
        self.as_of = self.form.as_of_date
        return province_summary(province=self.province, as_of=self.as_of)


class ProvinceSummaryView(_ProvinceMixin, TemplateView):
    template_name = "audit/province_summary.html"

    def get_context_data(self, province_code: str, **kwargs):
        summary = self.summary(province_code)
        without_record = people_without_record(unit=self.province, viewer_scope=self.scope, as_of=self.as_of,
                                               below=True)
        return super().get_context_data(
            province=self.province, unit=self.province, summary=summary, form=self.form, as_of=self.as_of,
            breadcrumbs=self.breadcrumbs(None), without_record=without_record, without_record_below=True,
            masked=self.masked, **kwargs,
        )


class ProvinceSummaryExportView(_ProvinceMixin, View):
    def get(self, request, province_code: str, fmt: str):
        _check_format(fmt)
        summary = self.summary(province_code)
        header, rows = summary_export_rows(summary)
        self.record_export(report="province_summary", fmt=fmt, as_of=self.as_of, rows=len(rows), unit=self.province)
        return export_response(
            fmt, f"audit-summary-{self.province.code}-{be_iso(self.as_of)}", header, rows, title=ExportTitle(
                "สรุปผลการตรวจสอบสิทธิ์รายหน่วยงาน", sheet=f"สรุป {self.province.name_th}",
                office=self.province.display_name, as_of=self.as_of, exported_by=exporter_name(request.user)))


class ProvinceReportPdfView(_ProvinceMixin, View):
    """The printed form แบบรายงานผลการตรวจสอบสิทธิ์ผู้ใช้งานระบบ, signed by the reviewer and the head of office."""

    def get(self, request, province_code: str):
        # A signed official form: its summary's labels and the form itself are in Thai whatever the screen's language.
        with translation.override(settings.LANGUAGE_CODE):
            summary = self.summary(province_code)
            context = {"report_unit": self.province, "summary": summary, "as_of": self.as_of}
        return _signed_form(
            request, "audit/province_report_pdf.html", context,
            filename=f"audit-report-{self.province.code}-{be_iso(self.as_of)}",
            back_url=reverse("audit:province-summary", args=[self.province.code]) + f"?as_of={self.as_of}",
            record=lambda: self.record_export(report="province_report", fmt="pdf", as_of=self.as_of,
                                              rows=len(summary.problems), unit=self.province),
        )


def _signed_form(request, template_name: str, context: dict, *, filename: str, back_url: str, record) -> HttpResponse:
    """A report form to sign, as PDF in Thai whatever the screen's language; `record()` logs the export once it is
    made. Without the PDF libraries: back to the report's page, saying why."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            pdf = render_thai_pdf(template_name, {**context, "printed_at": timezone.localtime(), **signer_of(request.user)})
        except PdfUnavailable as exc:
            messages.error(request, str(exc))
            return redirect(back_url)
    record()
    return pdf_response(pdf, filename)


def render_thai_pdf(template_name: str, context: dict) -> bytes:
    """render_pdf without the request: the form needs no navigation, so its context processors' queries are saved."""
    html = render_to_string(template_name, context)
    return render_pdf("audit/_pdf_document.html", {"document": mark_safe(html)})




class _NationalMixin(ReviewMixin):
    def summary(self):
        if not self.scope.national:
            raise Http404  # the whole country is outside every scope but the central admins'
        self.form = AsOfForm(self.request.GET)
        self.as_of = self.form.as_of_date
        return national_summary(as_of=self.as_of)


class NationalSummaryView(_NationalMixin, TemplateView):
    template_name = "audit/national_summary.html"

    def get_context_data(self, **kwargs):
        summary = self.summary()
        chart = [bar for bar in summary.chart if bar["row"].accounts]  # 77 bars would bury the few that matter
        return super().get_context_data(summary=summary, chart=chart, form=self.form, as_of=self.as_of, **kwargs)


class NationalSummaryExportView(_NationalMixin, View):
    def get(self, request, fmt: str):
        _check_format(fmt)
        summary = self.summary()
        header, rows = summary_export_rows(summary, include_extra=True)
        self.record_export(report="national_summary", fmt=fmt, as_of=self.as_of, rows=len(rows), unit=None)
        return export_response(fmt, f"audit-summary-national-{be_iso(self.as_of)}", header, rows, title=ExportTitle(
            "สรุปผลการตรวจสอบสิทธิ์ทั้งประเทศ", sheet="สรุปทั้งประเทศ", office="กรมการปกครอง", as_of=self.as_of,
            exported_by=exporter_name(request.user)))

