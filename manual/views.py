"""The manual's pages: an index, one page per persona and its PDF, and the blank report form (PDF, XLSX).

Every logged-in account may read every persona's manual: it describes screens, not anybody's data. The index
offers a reviewer the report form prefilled from their own office's audit, which the audit app prints.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Unit
from core.pdf import PdfUnavailable, pdf_response, render_pdf
from manual.personas import BY_SLUG, PERSONAS, persona_for
from manual.report_form import FILENAME, report_form_context, report_form_xlsx
from rights import flags
from rights.access import REVIEW_MENU
from rights.scope import cached_account_rights

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def prefilled_forms(user) -> list[dict]:
    """The audit's printed report form of each unit the viewer reviews (the national scope has none to sign)."""
    scope = cached_account_rights(user).scope_for(REVIEW_MENU)
    if scope.national:
        return []
    forms = []
    for unit in sorted({root.pk: root for root in scope.roots}.values(), key=lambda unit: unit.code):
        if unit.kind == Unit.Kind.PROVINCE:
            url = reverse("audit:province-summary-pdf", args=[unit.code])
        else:
            url = reverse("audit:account-list-export", args=[unit.code, "pdf"])
        forms.append({"unit": unit, "url": url})
    return forms


def flag_legend() -> list[dict]:
    return [{"code": spec.code, "label": spec.label, "help": spec.help, "severity": spec.severity}
            for spec in flags.FLAGS.values()]


def _persona(slug: str):
    persona = BY_SLUG.get(slug)
    if persona is None:
        raise Http404
    return persona


def page_context(persona) -> dict:
    return {"persona": persona, "personas": PERSONAS, "content_template": f"manual/content/{persona.slug}.html",
            "flags": flag_legend()}


class ManualIndexView(TemplateView):
    template_name = "manual/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(personas=PERSONAS, mine=persona_for(self.request.user),
                                        prefilled=prefilled_forms(self.request.user), **kwargs)


class ManualPageView(TemplateView):
    template_name = "manual/page.html"

    def get_context_data(self, persona: str, **kwargs):
        return super().get_context_data(**page_context(_persona(persona)), **kwargs)


class ManualPdfView(View):
    """The persona's page as a PDF, from the same content template, its screenshots embedded."""

    def get(self, request, persona: str):
        persona = _persona(persona)
        try:
            pdf = render_pdf("manual/page_pdf.html", {**page_context(persona), "pdf": True})
        except PdfUnavailable as exc:
            messages.error(request, str(exc))
            return redirect("manual:page", persona.slug)
        return pdf_response(pdf, f"manual-{persona.slug}")


class ReportFormPdfView(View):
    def get(self, request):
        try:
            pdf = render_pdf("manual/report_form_pdf.html", report_form_context())
        except PdfUnavailable as exc:
            messages.error(request, str(exc))
            return redirect("manual:index")
        return pdf_response(pdf, FILENAME)


class ReportFormXlsxView(View):
    def get(self, request):
        response = HttpResponse(report_form_xlsx(), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, f"{FILENAME}.xlsx")
        return response

