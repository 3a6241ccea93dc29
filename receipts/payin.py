"""The data a pay-in slip (ใบแจ้งการชำระเงิน) carries for the banks, and its Code 128 barcode and QR code.

Format followed: the Thai banks' cross-bank bill payment barcode (the Thai Bankers' Association standard adopted by
the Bank of Thailand), as also implemented by the open-source Thai QR/bill-payment libraries (e.g. the
`BOTBarcode` of thai-qr-payment, klimakov/thai-qr-go):

    "|" + biller ID + CR + Ref.1 + CR + Ref.2 + CR + amount

- biller ID: the payee's 13-digit tax ID followed by a 2-digit suffix (15 digits) that the bank assigns to the service;
- Ref.1 and Ref.2: the references the bank reports back with the payment (upper-case letters and digits; we keep
  each to 18 characters);
- amount: in satang, digits only, no decimal point (1,500.00 baht -> "150000"); "0" would let the payer key in the
  amount, which a fee slip never does;
- fields are separated by a carriage return (CR, "\\r"); without the CRs the data is at most 62 characters.

The barcode is Code 128 (python-barcode switches to code set A for the CRs); the QR code carries the same string.
"""

from __future__ import annotations

import base64
import io
import re
from decimal import ROUND_HALF_UP, Decimal

MAX_DATA_LENGTH = 62  # without the carriage returns
_REFERENCE = re.compile(r"[0-9A-Z]{1,18}")


def amount_in_satang(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def bill_payment_data(*, tax_id: str, suffix: str, reference1: str, reference2: str, amount: Decimal) -> str:
    """The cross-bank bill payment string: |{tax_id}{suffix}\\r{ref1}\\r{ref2}\\r{amount in satang}."""
    if not (tax_id.isdigit() and len(tax_id) == 13 and suffix.isdigit() and len(suffix) == 2):
        raise ValueError("the biller ID is a 13-digit tax ID and a 2-digit suffix")
    for reference in (reference1, reference2):
        if not _REFERENCE.fullmatch(reference):
            raise ValueError("a reference is 1 to 18 upper-case letters or digits")
    satang = amount_in_satang(amount)
    if satang <= 0:
        raise ValueError("a pay-in slip carries a positive amount")
    fields = [f"{tax_id}{suffix}", reference1, reference2, str(satang)]
    if sum(len(field) for field in fields) + 1 > MAX_DATA_LENGTH:
        raise ValueError("bill payment data longer than 62 characters")
    return "|" + "\r".join(fields)


def code128_svg(data: str) -> bytes:
    """A Code 128 barcode of `data` as an SVG document (no human-readable line: the slip prints the fields)."""
    import barcode
    from barcode.writer import SVGWriter

    buffer = io.BytesIO()
    barcode.get("code128", data, writer=SVGWriter()).write(
        buffer, options={"write_text": False, "module_width": 0.25, "module_height": 12.0, "quiet_zone": 4.0}
    )
    return buffer.getvalue()


def code128_data_uri(data: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(code128_svg(data)).decode("ascii")


def qr_data_uri(data: str) -> str:
    """A QR code of `data` (error correction M or better) as an SVG data URI."""
    import segno

    return segno.make(data, error="m", micro=False).svg_data_uri(scale=4, border=2)
