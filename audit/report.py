"""The audit report of the interchange spec: one row per active account in scope."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from accounts.models import Unit
from audit.engine import AccountAudit, audit_accounts
from rights.scope import Scope

REPORT_COLUMNS = ["unit_code", "username", "national_id", "full_name", "flags"]


def audit_full_name(audit: AccountAudit) -> str:
    """The HR record's name when the person is known, else the name on the account."""
    if audit.account.official is not None:
        return audit.account.official.full_name
    return f"{audit.account.first_name} {audit.account.last_name}".strip()


def audit_report_rows(*, scope: Scope, as_of: datetime.date) -> Iterator[list[str]]:
    """Rows sorted by unit code then username; flags sorted and joined by ';' (empty when clean)."""
    for audit in audit_accounts(scope=scope, as_of=as_of):
        account = audit.account
        yield [
            account.registered_unit.code if account.registered_unit else "",
            account.username,
            account.national_id,
            audit_full_name(audit),
            ";".join(audit.codes),
        ]


def scope_of_unit(code: str | None) -> Scope:
    """The whole country when `code` is empty, else the unit and everything below it (Unit.DoesNotExist if unknown)."""
    if not code:
        return Scope(national=True)
    return Scope(roots=[Unit.objects.get(code=code)])
