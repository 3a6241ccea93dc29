"""Receipt screens. Thin: forms parse, selectors scope, services decide and log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.exports import ExportTitle, export_response, exporter_name
from core.http import client_ip
from core.pdf import PdfUnavailable, pdf_response
from core.thai import be_iso
from events.services import event_record
from receipts import selectors, services
from receipts.access import receipt_access
from receipts.forms import (
    DailySummaryForm,
    PayInSlipForm,
    PayInSlipPayForm,
    ReceiptFilterForm,
    ReceiptForm,
    ReceiptItemFormSet,
    VoidForm,
)
from receipts.models import CATEGORY_ROLE, PayInSlip, Receipt
from rights.access import menu_scope_or_403
from rights.scope import cached_account_rights, today

PAGE_SIZE = 50


def _viewer_scope_or_403(request):
    return menu_scope_or_403(request.user, receipt_access.menus_for("view"),
                             message=_("ท่านไม่มีสิทธิ์ดูใบเสร็จรับเงิน"))


def _held_roles_or_403(request):
    roles = selectors.receipt_roles_held(request.user)
    if not roles:
        raise PermissionDenied(_("ท่านไม่ได้ถือบทบาทออกใบเสร็จรับเงิน"))
    return roles


def _pdf_unavailable(request, exc: PdfUnavailable) -> HttpResponse:
    return render(request, "receipts/pdf_unavailable.html", {"message": str(exc)}, status=503)


def _get_receipt(request, pk: int) -> Receipt:
    try:
        return selectors.receipt_get(viewer=request.user, pk=pk)
    except Receipt.DoesNotExist:
        raise Http404 from None  # outside the viewer's scope looks the same as missing


def _get_slip(request, pk: int) -> PayInSlip:
    try:
        return selectors.payin_slip_get(viewer=request.user, pk=pk)
    except PayInSlip.DoesNotExist:
        raise Http404 from None


def _can_act_on(request, unit, category) -> bool:
    """Whether to show the void / pay buttons. The service checks again, and logs a refusal."""
    item = cached_account_rights(request.user).has_role_at(CATEGORY_ROLE[category], unit)
    return bool(item and item.effective)


class ReceiptListView(View):
    def get(self, request):
        _viewer_scope_or_403(request)
        form = ReceiptFilterForm(
            request.GET or None,
            units=selectors.units_with_receipts(viewer=request.user),
            issuers=selectors.receipt_issuers(viewer=request.user),
        )
        filters = form.selector_kwargs() if form.is_bound and form.is_valid() else {}
        sort = selectors.RECEIPT_SORT.read(request.GET)
        receipts = selectors.receipt_list(viewer=request.user, order=sort, **filters)
        page = Paginator(receipts, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "receipts/receipt_list.html", {
            "form": form,
            "sort": sort,
            "page_obj": page,
            "receipts": page.object_list,
            "can_issue": bool(selectors.receipt_roles_held(request.user)),
        })


class ReceiptCreateView(View):
    template_name = "receipts/receipt_form.html"

    def _render(self, request, form, items, status=200):
        rights = [
            item for item in cached_account_rights(request.user).items
            if item.role.code in CATEGORY_ROLE.values() and item.held
        ]
        return render(request, self.template_name, {"form": form, "items": items, "rights": rights}, status=status)

    def get(self, request):
        roles = _held_roles_or_403(request)
        return self._render(request, ReceiptForm(roles=roles), ReceiptItemFormSet(prefix="items"))

    def post(self, request):
        roles = _held_roles_or_403(request)
        form = ReceiptForm(request.POST, roles=roles)
        items = ReceiptItemFormSet(request.POST, prefix="items")
        if not (form.is_valid() and items.is_valid()):
            return self._render(request, form, items)
        data = form.cleaned_data
        try:
            receipt = services.receipt_issue(
                issuer=request.user, unit=data["unit"], category=data["category"], fee_type=data["fee_type"],
                payer_name=data["payer_name"], payer_national_id=data["payer_national_id"],
                payer_address=data["payer_address"], payment_method=data["payment_method"],
                payment_reference=data["payment_reference"],
                items=[
                    services.ItemInput(row["description"], row["quantity"], row["unit_price"])
                    for row in items.cleaned_data if row
                ],
                ip_address=client_ip(request), idempotency_key=data["submission_token"] or None,
            )
        except services.ReceiptRefused as refusal:
            form.add_error(None, str(refusal))
            return self._render(request, form, items, status=403)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self._render(request, form, items)
        messages.success(request, _("ออกใบเสร็จรับเงินเลขที่ %(number)s แล้ว") % {"number": receipt.number_display})
        return redirect("receipts:receipt-detail", pk=receipt.pk)


class ReceiptDetailView(View):
    def get(self, request, pk: int):
        receipt = _get_receipt(request, pk)
        return render(request, "receipts/receipt_detail.html", {
            "receipt": receipt,
            "items": list(receipt.items.all()),
            "void_form": VoidForm(),
            "can_void": not receipt.is_voided and _can_act_on(request, receipt.unit, receipt.category),
        })


class ReceiptPdfView(View):
    def get(self, request, pk: int):
        from receipts.documents import receipt_pdf

        receipt = _get_receipt(request, pk)
        try:
            content = receipt_pdf(receipt)
        except PdfUnavailable as exc:
            return _pdf_unavailable(request, exc)
        return pdf_response(content, f"receipt-{receipt.number_display.replace('/', '-')}")


class ReceiptVoidView(View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        receipt = _get_receipt(request, pk)
        form = VoidForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("กรุณาระบุเหตุผลที่ยกเลิก"))
            return redirect("receipts:receipt-detail", pk=receipt.pk)
        try:
            services.receipt_void(receipt=receipt, actor=request.user, reason=form.cleaned_data["reason"],
                                  ip_address=client_ip(request))
        except services.ReceiptRefused as refusal:
            messages.error(request, str(refusal))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("ยกเลิกใบเสร็จรับเงินเลขที่ %(number)s แล้ว") % {"number": receipt.number_display})
        return redirect("receipts:receipt-detail", pk=receipt.pk)


class DailySummaryView(View):
    """รายงานสรุปการรับเงินประจำวัน: on screen, and as XLSX or PDF at export/<fmt>/ (the URLs of every export)."""

    def get(self, request, fmt: str = ""):
        if fmt and fmt not in ("xlsx", "pdf"):
            raise Http404
        _viewer_scope_or_403(request)
        units = selectors.units_with_receipts(viewer=request.user).order_by("path")
        form = DailySummaryForm(request.GET or None, units=units)
        if form.is_bound and not form.is_valid():
            return render(request, "receipts/daily_summary.html", {"form": form}, status=400)
        data = form.cleaned_data if form.is_bound else {}
        unit = data.get("unit") or self._default_unit(request, units)
        if unit is None:
            raise Http404
        day = data.get("day") or today()
        summary = selectors.receipt_daily_summary(viewer=request.user, unit=unit, day=day)
        if fmt:
            event_record(action="receipts.report.exported", actor=request.user, target=unit, unit=unit,
                         ip_address=client_ip(request), data={"report": "daily_summary", "day": day, "format": fmt})
        filename = f"daily-summary-{unit.code}-{be_iso(day)}"
        if fmt == "xlsx":
            return export_response("xlsx", filename, *self._table(summary), title=ExportTitle(
                _("รายงานสรุปการรับเงินประจำวัน"), sheet=_("สรุปการรับเงิน"), office=unit.display_name, as_of=day,
                exported_by=exporter_name(request.user)))
        if fmt == "pdf":
            from receipts.documents import daily_summary_pdf
            from rights.selectors import signer_of

            try:
                return pdf_response(daily_summary_pdf(summary, signer=signer_of(request.user)), filename)
            except PdfUnavailable as exc:
                return _pdf_unavailable(request, exc)
        if not form.is_bound or not data.get("unit"):  # the select shows the office the page shows
            form = DailySummaryForm(initial={"unit": unit.code, "day": day}, units=units)
        return render(request, "receipts/daily_summary.html", {"form": form, "summary": summary})

    @staticmethod
    def _default_unit(request, units):
        held = selectors.receipt_roles_held(request.user)
        if held:
            return held[0].unit
        roots = selectors.receipt_scope(request.user).roots
        return roots[0] if roots else units.first()

    @staticmethod
    def _table(summary) -> tuple[list[str], list[list]]:
        header = [_("หน่วยงาน"), _("วันที่"), _("ประเภท"), _("ทดลอง"), _("จำนวนใบที่ใช้ได้"), _("จำนวนใบที่ยกเลิก"),
                  _("จำนวนเงิน (บาท)")]
        day = summary.day
        rows = [
            [summary.unit.code, day, row.label, _("ทดลอง") if row.trial else "", row.count, row.voided, row.total]
            for row in summary.rows
        ]
        rows.append([summary.unit.code, day, _("รวม (ไม่รวมใบเสร็จทดลอง)"), "", summary.count, summary.voided,
                     summary.total])
        return header, rows


# ---------------------------------------------------------------------------------------------------------------
# Pay-in slips


class PayInSlipListView(View):
    def get(self, request):
        _viewer_scope_or_403(request)
        paid = {"yes": True, "no": False}.get(request.GET.get("paid", ""))
        slips = selectors.payin_slip_list(viewer=request.user, paid=paid, search=request.GET.get("q", ""))
        page = Paginator(slips, PAGE_SIZE).get_page(request.GET.get("page"))
        can_create = any(item.role.code == CATEGORY_ROLE["FEE"] for item in selectors.receipt_roles_held(request.user))
        return render(request, "receipts/payin_list.html", {
            "page_obj": page, "slips": page.object_list, "can_create": can_create,
            "paid": request.GET.get("paid", ""), "q": request.GET.get("q", ""),
        })


class PayInSlipCreateView(View):
    template_name = "receipts/payin_form.html"

    def _roles(self, request):
        roles = [item for item in _held_roles_or_403(request) if item.role.code == CATEGORY_ROLE["FEE"]]
        if not roles:
            raise PermissionDenied(_("ท่านไม่ได้ถือบทบาทออกใบเสร็จรับเงินค่าธรรมเนียม"))
        return roles

    def get(self, request):
        return render(request, self.template_name, {"form": PayInSlipForm(roles=self._roles(request))})

    def post(self, request):
        form = PayInSlipForm(request.POST, roles=self._roles(request))
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        data = form.cleaned_data
        try:
            slip = services.payin_slip_create(
                issuer=request.user, unit=data["unit"], fee_type=data["fee_type"], amount=data["amount"],
                description=data["description"], payer_name=data["payer_name"],
                payer_national_id=data["payer_national_id"], payer_address=data["payer_address"],
                due_date=data["due_date"], ip_address=client_ip(request),
            )
        except services.ReceiptRefused as refusal:
            form.add_error(None, str(refusal))
            return render(request, self.template_name, {"form": form}, status=403)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return render(request, self.template_name, {"form": form})
        messages.success(request, _("ออกใบแจ้งการชำระเงิน %(ref)s แล้ว") % {"ref": slip.reference1})
        return redirect("receipts:payin-detail", pk=slip.pk)


class PayInSlipDetailView(View):
    def get(self, request, pk: int):
        from receipts.documents import payin_slip_context

        slip = _get_slip(request, pk)
        return render(request, "receipts/payin_detail.html", {
            **payin_slip_context(slip),
            "receipts": selectors.payin_slip_receipts(slip),
            "pay_form": PayInSlipPayForm(),
            "can_pay": not slip.is_paid and _can_act_on(request, slip.unit, "FEE"),
        })


class PayInSlipPdfView(View):
    def get(self, request, pk: int):
        from receipts.documents import payin_slip_pdf

        slip = _get_slip(request, pk)
        office = services.biller_for(slip.unit)
        try:
            content = payin_slip_pdf(slip, biller_name=office.biller_name if office else "")
        except PdfUnavailable as exc:
            return _pdf_unavailable(request, exc)
        return pdf_response(content, f"payin-{slip.reference1}")


class PayInSlipPayView(View):
    """The bank confirmed the payment: issue the fee receipt for the slip."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        slip = _get_slip(request, pk)
        form = PayInSlipPayForm(request.POST)
        form.is_valid()
        try:
            receipt = services.receipt_issue_from_slip(
                slip=slip, issuer=request.user, payment_reference=form.cleaned_data.get("payment_reference", ""),
                ip_address=client_ip(request),
            )
        except services.ReceiptRefused as refusal:
            messages.error(request, str(refusal))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("ออกใบเสร็จรับเงินเลขที่ %(number)s แล้ว") % {"number": receipt.number_display})
            return redirect("receipts:receipt-detail", pk=receipt.pk)
        return redirect("receipts:payin-detail", pk=slip.pk)
