"""The escalation matrix: every persona tries to grant every kind of role, on every grant path, to themselves, to a
person in their scope and to one outside it.

Personas: a district clerk (staff), the reviewers of two districts (4701, 4702) and of two provinces (47, 49), and
the centre. Roles, one of each authority: ISV_FEE_RECEIPT (the district's to grant), DISTRICT_REVIEWER (the
province's), PROVINCE_REVIEWER and CENTRAL_ADMIN (the centre's). Paths: the order form (a POST of the screen), the
orders import (the service with the import screen's scope), the orders API, rights sync (a GRANT handed straight
to the applying service, as a crafted tick would be), an account move under an order line, a change request
decision (which moves registration, not roles), and the admin (orders and held roles are read-only there).

The expected outcome is written here from the circulars' and the README's rules, independently of rights.rules:
who covers which unit, and which roles each office may grant. Every attempt runs in a savepoint rolled back
afterwards. An allowed attempt must leave its mark (an order recorded, a role held, an account moved); a refused one
must leave the orders, lines, held roles and registrations exactly as they were, and a refusal of authority (a role
above the actor's, or the actor's own account) must be in the event log. `test_the_matrix_catches_escalation` runs
the same matrix with the authority and self-dealing checks switched off, and shows it fails.
"""

from __future__ import annotations

import contextlib
import datetime
import io
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import UnitUserObjectPermission, User
from api.services import api_token_create
from events.models import Event
from lifecycle import services as lifecycle
from lifecycle.models import ChangeRequest
from registry.importers import registry_import
from rights import rules
from rights.models import AssignmentOrder, OrderLine
from rights.scope import account_rights, cached_account_rights, today
from rights.sync import GRANT, RightChange, rights_apply
from tests.factories import (
    AssignmentOrderFactory,
    ChangeRequestFactory,
    OrderLineFactory,
    account_with_roles,
    role,
    unit,
)

ROLES = ("ISV_FEE_RECEIPT", "DISTRICT_REVIEWER", "PROVINCE_REVIEWER", "CENTRAL_ADMIN")
GRANT_PATHS = ("form", "import", "api", "sync", "move")


@dataclass(frozen=True)
class Persona:
    name: str
    role: str | None  # the role they hold (at `at`); None for the clerk, who holds only ISV_USER
    at: str
    covers: tuple[str, ...] | None  # unit-code prefixes of their scope; None for the whole country
    may_grant: frozenset[str]  # the roles their office may grant, by the README's table
    inside: str  # the district of a person in their scope
    outside: str | None  # the district of a person outside it
    position: str = "เจ้าพนักงานปกครอง"
    level: str = "K3"


DISTRICT_ROLES = frozenset({"ISV_FEE_RECEIPT"})
PROVINCE_ROLES = frozenset({"ISV_FEE_RECEIPT", "DISTRICT_REVIEWER"})
PERSONAS = (
    Persona("staff.4701", None, "4701", (), frozenset(), "4701", "4702", position="ปลัดอำเภอ"),
    Persona("reviewer.4701", "DISTRICT_REVIEWER", "4701", ("4701",), DISTRICT_ROLES, "4701", "4702"),
    Persona("reviewer.4702", "DISTRICT_REVIEWER", "4702", ("4702",), DISTRICT_ROLES, "4702", "4701"),
    Persona("reviewer.47", "PROVINCE_REVIEWER", "47", ("47",), PROVINCE_ROLES, "4701", "4901", position="จ่าจังหวัด"),
    Persona("reviewer.49", "PROVINCE_REVIEWER", "49", ("49",), PROVINCE_ROLES, "4901", "4701", position="จ่าจังหวัด"),
    Persona("central", "CENTRAL_ADMIN", "DOPA-LEGAL", None, frozenset(ROLES), "4701", None,
            position="นิติกร", level="K4"),
)
# Where a person of each district moves to: a district of the same province.
MOVE_TO = {"4701": "4702", "4702": "4701", "4901": "4902"}


def covers(persona: Persona, code: str) -> bool:
    return persona.covers is None or any(code.startswith(prefix) for prefix in persona.covers)


@dataclass
class Attempt:
    persona: Persona
    path: str
    target: str  # "self", "inside" or "outside"
    role: str | None

    def __str__(self) -> str:
        return f"{self.persona.name} · {self.path} · {self.role or '-'} · {self.target}"


def expected(attempt: Attempt) -> bool:
    persona, target_unit = attempt.persona, target_code(attempt)
    if attempt.target == "self":
        return False  # nobody grants, moves or approves anything for themselves
    in_scope = covers(persona, target_unit) and bool(persona.role)
    if attempt.path == "import":
        in_scope = in_scope and persona.role in ("PROVINCE_REVIEWER", "CENTRAL_ADMIN")  # the import menu
    if attempt.path == "move":
        return in_scope and covers(persona, MOVE_TO[target_unit])  # both ends of the move
    if attempt.path == "change_request":
        return in_scope
    return in_scope and attempt.role in persona.may_grant


def authority_in_play(attempt: Attempt) -> bool:
    """Whether a refusal of this attempt is one of authority (logged), not of a missing menu or of a unit outside
    the actor's scope (a 403 or 404 that reaches no decision)."""
    persona, code = attempt.persona, target_code(attempt)
    if not persona.role or not covers(persona, code):
        return False
    if attempt.path == "import":
        return persona.role in ("PROVINCE_REVIEWER", "CENTRAL_ADMIN")
    if attempt.path == "move":
        return covers(persona, MOVE_TO[code])
    return True


def target_code(attempt: Attempt) -> str:
    persona = attempt.persona
    return {"self": persona.inside, "inside": persona.inside, "outside": persona.outside}[attempt.target]


# ---------------------------------------------------------------------------------------------------------------
# The world


@pytest.fixture
def people(db):
    accounts = {}
    for persona in PERSONAS:
        roles = ("ISV_USER", persona.role) if persona.role else ("ISV_USER",)
        accounts[persona.name] = account_with_roles(
            *roles, unit_code=persona.at, position_name=persona.position, level_code=persona.level,
            username=persona.name,
        )
    for code in ("4701", "4702", "4901"):
        accounts[f"person.{code}"] = account_with_roles("ISV_USER", unit_code=code, username=f"person.{code}")
    return accounts


def target_account(attempt: Attempt, people) -> User:
    if attempt.target == "self":
        return people[attempt.persona.name]
    return people[f"person.{target_code(attempt)}"]


def grant_unit_code(attempt: Attempt) -> str:
    """The unit the role is given at: the person's own district (the actor's own unit when they give it to
    themselves, so that only the rule against self-dealing refuses it)."""
    if attempt.target == "self":
        return attempt.persona.at
    return target_code(attempt)


def snapshot() -> tuple:
    return (
        sorted(AssignmentOrder.objects.values_list("pk", "number", "revoked_at")),
        sorted(OrderLine.objects.values_list("pk", "role_id", "unit_id", "confirmed_at")),
        sorted(UnitUserObjectPermission.objects.values_list("user_id", "permission_id", "content_object_id")),
        sorted(User.objects.values_list("pk", "registered_unit_id", "registered_position_id", "registered_level_id")),
        sorted(ChangeRequest.objects.values_list("pk", "status")),
    )


def refusal_logged(since: int) -> bool:
    return Event.objects.filter(seq__gt=since, action__endswith="refused").exists()


def last_seq() -> int:
    return Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


# ---------------------------------------------------------------------------------------------------------------
# The paths: each returns whether the attempt succeeded (its mark is there)

NUMBER = "987/2569"


def path_form(attempt: Attempt, actor: User, target: User) -> bool:
    code = grant_unit_code(attempt)
    client = Client()
    client.force_login(actor)
    official = target.official
    client.post(reverse("accounts:order-create"), {
        "number": NUMBER, "order_date": "2569-01-02", "issuing_unit": unit(code).pk, "signer": "ผู้ลงนาม",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200",
        "lines-0-national_id": official.national_id, "lines-0-role": role(attempt.role).pk,
        "lines-0-unit": unit(code).pk, "lines-0-position": official.position_id, "lines-0-level": official.level_id,
        "lines-0-effective_from": "2569-01-03", "lines-0-effective_to": "",
    })
    return AssignmentOrder.objects.filter(number=NUMBER).exists()


def path_import(attempt: Attempt, actor: User, target: User) -> bool:
    scope = cached_account_rights(actor).scope_for("menu_import_registry")
    if not scope:
        return False  # the import screen and API answer 403 without the menu
    code = grant_unit_code(attempt)
    official = target.official
    text = (
        "order_no,order_date,issuing_unit_code,national_id,role,unit_code,position,level,effective_from,effective_to\n"
        f"{NUMBER},2569-01-02,{code},{official.national_id},{attempt.role},{code},{official.position.name_th},"
        f"{official.level.code},2569-01-03,\n"
    )
    report = registry_import(kind="orders", source=io.BytesIO(text.encode()), filename="orders.csv", actor=actor,
                             scope=scope, origin="web")
    return report.imported and AssignmentOrder.objects.filter(number=NUMBER).exists()


def path_api(attempt: Attempt, actor: User, target: User) -> bool:
    code = grant_unit_code(attempt)
    official = target.official
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=actor, name='matrix', days=30, second_factor_verified=True).plaintext}")
    client.post("/api/v1/orders/", {
        "number": NUMBER, "order_date": "2569-01-02", "issuing_unit": code, "signer": "ผู้ลงนาม",
        "lines": [{"national_id": official.national_id, "role": attempt.role, "unit": code,
                   "position": official.position.name_th, "level": official.level.code,
                   "effective_from": "2569-01-03"}],
    }, format="json")
    return AssignmentOrder.objects.filter(number=NUMBER).exists()


def confirmed_line(target: User, role_code: str, code: str) -> OrderLine:
    """An order in force naming `target` for the role at `code`, recorded and confirmed by the centre earlier."""
    order = AssignmentOrderFactory(number="555/2569", issuing_unit=unit(code))
    return OrderLineFactory(order=order, official=target.official, role=role(role_code), unit=unit(code),
                            effective_from=today() - datetime.timedelta(days=10))


def path_sync(attempt: Attempt, actor: User, target: User) -> bool:
    code = grant_unit_code(attempt)
    line = confirmed_line(target, attempt.role, code)
    scope = cached_account_rights(actor).scope_for("menu_review_accounts")
    if not scope:
        return False  # the sync screen answers 403 without the menu
    change = RightChange(account=target, role=role(attempt.role), unit=unit(code), action=GRANT, line=line,
                         reason="matrix")
    granted = rights_apply(changes=[change], actor=actor, scope=scope).granted
    if granted and not account_rights(target).has_role_at(attempt.role, unit(code)).held:
        raise AssertionError(f"{attempt}: counted as granted, not held")
    return bool(granted)


def path_move(attempt: Attempt, actor: User, target: User) -> bool:
    """Move the person to the next district under an order line in force there that also names the role."""
    destination = MOVE_TO[target_code(attempt)]
    line = confirmed_line(target, attempt.role, destination)
    scope = cached_account_rights(actor).scope_for("menu_record_orders")
    if not scope:
        return False
    with contextlib.suppress(PermissionDenied, ValidationError):  # a refusal; AuthorityRefused is a PermissionDenied
        lifecycle.account_move(account=target, line=line, actor=actor, scope=scope)
    target.refresh_from_db()
    moved = target.registered_unit.code == destination
    # The role comes with the move only when the actor may grant it there; otherwise sync by an office that may.
    held = account_rights(target).has_role_at(attempt.role, unit(destination)).held
    if held and attempt.role not in attempt.persona.may_grant:
        raise AssertionError(f"{attempt}: the move granted {attempt.role}, above the actor's authority")
    return moved


def path_change_request(attempt: Attempt, actor: User, target: User) -> bool:
    request = ChangeRequestFactory(account=target, filed_by=target, unit=target.registered_unit,
                                   position=target.registered_position, level=target.registered_level)
    scope = cached_account_rights(actor).scope_for("menu_decide_change_requests")
    if not scope:
        return False
    with contextlib.suppress(PermissionDenied, ValidationError):
        lifecycle.change_request_decide(change_request=request, actor=actor, approve=True, reason="ตรวจแล้ว",
                                        scope=scope, **guard_acknowledged())
    request.refresh_from_db()
    return request.status == ChangeRequest.Status.APPROVED


def guard_acknowledged() -> dict:
    """The approval guard's acknowledgement, when the service has one: this matrix is about who decides."""
    import inspect

    return {"acknowledge_flags": True} if "acknowledge_flags" in inspect.signature(
        lifecycle.change_request_decide).parameters else {}


PATHS = {"form": path_form, "import": path_import, "api": path_api, "sync": path_sync, "move": path_move,
         "change_request": path_change_request}


def attempts() -> list[Attempt]:
    found = []
    for persona in PERSONAS:
        targets = ("self", "inside", "outside") if persona.outside else ("self", "inside")
        for target in targets:
            for path in GRANT_PATHS:
                for code in ROLES:
                    found.append(Attempt(persona, path, target, code))
            found.append(Attempt(persona, "change_request", target, None))
    return found


def run_matrix(people) -> tuple[list[str], dict[str, int]]:
    problems, tally = [], {"allowed": 0, "refused": 0}
    for attempt in attempts():
        actor, target = people[attempt.persona.name], target_account(attempt, people)
        with transaction.atomic():
            since, before = last_seq(), snapshot()
            try:
                succeeded = PATHS[attempt.path](attempt, actor, target)
            except AssertionError as failure:
                problems.append(str(failure))
                succeeded = None
            want = expected(attempt)
            if succeeded is not None and succeeded != want:
                problems.append(f"{attempt}: {'succeeded' if succeeded else 'refused'}, expected "
                                f"{'success' if want else 'refusal'}")
            elif succeeded is False:
                if attempt.path in ("sync", "move", "change_request"):
                    changed = snapshot_without_setup(before)
                else:
                    changed = snapshot() != before
                if changed:
                    problems.append(f"{attempt}: refused but something changed")
                if authority_in_play(attempt) and not refusal_logged(since):
                    problems.append(f"{attempt}: refused without a refusal in the event log")
            tally["allowed" if want else "refused"] += 1
            transaction.set_rollback(True)
    return problems, tally


def snapshot_without_setup(before: tuple) -> bool:
    """For sync and move the attempt itself adds the order in force it relies on, for a change request the pending
    request it decides; compare everything else."""
    after = snapshot()
    setup = set(OrderLine.objects.filter(order__number="555/2569").values_list("pk", flat=True))
    orders = set(AssignmentOrder.objects.filter(number="555/2569").values_list("pk", flat=True))
    lines_after = [row for row in after[1] if row[0] not in setup]
    orders_after = [row for row in after[0] if row[0] not in orders]
    known = {row[0] for row in before[4]}
    requests_after = [row for row in after[4] if row[0] in known or row[1] != ChangeRequest.Status.PENDING]
    return (orders_after, lines_after, after[2], after[3], requests_after) != before


# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_escalation_matrix(people):
    problems, tally = run_matrix(people)
    assert not problems, "\n".join(problems)
    # The matrix is not empty on either side: some attempts must succeed and most must be refused.
    assert tally["allowed"] >= 20 and tally["refused"] >= 100, tally


@pytest.mark.django_db
def test_the_matrix_catches_escalation(people, monkeypatch):
    """With the authority and self-dealing rules switched off in the services, the matrix fails on both."""
    monkeypatch.setattr(rules, "may_grant", lambda scope, role, unit: True)
    monkeypatch.setattr(rules, "is_self", lambda actor, **kwargs: False)
    problems, _ = run_matrix(people)
    assert any("reviewer.4701 · form · CENTRAL_ADMIN · inside: succeeded" in p for p in problems)
    assert any("reviewer.4701 · sync · ISV_FEE_RECEIPT · self: succeeded" in p for p in problems)
    assert any("· api · PROVINCE_REVIEWER ·" in p for p in problems)
    assert any("· import · CENTRAL_ADMIN ·" in p for p in problems)


@pytest.mark.django_db
def test_the_admin_grants_nothing(people):
    """Orders and held roles are read-only in the admin, even for a superuser: the app's screens are the way. The
    other personas are not staff and are sent to the admin's login."""
    User.objects.filter(username="central").update(is_staff=True, is_superuser=True)
    for persona in PERSONAS:
        client = Client()
        client.force_login(User.objects.get(username=persona.name))
        order = AssignmentOrder.objects.first()
        for url in (reverse("admin:rights_assignmentorder_add"),
                    reverse("admin:accounts_unituserobjectpermission_add")):
            response = client.get(url)
            if persona.name == "central":
                assert response.status_code == 403, (url, response.status_code)
            else:
                assert response.status_code == 302 and "/admin/login/" in response["Location"], url
        if persona.name == "central":
            change = client.get(reverse("admin:rights_assignmentorder_change", args=[order.pk]))
            assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
