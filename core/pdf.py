"""PDF rendering with WeasyPrint, imported only when a PDF is asked for.

WeasyPrint needs Pango from the system; where it is missing the user is told which Debian packages to install.
Documents are set in Laksaman (Debian's fonts-thai-tlwg), the free twin of the government's TH Sarabun New, and
are always in Thai: a receipt or a signed report form is an official document, whatever the screen's language.
Lines break between Thai words, not inside them (core.thai_lines).
"""

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header

MISSING_LIBRARIES = (
    "สร้างไฟล์ PDF ไม่ได้: เครื่องแม่ข่ายยังไม่ได้ติดตั้งไลบรารีของระบบที่ WeasyPrint ต้องใช้ "
    "(ติดตั้งด้วย: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-thai-tlwg)"
)


class PdfUnavailable(RuntimeError):
    pass


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    try:
        from weasyprint import HTML

        from core import pdf_text
        from core.thai_lines import mark_word_breaks
    except OSError as exc:  # the shared libraries are not there
        raise PdfUnavailable(MISSING_LIBRARIES) from exc
    pdf_text.install()  # Thai text that a reader can copy and search
    with translation.override(settings.LANGUAGE_CODE):
        html = mark_word_breaks(render_to_string(template_name, context, request=request))
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(content, filename: str, *, inline: bool = True) -> HttpResponse:
    """`content` (bytes, or an open file to stream) as `filename`.pdf: shown in the browser, or saved if not inline."""
    name = f"{filename}.pdf"
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(not inline, name)
        return response
    return FileResponse(content, as_attachment=not inline, filename=name, content_type="application/pdf")
