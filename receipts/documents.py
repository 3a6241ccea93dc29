"""Printed documents: the receipt (original and copy), the pay-in slip and the daily summary, as PDF."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.pdf import render_pdf
from receipts.models import PayInSlip, Receipt
from receipts.payin import bill_payment_data, code128_data_uri, qr_data_uri


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt twice: the original for the payer and the copy the office keeps. Voided ones say ยกเลิก."""
    return render_pdf(
        "receipts/pdf/receipt.html",
        # Lazy: render_pdf renders in Thai whatever the screen's language, and these are read only then.
        {"receipt": receipt, "items": list(receipt.items.all()), "copies": [_("ต้นฉบับ"), _("สำเนา")]},
    )


def payin_slip_context(slip: PayInSlip) -> dict:
    data = bill_payment_data(
        tax_id=slip.biller_id[:13], suffix=slip.biller_id[13:], reference1=slip.reference1,
        reference2=slip.reference2, amount=slip.amount,
    )
    return {
        "slip": slip,
        "bill_data_printable": data.lstrip("|").replace("\r", " "),
        "barcode_uri": code128_data_uri(data),
        "qr_uri": qr_data_uri(data),
    }


def payin_slip_pdf(slip: PayInSlip, *, biller_name: str = "") -> bytes:
    """The slip in two parts, as banks take them: the payer's part and the bank's part with the codes."""
    return render_pdf("receipts/pdf/payin_slip.html", {**payin_slip_context(slip), "biller_name": biller_name})


def daily_summary_pdf(summary, *, signer: dict) -> bytes:
    """The summary with its certification, signed by who prints it (`rights.selectors.signer_of`)."""
    return render_pdf("receipts/pdf/daily_summary.html", {"summary": summary, **signer})
