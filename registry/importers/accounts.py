"""The `accounts` file: logins, the registration data each person declared, and the roles each login holds.

Held roles and this import
--------------------------
The domain says held roles change only by an explicit, logged step, never as a side effect of an import. The
`accounts` file *is* such a step: it is the explicit statement of what each account holds in the system it comes
from (the interchange spec: "`roles` the role codes the account holds now"). So importing it sets each listed
account's held roles (guardian object permissions, `UnitUserObjectPermission`, permission = `role.permission`,
content_object = the account's registered unit) to exactly the file's `roles`: holdings the file does not name are
withdrawn, at whatever unit they were held. The import's single event (`accounts.registry.imported`) records every
holding added and removed as (account, role, unit). Accounts the file does not list are left alone. The `officials`
and `orders` imports never touch holdings.

Other decisions
---------------
- `official` is set from `national_id` even when the HR record lacks that ID: that is the audit's UNKNOWN_PERSON
  flag, not an import error. Within one file a username or a national ID may appear only once.
- A new account gets an unusable password: the person activates it; no password is ever sent.
- `is_active` false on an active account records when and why it stopped (`deactivated_at`, reason); true again
  clears them. `last_login` is an ISO date-time, read in Asia/Bangkok when it carries no offset; a file without
  the column keeps the stored one, an empty cell means "never logged in".
- A national-scope role (CENTRAL_ADMIN) can be set only by an importer with national scope, and an importer
  limited to a province cannot withdraw a holding at a unit outside it: such a row is an error naming the holding.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Level, Official, Position, Unit, UnitUserObjectPermission, User
from core.national_id import format_national_id
from registry.importers.bulk import bulk_insert, bulk_update_by_pk
from registry.importers.core import (
    ABSENT,
    STAGE_WRITE,
    WRITE_BATCH,
    Action,
    Progress,
    RegistryImporter,
    RowCells,
    chunked,
    fetch_in_chunks,
)
from registry.importers.values import (
    CellError,
    boolean_value,
    code_value,
    datetime_value,
    national_id_value,
    username_value,
)
from rights import rules
from rights.models import Role
from rights.services import SELF_GRANT

# Compared one by one to tell an update from an unchanged row.
_COMPARED = ("official_id", "registered_position_id", "registered_level_id", "registered_unit_id", "is_active", "last_login")
# Read for the accounts of the file: bulk_update writes a batch's fields for every account of the batch, so each
# instance must carry the stored value of every field it does not change.
_STORED = (*_COMPARED, "deactivated_at", "deactivation_reason")
_FIELD_NAMES = {
    "official_id": "official", "registered_position_id": "registered_position", "registered_level_id": "registered_level",
    "registered_unit_id": "registered_unit", "is_active": "is_active", "last_login": "last_login",
}
# One clock skew's worth of slack: a login "tomorrow" in Bangkok is a typing mistake.
_FUTURE_SLACK = datetime.timedelta(days=1)


@dataclass(slots=True)
class AccountRow:
    row: int
    username: str
    national_id: str
    position: Position
    level: Level
    unit: Unit
    is_active: bool
    last_login: Any  # aware datetime, None, or ABSENT to keep the stored one
    roles: list[Role]

    def values(self) -> dict[str, Any]:
        values = {
            "official_id": self.national_id,
            "registered_position_id": self.position.pk,
            "registered_level_id": self.level.pk,
            "registered_unit_id": self.unit.pk,
            "is_active": self.is_active,
        }
        if self.last_login is not ABSENT:
            values["last_login"] = self.last_login
        return values


@dataclass(frozen=True, slots=True)
class Holding:
    username: str
    role: str
    unit: str

    def as_list(self) -> list[str]:
        return [self.username, self.role, self.unit]


class AccountsImporter(RegistryImporter):
    kind = "accounts"
    columns = (
        "username", "national_id", "registered_position", "registered_level", "registered_unit_code", "is_active",
        "last_login", "roles",
    )
    optional_columns = frozenset({"last_login"})
    column_labels = {
        "username": gettext_lazy("ชื่อผู้ใช้"), "national_id": gettext_lazy("เลขประจำตัวประชาชน"),
        "registered_position": gettext_lazy("ตำแหน่งที่ลงทะเบียน"),
        "registered_level": gettext_lazy("ระดับที่ลงทะเบียน"),
        "registered_unit_code": gettext_lazy("รหัสหน่วยงานที่ลงทะเบียน"), "is_active": gettext_lazy("ใช้งานอยู่"),
        "last_login": gettext_lazy("เข้าสู่ระบบล่าสุด"), "roles": gettext_lazy("บทบาทที่ถือ"),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.now = timezone.now()
        self.existing: dict[str, tuple[int, dict[str, Any]]] = {}  # username -> (pk, stored values)
        self.user_pks: dict[str, int] = {}
        self.held: dict[int, dict[tuple[int, int], int]] = {}  # user pk -> {(permission, unit): holding pk}
        self.names: dict[str, tuple[str, str]] = {}  # national ID -> (first name, last name) from the HR record
        self._to_create: list[AccountRow] = []
        self._to_update: list[tuple[int, dict[str, Any], dict[str, Any], AccountRow]] = []  # pk, stored, changed, row
        self._add: list[tuple[AccountRow, Role]] = []
        self._remove: list[tuple[int, Holding]] = []
        self.added: list[Holding] = []
        self.removed: list[Holding] = []
        self.deactivated: list[str] = []
        self.reactivated: list[str] = []

    def _roles(self, value) -> list[Role]:
        roles: list[Role] = []
        unknown = []
        for code in (part.strip() for part in code_value(value).split(";")):
            if not code:
                continue
            role = self.reference.roles.get(code)
            if role is None:
                unknown.append(code)
            elif role not in roles:
                roles.append(role)
        if unknown:
            raise CellError(_("ไม่รู้จักบทบาท %(codes)s") % {"codes": ", ".join(unknown)})
        return roles

    def parse_row(self, cells: RowCells) -> None:
        ref = self.reference
        username = cells.get("username", username_value)
        national_id = cells.get("national_id", national_id_value)
        position = cells.get("registered_position", ref.position)
        level = cells.get("registered_level", ref.level)
        unit = cells.get("registered_unit_code", ref.unit)
        is_active = cells.get("is_active", boolean_value)
        last_login = cells.get("last_login", datetime_value, required=False)
        if last_login and last_login > self.now + _FUTURE_SLACK:
            cells.problem("last_login", _("วันเวลาเข้าสู่ระบบล่าสุดอยู่ในอนาคต"))
        roles = cells.get("roles", self._roles, required=False) or []
        self.check_scope(cells, "registered_unit_code", unit)
        self.check_unique(cells, "username", username)
        self.check_unique(cells, "national_id", national_id)
        if cells.ok:
            self.records.append(AccountRow(cells.row, username, national_id, position, level, unit, is_active,
                                           last_login, roles))

    def check(self) -> None:
        # Plain tuples, not model instances: building 30,000 instances would cost more than the whole check.
        self.existing = {
            username: (pk, dict(zip(_STORED, values, strict=True)))
            for username, pk, *values in fetch_in_chunks(
                User.objects.values_list("username", "pk", *_STORED),
                "username",
                [record.username for record in self.records],
            )
        }
        self.user_pks = {username: pk for username, (pk, _values) in self.existing.items()}
        role_permissions = list(self.reference.roles_by_permission)
        for user_id, permission_id, unit_id, pk in fetch_in_chunks(
            UnitUserObjectPermission.objects.filter(permission_id__in=role_permissions).values_list(
                "user_id", "permission_id", "content_object_id", "pk"
            ),
            "user_id",
            list(self.user_pks.values()),
        ):
            self.held.setdefault(user_id, {})[(permission_id, unit_id)] = pk
        new_ids = [r.national_id for r in self.records if r.username not in self.existing]
        self.names = {
            national_id: (first, last)
            for national_id, first, last in fetch_in_chunks(
                Official.objects.values_list("national_id", "first_name", "last_name"), "national_id", new_ids
            )
        }
        if self.scope is not None and not self.scope.national:
            self._check_existing_in_scope()
        self._check_authority()

    def _check_authority(self) -> None:
        """Roles the file adds must be the importer's to grant at the account's unit (rights.rules.may_grant), and
        nobody changes the roles of their own account through a file; roles the file removes are one-step revokes."""
        for record in self.records:
            stored = self.existing.get(record.username)
            held = self.held.get(stored[0], {}) if stored is not None else {}
            wanted = {(role.permission_id, record.unit.pk): role for role in record.roles}
            added = [role for key, role in wanted.items() if key not in held]
            own = rules.is_self(self.actor, national_id=record.national_id) or (
                self.actor is not None and record.username == self.actor.username
            )
            if own and set(wanted) != set(held):
                self.refuse(record.row, "roles", str(SELF_GRANT))
                continue
            for role in added:
                reason = self.grant_problem(role, record.unit)
                if reason:
                    self.refuse(record.row, "roles", reason)

    def _check_existing_in_scope(self) -> None:
        units, roles = self.reference.units_by_id, self.reference.roles_by_permission
        for record in self.records:
            stored = self.existing.get(record.username)
            if stored is None:
                continue
            unit = units.get(stored[1]["registered_unit_id"])
            if unit is not None and not self.in_scope(unit):
                self.problem(record.row, "username", _(
                    "บัญชีนี้ลงทะเบียนไว้ที่ %(code)s (%(name)s) อยู่นอกขอบเขตที่ท่านนำเข้าได้"
                ) % {"code": unit.code, "name": unit.name_th})
                continue
            # Setting the holdings to the file's would withdraw these: not this importer's to withdraw.
            outside = sorted(
                f"{roles[permission_id].code}@{units[unit_id].code}"
                for permission_id, unit_id in self.held.get(stored[0], {})
                if not self.in_scope(units[unit_id])
            )
            if outside:
                self.problem(record.row, "roles", _(
                    "บัญชีนี้ถือบทบาทที่หน่วยงานนอกขอบเขตของท่าน (%(roles)s) ซึ่งการนำเข้าจะถอนออก "
                    "กรุณาให้ผู้ดูแลระบบส่วนกลางนำเข้าแถวนี้"
                ) % {"roles": ", ".join(outside)})

    def plan(self) -> None:
        units_by_id = self.reference.units_by_id
        roles_by_permission = self.reference.roles_by_permission
        for record in self.records:
            label = f"{record.username} ({format_national_id(record.national_id)})"
            wanted = {(role.permission_id, record.unit.pk): role for role in record.roles}
            stored = self.existing.get(record.username)
            held = self.held.get(stored[0], {}) if stored is not None else {}
            added = [role for key, role in wanted.items() if key not in held]
            removed = [
                (pk, Holding(record.username, roles_by_permission[permission_id].code, units_by_id[unit_id].code))
                for (permission_id, unit_id), pk in held.items()
                if (permission_id, unit_id) not in wanted
            ]
            self._add.extend((record, role) for role in added)
            self._remove.extend(removed)
            role_changes = [f"+{role.code}" for role in added] + [f"−{h.role}@{h.unit}" for _pk, h in removed]
            if stored is None:
                self._to_create.append(record)
                self.add_plan(record.row, Action.CREATE, label, " ".join(role_changes))
                continue
            pk, current = stored
            changed = {name: value for name, value in record.values().items() if current[name] != value}
            if changed:
                self._to_update.append((pk, current, changed, record))
            if changed or role_changes:
                names = [_FIELD_NAMES[name] for name in changed]
                description = "; ".join(filter(None, [self.field_labels(User, names), " ".join(role_changes)]))
                self.add_plan(record.row, Action.UPDATE, label, description)
            else:
                self.add_plan(record.row, Action.UNCHANGED, label)

    def write(self, *, actor, progress: Progress | None) -> None:
        total = len(self._to_create) + len(self._to_update)
        done = 0
        for chunk in chunked(self._to_create, WRITE_BATCH):
            rows = []
            for record in chunk:
                first_name, last_name = self.names.get(record.national_id, ("", ""))
                rows.append({
                    "username": record.username, "first_name": first_name, "last_name": last_name,
                    "date_joined": self.now, "last_login": None, **record.values(),
                    # As make_password(None) does, with a cheaper random suffix: this runs once per new account.
                    "password": UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
                })
            self.user_pks.update(bulk_insert(User, rows, returning=("username", "id")))
            done += len(chunk)
            if progress:
                progress(str(STAGE_WRITE), done, total)
        for chunk in chunked(self._to_update, WRITE_BATCH):
            rows = []
            for pk, current, changed, record in chunk:
                # The statement sets the batch's fields on every row of it: start from the stored values.
                values = {**current, **changed}
                if "is_active" in changed:
                    if record.is_active:
                        values["deactivated_at"], values["deactivation_reason"] = None, ""
                        self.reactivated.append(record.username)
                    else:
                        values["deactivated_at"] = self.now
                        values["deactivation_reason"] = _("ระงับการใช้งานตามแฟ้มนำเข้าข้อมูลทะเบียน")
                        self.deactivated.append(record.username)
                rows.append((pk, values))
            fields = {name for _pk, _c, changed, _r in chunk for name in changed}
            if "is_active" in fields:
                fields |= {"deactivated_at", "deactivation_reason"}
            bulk_update_by_pk(User, rows, sorted(fields))
            done += len(chunk)
            if progress:
                progress(str(STAGE_WRITE), done, total)
        self._write_holdings()

    def _write_holdings(self) -> None:
        bulk_insert(UnitUserObjectPermission, [
            {"user_id": self.user_pks[record.username], "permission_id": role.permission_id, "content_object_id": record.unit.pk}
            for record, role in self._add
        ])
        self.added = [Holding(record.username, role.code, record.unit.code) for record, role in self._add]
        # Withdrawing a role removes its guardian row, as account_deactivate does; the event keeps the record.
        for chunk in chunked(self._remove, WRITE_BATCH):
            UnitUserObjectPermission.objects.filter(pk__in=[pk for pk, _h in chunk]).delete()
        self.removed = [holding for _pk, holding in self._remove]

    def event_data(self) -> dict:
        return {
            "roles_added": [h.as_list() for h in self.added],
            "roles_removed": [h.as_list() for h in self.removed],
            "deactivated": self.deactivated,
            "reactivated": self.reactivated,
        }
