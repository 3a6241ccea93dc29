"""Fee types are reference data: loaded with the rest by `load_reference_data`, idempotently."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from receipts.models import FeeType

FEE_TYPES_FILE = "fee_types.json"


def fee_types_load(directory: Path, summary) -> None:
    """Create missing fee types and update changed ones from `directory`/fee_types.json (absent file: nothing).

    Registered with rights.reference_data.register_reference_loader, so it runs inside reference_data_load's
    transaction. A fee type missing from the file is left alone: receipts may point to it.
    """
    path = Path(directory) / FEE_TYPES_FILE
    if not path.exists():
        return
    rows = json.loads(path.read_text(encoding="utf-8"))["fee_types"]
    existing = {fee.code: fee for fee in FeeType.objects.filter(code__in=[row["code"] for row in rows])}
    for row in rows:
        values = {
            "name_th": row["name_th"],
            "name_en": row["name_en"],
            "default_amount": Decimal(row["default_amount"]) if row.get("default_amount") else None,
            "is_active": row.get("is_active", True),
        }
        fee = existing.get(row["code"])
        if fee is None:
            fee = FeeType(code=row["code"], **values)
            fee.full_clean()
            fee.save()
            summary.created += 1
        elif any(getattr(fee, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(fee, name, value)
            fee.full_clean()
            fee.save()
            summary.updated += 1
