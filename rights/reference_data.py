"""Load the reference data (units, levels, positions, roles, policies) from fixtures/, idempotently."""

from __future__ import annotations

import csv
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from accounts.models import Level, Position, Unit
from rights.models import Policy, Role
from rights.reference_cache import reference_cache_clear

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
BANGKOK_CODE = "10"

# Other apps add the reference data they own (e.g. fee types) from their AppConfig.ready(); accounts imports none of them.
_EXTRA_LOADERS: list = []


def register_reference_loader(loader) -> None:
    """Register `loader(directory: Path, summary: LoadSummary)`, run inside reference_data_load's transaction."""
    if loader not in _EXTRA_LOADERS:
        _EXTRA_LOADERS.append(loader)


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated"


def _upsert(model, rows: list[dict], key: str, summary: LoadSummary) -> dict:
    """Create missing rows and update changed ones in bulk; return {key: instance}."""
    existing = {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": [r[key] for r in rows]})}
    to_create, to_update, fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row)
            to_create.append(obj)
            existing[row[key]] = obj
            continue
        changed = [name for name, value in row.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, row[name])
            fields.update(changed)
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=500)
    summary.created += len(to_create)
    summary.updated += len(to_update)
    if to_create and to_create[0].pk is None:  # backends that do not return keys from bulk_create
        return {getattr(obj, key): obj for obj in model.objects.filter(**{f"{key}__in": [r[key] for r in rows]})}
    return existing


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _load_units(reference: dict, directory: Path, summary: LoadSummary) -> None:
    department = reference["department"]
    root_path = Unit.path_for(department["code"], None)
    dopa = _upsert(Unit, [{**department, "kind": Unit.Kind.DEPARTMENT, "parent": None, "path": root_path}], "code", summary)
    dopa = dopa[department["code"]]
    bureaus = [
        {**row, "kind": Unit.Kind.BUREAU, "parent": dopa, "path": Unit.path_for(row["code"], dopa)}
        for row in reference["bureaus"]
    ]
    _upsert(Unit, bureaus, "code", summary)

    provinces_csv = _read_csv(directory / "thai-admin-areas" / "provinces.csv")
    province_code_by_source_id = {row["PROVINCE_ID"]: row["CODE"] for row in provinces_csv}
    provinces = _upsert(
        Unit,
        [
            {
                "code": row["CODE"],
                "name_th": row["PROVINCE_THAI"],
                "name_en": row["PROVINCE_ENGLISH"],
                "kind": Unit.Kind.PROVINCE,
                "parent": dopa,
                "path": Unit.path_for(row["CODE"], dopa),
                "is_bma": row["CODE"] == BANGKOK_CODE,
            }
            for row in provinces_csv
        ],
        "code",
        summary,
    )
    districts = []
    for row in _read_csv(directory / "thai-admin-areas" / "districts.csv"):
        province = provinces[province_code_by_source_id[row["PROVINCE_ID"]]]
        districts.append(
            {
                "code": row["DISTRICT_CODE"],
                "name_th": row["DISTRICT_THAI"],
                "name_en": row["DISTRICT_ENGLISH"],
                "kind": Unit.Kind.DISTRICT,
                "parent": province,
                "path": Unit.path_for(row["DISTRICT_CODE"], province),
                "is_bma": province.code == BANGKOK_CODE,
            }
        )
    _upsert(Unit, districts, "code", summary)


def role_permission(code: str, name: str) -> Permission:
    """The guardian permission whose object rows on units mean "holds role `code` at that unit"."""
    permission, _ = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Unit),
        codename=Role.codename_for(code),
        defaults={"name": f"ถือบทบาท {name}"[:255]},
    )
    return permission


def _load_roles(reference: dict, summary: LoadSummary) -> dict[str, Role]:
    menu_permissions = {
        p.codename: p
        for p in Permission.objects.filter(content_type=ContentType.objects.get_for_model(Role), codename__startswith="menu_")
    }
    roles = {}
    for row in reference["roles"]:
        role = Role.objects.filter(code=row["code"]).first()
        values = {"name_th": row["name_th"], "name_en": row["name_en"], "national_scope": row.get("national_scope", False)}
        if role is None:
            # Who may grant the role is set once; central admins may change it afterwards and a reload keeps it.
            role = Role.objects.create(code=row["code"], permission=role_permission(row["code"], row["name_th"]),
                                       granted_by=row.get("granted_by", Role.GrantedBy.CENTRE),
                                       requires_second_factor=row.get("requires_second_factor", False), **values)
            role.menus.set([menu_permissions[name] for name in row["menus"]])
            summary.created += 1
        elif any(getattr(role, k) != v for k, v in values.items()):
            Role.objects.filter(pk=role.pk).update(**values)
            summary.updated += 1
        roles[role.code] = role
    return roles


def _load_policies(reference: dict, roles: dict[str, Role], summary: LoadSummary) -> None:
    """Create each shipped policy once. Central admins may edit them afterwards; a reload keeps their edits."""
    positions = {p.name_th: p for p in Position.objects.all()}
    levels = {lv.code: lv for lv in Level.objects.all()}
    for row in reference["policies"]:
        if Policy.objects.filter(role=roles[row["role"]], name=row["name"]).exists():
            continue
        policy = Policy.objects.create(
            role=roles[row["role"]],
            name=row["name"],
            source=row.get("source", ""),
            effective_from=datetime.date.fromisoformat(row["effective_from"]),
            max_holders_per_unit=row.get("max_holders_per_unit"),
        )
        policy.allowed_positions.set([positions[name] for name in row.get("allowed_positions", [])])
        policy.minimum_levels.set([levels[code] for code in row.get("minimum_levels", [])])
        summary.created += 1


@transaction.atomic
def reference_data_load(*, directory: Path = FIXTURES_DIR) -> LoadSummary:
    """Create or update the reference data; running it twice changes nothing the second time."""
    reference = json.loads((directory / "reference.json").read_text(encoding="utf-8"))
    summary = LoadSummary()
    _load_units(reference, directory, summary)
    _upsert(Level, reference["levels"], "code", summary)
    _upsert(Position, reference["positions"], "name_th", summary)
    roles = _load_roles(reference, summary)
    _load_policies(reference, roles, summary)
    for loader in _EXTRA_LOADERS:
        loader(directory, summary)
    reference_cache_clear()  # bulk writes send no signals
    return summary
