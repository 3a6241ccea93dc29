"""One way to answer with a PDF: its name, shown in the browser or saved, whole or streamed from a file."""

import io

from core.pdf import pdf_response


def test_bytes_are_shown_in_the_browser_by_default():
    response = pdf_response(b"%PDF-1.7", "audit-report-4701-2569-06-15")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="audit-report-4701-2569-06-15.pdf"'
    assert response.content == b"%PDF-1.7"


def test_a_pdf_not_inline_is_saved():
    response = pdf_response(b"%PDF-1.7", "receipt-4701-2570-000123", inline=False)
    assert response["Content-Disposition"] == 'attachment; filename="receipt-4701-2570-000123.pdf"'


def test_an_open_file_is_streamed_under_the_given_name_not_its_own():
    handle = io.BytesIO(b"%PDF-1.7 scan")
    handle.name = "orders/2026/upload-a8f3.pdf"
    response = pdf_response(handle, "order-12")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="order-12.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.7 scan"
