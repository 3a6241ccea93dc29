"""The access matrix: every URL of the project, for every persona, inside and outside the caller's scope.

Each URL pattern (found with get_resolver(), so a new one without an entry here fails `test_every_url_has_an_entry`)
has an entry in ROUTES: who may use it, how to fill its arguments with an object inside the caller's scope and one
outside it, and, for a POST-only URL, a valid payload. For every persona of PERSONAS the test asserts:

- anonymous: sent to the login page (the API answers 401 as JSON);
- the object inside the scope: the positive control's status for those allowed, 403 or 404 for everyone else;
- the object outside the scope: 404 (or 403), never the page;
- every page answered with 200 (HTML, CSV, XLSX or JSON) contains no username, national ID or payer of a unit
  outside the caller's scope;
- a POST-only URL: GET answers 405; a refused POST leaves the database as it was (the only entry it may add to the
  event log is a logged refusal); the allowed POST (the positive control, rolled back) changes
  it, which proves the payload would have worked;
- with CSRF checks on, a POST without the token is refused and changes nothing.

Left out: /admin/ (Django's own permission checks on is_staff; only the central admin is staff, which
`test_only_staff_reach_the_admin` checks) and /media/ (served by the web server, not Django, outside DEBUG).
Everything else, including the API, is in the matrix. The statuses seen go to test-artifacts/access-matrix.md.
"""

from __future__ import annotations

import datetime
import io
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.access_world import PERSONAS, Persona, World, leaked, officials_csv, receipt_api_number, world_build

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

LOGGED_IN = frozenset(name for name in PERSONAS if name != "anonymous")
REVIEWERS = frozenset({"reviewer.4701", "reviewer.4702", "reviewer.47", "reviewer.49", "admin.central"})
PROVINCE_UP = frozenset({"reviewer.47", "reviewer.49", "admin.central"})
CENTRAL = frozenset({"admin.central"})
ISSUER = frozenset({"clerk.4701"})
RECEIPT_VIEWERS = REVIEWERS | ISSUER
REFUSED = frozenset({403, 404})
# The entries a refused POST may add to the event log: the services log every refusal of a right or an authority,
# and rights.denials counts every 403 and 404 an account receives (its first of the hour is an event).
LOGGED_REFUSALS = {
    "accounts.access.denied",
    "receipts.receipt.refused", "accounts.role.refused", "accounts.order.refused", "accounts.login.unlock_refused",
    "accounts.change_request.refused", "accounts.leaver_report.refused", "accounts.registry.refused",
    "audit.round.refused", "rollout.nomination.refused",
}


# ---------------------------------------------------------------------------------------------------------------
# Targets: the URL's arguments (and query) for an object inside or outside the caller's scope


@dataclass
class Call:
    world: World
    persona: Persona
    client: Client


@dataclass(frozen=True)
class Target:
    kwargs: dict = field(default_factory=dict)
    query: str = ""
    code: str | None = None  # the district the object lies in

    def url(self, name: str) -> str:
        return reverse(name, kwargs=self.kwargs) + (f"?{self.query}" if self.query else "")


Maker = Callable[[Call, bool], Target | None]


def at(make: Callable[[World, str], dict | Target]) -> Maker:
    """Arguments for the object of the caller's home district (inside) or of their `other` district (outside)."""

    def maker(call: Call, inside: bool) -> Target | None:
        code = call.persona.home if inside else call.persona.other
        if code is None:
            return None
        made = make(call.world, code)
        if isinstance(made, Target):
            return Target(made.kwargs, made.query, code)
        return Target(made, "", code)

    return maker


def fixed(make: Callable[[World], dict]) -> Maker:
    """Arguments that do not depend on the caller (e.g. the one review round); nothing lies outside."""
    return lambda call, inside: Target(make(call.world), "", call.persona.home) if inside else None


def own_change_request(call: Call, inside: bool) -> Target | None:
    """The caller's own request inside; a request of someone in their `other` district outside."""
    world, persona = call.world, call.persona
    if inside:
        change_request = world.own_change_requests.get(persona.name) or world.place(persona.home).change_request
        return Target({"pk": change_request.pk}, "", persona.home)
    return Target({"pk": world.place(persona.other or "4702").change_request.pk}, "", persona.other)


def own_token(call: Call, inside: bool) -> Target | None:
    token = call.world.tokens.get(call.persona.name if inside else "other") or call.world.tokens["other"]
    return Target({"pk": token.pk}, "", call.persona.home)


def import_token(call: Call, inside: bool) -> Target:
    """An upload waiting in the caller's session (inside), checked as its page checks it, or one waiting in
    somebody else's (outside)."""
    from accounts.models import User
    from registry import jobs as import_jobs
    from registry.views import SESSION_KEY, upload_dir

    token = secrets.token_hex(16)
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{token}.csv").write_bytes(officials_csv(call.persona.home, 700 + len(call.persona.name)))
    if inside and call.persona.username:
        session = call.client.session
        pending = {"kind": "officials", "name": "officials.csv", "format": "csv", "size": 100,
                   "uploaded_at": datetime.datetime.now(datetime.UTC).isoformat()}
        session[SESSION_KEY] = {token: pending}
        session.save()
        import_jobs.import_job_started(token=token, pending=pending, user=User.objects.get(username=call.persona.username),
                                       ip_address="127.0.0.1", task=import_jobs.CHECK)
    return Target({"token": token}, "", call.persona.home)


def api_import_job(call: Call, inside: bool) -> Target:
    """A finished API import job of the caller (inside), or one of somebody else (outside)."""
    from accounts.models import User
    from registry import jobs as import_jobs
    from registry.views import upload_dir

    token = secrets.token_hex(16)
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{token}.csv").write_bytes(officials_csv(call.persona.home, 750 + len(call.persona.name)))
    owners = User.objects.order_by("pk")
    owner = (owners.filter(username=call.persona.username) if inside else owners.exclude(
        username=call.persona.username or "")).first()
    if owner is not None:
        pending = {"kind": "officials", "name": "officials.csv", "format": "csv"}
        import_jobs.import_job_started(token=token, pending=pending, user=owner, ip_address="127.0.0.1",
                                       task=import_jobs.CHECK, origin="api")
    return Target({"token": token}, "", call.persona.home)


def bangkok_today() -> datetime.date:
    from rights.scope import today

    return today()  # the day every rule is judged on, not the machine's (UTC) date


def be(day: datetime.date) -> str:
    return f"{day.year + 543:04d}-{day.month:02d}-{day.day:02d}"


def round_item_answer(world: World, code: str) -> dict:
    """A valid answer to the round's item at `code`: confirm a clean account, else an exception with its reason."""
    from audit.rounds import decisions_for

    item = world.place(code).round_item
    if "confirmed" in decisions_for(item.code):
        return {"decision": "confirmed"}
    until = bangkok_today() + datetime.timedelta(days=60)
    return {"decision": "exception", "reason": "มีคำสั่งรองรับ", "exception_until": be(until)}


MATRIX_ROLLOUT = "แผนทดสอบสิทธิ์การเข้าถึง"


def matrix_rollout(world: World, *, compiled: bool = False):
    """A rollout still taking nominations, with a pending nomination at each district of the world; or (`compiled`)
    one whose only nomination, at 4701, is accepted and ready to become the order. Made in the test's savepoint."""
    from accounts.models import Official, Position
    from rights.models import Role
    from rollout.models import Nomination, Rollout
    from tests.access_world import LOCATIONS, national_id

    name = MATRIX_ROLLOUT + (" (คำสั่ง)" if compiled else "")
    found = Rollout.objects.filter(name=name).first()
    if found is not None:
        return found
    day = bangkok_today()
    offset = datetime.timedelta
    rollout = Rollout.objects.create(
        name=name, nomination_deadline=day + offset(days=30), registration_from=day + offset(days=40),
        registration_to=day + offset(days=50), trial_from=day + offset(days=42), trial_to=day + offset(days=60),
        purge_on=day + offset(days=65), go_live_on=day + offset(days=70), max_users_per_office=5,
        created_by=world.users["admin.central"],
    )
    role = Role.objects.get(code="ISV_FEE_RECEIPT")
    rollout.roles.set([role])
    for index, code in enumerate(["4701"] if compiled else LOCATIONS):
        unit = world.place(code).unit
        official = Official.objects.create(
            national_id=national_id(960 + index + (10 if compiled else 0)), first_name="เสนอชื่อ", last_name=code,
            unit=unit, position=Position.objects.get(name_th="ปลัดอำเภอ"), level=world.place(code).account.registered_level,
        )
        Nomination.objects.create(
            rollout=rollout, official=official, role=role, unit=unit, filed_by=world.users["admin.central"],
            status=Nomination.Status.ACCEPTED if compiled else Nomination.Status.PENDING,
        )
    return rollout


def rollout_nomination(world: World, code: str):
    from rollout.models import Nomination

    return Nomination.objects.get(rollout=matrix_rollout(world), unit__code=code)


# ---------------------------------------------------------------------------------------------------------------
# The registry: one entry per URL name


@dataclass(frozen=True)
class Route:
    allowed: frozenset[str]  # who gets `status` for the object inside their scope; everyone else is refused
    args: Maker | None = None
    status: int = 200
    post: Callable[[World, str], dict] | None = None  # POST-only: a valid payload for the object at a district
    payload_format: str = "form"  # "form" (multipart), "json"
    success: frozenset[int] = frozenset({302})  # the allowed POST's status
    changes_database: bool = True  # whether the allowed POST changes the database (cancelling an upload does not)
    refused: frozenset[int] = REFUSED
    anonymous: int = 302
    anonymous_to_login: bool = True
    note: str = ""


API = {"anonymous": 401, "anonymous_to_login": False}
JSON_POST = {"payload_format": "json", "anonymous": 401, "anonymous_to_login": False}

ROUTES: dict[str, Route] = {
    # The site
    "home": Route(LOGGED_IN),
    "login": Route(LOGGED_IN, status=302, anonymous=200, anonymous_to_login=False,
                   note="a logged-in user is sent home"),
    "logout": Route(LOGGED_IN, post=lambda w, code: {}, anonymous=302),
    "set_language": Route(LOGGED_IN, status=302, anonymous_to_login=False, note="GET only redirects back"),
    "favicon": Route(LOGGED_IN, status=301, anonymous=301, anonymous_to_login=False, note="to the static file"),
    # The account holder's own pages
    "accounts:profile": Route(LOGGED_IN),
    "accounts:password-change": Route(LOGGED_IN),
    "accounts:second-factor": Route(LOGGED_IN),
    "password_reset": Route(LOGGED_IN, anonymous=200, anonymous_to_login=False, note="asked from the login page"),
    "password_reset_done": Route(LOGGED_IN, anonymous=200, anonymous_to_login=False),
    "password_reset_confirm": Route(
        LOGGED_IN, args=lambda call, inside: Target({"uidb64": "MQ", "token": "set-password"}) if inside else None,
        anonymous=200, anonymous_to_login=False, note="an unknown link shows that it no longer works"),
    "password_reset_complete": Route(LOGGED_IN, anonymous=200, anonymous_to_login=False),
    "activate": Route(LOGGED_IN, anonymous=200, anonymous_to_login=False, note="the holder's own first password"),
    "activate-link": Route(LOGGED_IN, args=lambda call, inside: Target({"secret": "0" * 48}) if inside else None,
                           status=410, anonymous=410, anonymous_to_login=False, note="an unknown link is gone"),
    "login-verify": Route(LOGGED_IN, status=302, note="without a right password just before, back to the login page"),
    "accounts:change-request-mine": Route(LOGGED_IN),
    "accounts:change-request-create": Route(LOGGED_IN),
    "accounts:change-request-withdraw": Route(LOGGED_IN, args=own_change_request, post=lambda w, code: {}),
    "api_tokens:list": Route(LOGGED_IN),
    "api_tokens:create": Route(LOGGED_IN, post=lambda w, code: {"name": "สคริปต์", "days": "30"}, success=frozenset({200})),
    "api_tokens:revoke": Route(LOGGED_IN, args=own_token, post=lambda w, code: {}),
    # Change requests: the reviewers' side
    "accounts:change-request-queue": Route(REVIEWERS),
    "accounts:change-request-detail": Route(REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).change_request.pk})),
    "accounts:change-request-attachment": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).change_request.pk})),
    "accounts:change-request-decide": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).change_request.pk}),
        post=lambda w, code: {"decision": "approve", "reason": "ตรวจสำเนาคำสั่งแล้ว", "acknowledge_flags": "on"}),
    # Leavers
    "accounts:leaver-list": Route(REVIEWERS),
    "accounts:leaver-candidates": Route(REVIEWERS),
    "accounts:leaver-report-create": Route(REVIEWERS),
    "accounts:leaver-evidence": Route(REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).leaver_report.pk})),
    "accounts:leaver-queue": Route(CENTRAL),
    "accounts:leaver-accept": Route(CENTRAL, post=lambda w, code: {"report": w.place(code).leaver_report.pk}),
    "accounts:leaver-return": Route(
        CENTRAL, args=at(lambda w, code: {"pk": w.place(code).leaver_report.pk}),
        post=lambda w, code: {"reason": "ไม่มีหลักฐานคำสั่ง"}),
    # Orders and transfers
    "accounts:order-list": Route(REVIEWERS),
    "accounts:order-create": Route(REVIEWERS),
    "accounts:order-detail": Route(REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).order.pk})),
    "accounts:order-scan": Route(REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).order.pk})),
    "accounts:order-confirm": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).pending_order.pk}), post=lambda w, code: {},
        note="recorded by the district's officer: any other reviewer with authority over the district confirms"),
    "accounts:order-revoke": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).order.pk}),
        post=lambda w, code: {"reason": "บันทึกผิด", "typed_number": w.place(code).order.number}),
    "accounts:account-move": Route(
        PROVINCE_UP, args=at(lambda w, code: {"line_pk": w.place(code).move_line.pk}),
        post=lambda w, code: {"account": w.place(code).mover.pk},
        note="the mover is registered at the province office: a district may not take it, the province may"),
    # Rights and locks
    "accounts:rights-sync": Route(REVIEWERS, args=at(lambda w, code: Target(query=f"unit={code}"))),
    "accounts:locked-accounts": Route(REVIEWERS),
    "accounts:activation-issue": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).account.pk}),
        post=lambda w, code: {"channel": "printed"}, success=frozenset({200}),
        note="the printed code is rendered once, not redirected to"),
    "accounts:second-factor-reset": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).account.pk}),
        post=lambda w, code: {"reason": "โทรศัพท์หาย ยืนยันตัวตนผู้ขอแล้ว"}),
    "accounts:account-unlock": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).account.pk}), post=lambda w, code: {}),
    # The registry import
    "accounts:import-registry": Route(PROVINCE_UP),
    "accounts:import-preview": Route(PROVINCE_UP, args=import_token),
    "accounts:import-confirm": Route(PROVINCE_UP, args=import_token, post=lambda w, code: {}),
    "accounts:import-cancel": Route(PROVINCE_UP, args=import_token, post=lambda w, code: {},
                                    changes_database=False, note="removes the upload and the session entry only"),
    # Review screens
    "audit:review": Route(REVIEWERS, status=302, note="sends each reviewer to the report of their scope"),
    "audit:account-list": Route(REVIEWERS, args=at(lambda w, code: {"unit_code": code})),
    "audit:account-list-export": Route(REVIEWERS, args=at(lambda w, code: {"unit_code": code, "fmt": "csv"})),
    "audit:people-without-record-export": Route(
        REVIEWERS, args=at(lambda w, code: {"unit_code": code, "fmt": "xlsx"})),
    "audit:account-detail": Route(REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).account.pk})),
    "audit:province-summary": Route(PROVINCE_UP, args=at(lambda w, code: {"province_code": code[:2]})),
    "audit:province-summary-export": Route(
        PROVINCE_UP, args=at(lambda w, code: {"province_code": code[:2], "fmt": "xlsx"})),
    "audit:province-summary-pdf": Route(PROVINCE_UP, args=at(lambda w, code: {"province_code": code[:2]})),
    "audit:national-summary": Route(CENTRAL),
    "audit:national-summary-export": Route(CENTRAL, args=fixed(lambda w: {"fmt": "csv"})),
    # Review delegated to an acting reviewer
    "audit:delegations": Route(REVIEWERS),
    "audit:delegation-end": Route(REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).delegation.pk}),
                                  post=lambda w, code: {}),
    # Review rounds
    "audit:round-list": Route(REVIEWERS),
    "audit:round-open": Route(CENTRAL, post=lambda w, code: {
        "name": "รอบใหม่", "as_of": be(bangkok_today()),
        "deadline": be(bangkok_today() + datetime.timedelta(days=30))}),
    "audit:round-detail": Route(
        REVIEWERS, args=at(lambda w, code: Target({"pk": w.review_round.pk}, f"unit={code}"))),
    "audit:round-close": Route(CENTRAL, args=fixed(lambda w: {"pk": w.review_round.pk}), post=lambda w, code: {}),
    "audit:round-office": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.review_round.pk, "unit_code": code})),
    "audit:round-confirm-clean": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.review_round.pk, "unit_code": code}), post=lambda w, code: {}),
    "audit:round-items-decide": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.review_round.pk, "unit_code": code}),
        post=lambda w, code: {"target": "selected", "items": [w.place(code).round_item.pk],
                              **round_item_answer(w, code)}),
    "audit:round-item-decide": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).round_item.pk}), post=round_item_answer),
    # Receipts
    "receipts:receipt-list": Route(RECEIPT_VIEWERS),
    "receipts:receipt-create": Route(ISSUER),
    "receipts:receipt-detail": Route(RECEIPT_VIEWERS, args=at(lambda w, code: {"pk": w.place(code).receipt.pk})),
    "receipts:receipt-pdf": Route(RECEIPT_VIEWERS, args=at(lambda w, code: {"pk": w.place(code).receipt.pk})),
    "receipts:receipt-void": Route(
        ISSUER, args=at(lambda w, code: {"pk": w.place(code).receipt.pk}),
        post=lambda w, code: {"reason": "ชื่อผู้ชำระผิด"}, refused=REFUSED | {302},
        note="a reviewer who sees the receipt is refused by the service, which logs it and says why on the page"),
    "receipts:daily-summary": Route(RECEIPT_VIEWERS),
    "receipts:daily-summary-export": Route(RECEIPT_VIEWERS, args=fixed(lambda w: {"fmt": "xlsx"})),
    "receipts:payin-list": Route(RECEIPT_VIEWERS),
    "receipts:payin-create": Route(ISSUER),
    "receipts:payin-detail": Route(RECEIPT_VIEWERS, args=at(lambda w, code: {"pk": w.place(code).payin_slip.pk})),
    "receipts:payin-pdf": Route(RECEIPT_VIEWERS, args=at(lambda w, code: {"pk": w.place(code).payin_slip.pk})),
    "receipts:payin-pay": Route(
        ISSUER, args=at(lambda w, code: {"pk": w.place(code).payin_slip.pk}),
        post=lambda w, code: {"payment_reference": "KTB-0001"}, refused=REFUSED | {302},
        note="as for voiding: the service refuses a reviewer, logs it and the page says why"),
    # The user manual: every logged-in account reads every persona's manual and the blank report form
    "manual:index": Route(LOGGED_IN),
    "manual:page": Route(LOGGED_IN, args=fixed(lambda w: {"persona": "district-reviewer"})),
    "manual:pdf": Route(LOGGED_IN, args=fixed(lambda w: {"persona": "staff"})),
    "manual:report-form-pdf": Route(LOGGED_IN),
    "manual:report-form-xlsx": Route(LOGGED_IN),
    # Rollouts: the centre's plan, and each office's nominations
    "rollout:list": Route(CENTRAL),
    "rollout:create": Route(CENTRAL),
    "rollout:detail": Route(CENTRAL, args=fixed(lambda w: {"pk": matrix_rollout(w).pk})),
    "rollout:edit": Route(CENTRAL, args=fixed(lambda w: {"pk": matrix_rollout(w).pk})),
    "rollout:remind": Route(CENTRAL, args=fixed(lambda w: {"pk": matrix_rollout(w).pk}), post=lambda w, code: {},
                            note="emails the offices without a nomination; the run is one event"),
    "rollout:compile": Route(
        CENTRAL, args=fixed(lambda w: {"pk": matrix_rollout(w, compiled=True).pk}),
        post=lambda w, code: {"number": "990/2569", "order_date": be(bangkok_today()), "signer": "อธิบดีกรมการปกครอง"}),
    "rollout:nomination-decide": Route(
        CENTRAL, args=at(lambda w, code: {"pk": rollout_nomination(w, code).pk}),
        post=lambda w, code: {"decision": "accept"}),
    "rollout:office-index": Route(REVIEWERS),
    "rollout:office": Route(REVIEWERS, args=at(lambda w, code: {"pk": matrix_rollout(w).pk, "unit_code": code})),
    "rollout:office-form-export": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": matrix_rollout(w).pk, "unit_code": code, "fmt": "xlsx"})),
    "rollout:nomination-withdraw": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": rollout_nomination(w, code).pk}), post=lambda w, code: {}),
    # The event log
    "events:log": Route(REVIEWERS),
    "events:log-export": Route(REVIEWERS, args=fixed(lambda w: {"fmt": "csv"})),
    # The API (token or session; anonymous gets 401 as JSON)
    "api:me": Route(LOGGED_IN, **API),
    "api:audit": Route(REVIEWERS, args=at(lambda w, code: Target(query=f"unit={code}")), **API),
    "api:receipts": Route(RECEIPT_VIEWERS, **API),
    "api:receipt": Route(RECEIPT_VIEWERS, args=at(lambda w, code: {"number": receipt_api_number(w.place(code).receipt)}),
                         **API),
    "api:receipt-pdf": Route(
        RECEIPT_VIEWERS, args=at(lambda w, code: {"number": receipt_api_number(w.place(code).receipt)}), **API),
    "api:receipt-void": Route(
        ISSUER, args=at(lambda w, code: {"number": receipt_api_number(w.place(code).receipt)}),
        post=lambda w, code: {"reason": "ชื่อผู้ชำระผิด"}, success=frozenset({200}), **JSON_POST),
    "api:change-requests": Route(LOGGED_IN, **API),
    "api:change-request-decide": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).change_request.pk}),
        post=lambda w, code: {"decision": "approve", "reason": "ตรวจสำเนาคำสั่งแล้ว", "acknowledge_flags": True},
        success=frozenset({200}), **JSON_POST),
    "api:leaver-reports": Route(REVIEWERS, **API),
    "api:leaver-report-decide": Route(
        CENTRAL, args=at(lambda w, code: {"pk": w.place(code).leaver_report.pk}),
        post=lambda w, code: {"decision": "accept"}, success=frozenset({200}), **JSON_POST),
    "api:orders": Route(REVIEWERS, **API),
    "api:order": Route(REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).order.pk}), **API),
    "api:order-confirm": Route(
        REVIEWERS, args=at(lambda w, code: {"pk": w.place(code).pending_order.pk}), post=lambda w, code: {},
        success=frozenset({200}), **JSON_POST),
    "api:registry-import": Route(
        PROVINCE_UP, args=at(lambda w, code: {"kind": "officials"}),
        post=lambda w, code: {"file": SimpleUploadedFile("officials.csv", officials_csv(code, 800), "text/csv")},
        success=frozenset({200, 201}), refused=REFUSED | {400}, anonymous=401, anonymous_to_login=False,
        note="outside: a file whose row lies in the other district is rejected whole (400)"),
    "api:registry-import-job": Route(PROVINCE_UP, args=api_import_job, **API),
    "api:schema": Route(LOGGED_IN, **API),
    "api:docs": Route(LOGGED_IN),
    "api:not-found": Route(frozenset(), anonymous=404, anonymous_to_login=False, note="JSON 404 for unknown API paths"),
}
# These accept GET and POST on the same URL; their POSTs are the API engineer's and the screens' own tests.
GET_AND_POST = {"api:change-requests", "api:leaver-reports", "api:receipts", "api:orders"}


# ---------------------------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module inside a transaction rolled back at its end; each test runs in a
    savepoint of its own (pytest-django's `db`), so what a test changes is gone before the next."""
    media = tmp_path_factory.mktemp("media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield world_build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def seen():
    """Statuses seen, written to test-artifacts/access-matrix.md for whoever wants to read the whole table."""
    rows: dict[str, dict[str, str]] = {}
    yield rows
    if not rows:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    personas = list(PERSONAS)
    lines = ["# Access matrix", "", "inside / outside the caller's scope; POST-only URLs show the POST statuses.", "",
             "| URL name | " + " | ".join(personas) + " |", "|---" * (len(personas) + 1) + "|"]
    for name in sorted(rows):
        lines.append(f"| {name} | " + " | ".join(rows[name].get(p, "") for p in personas) + " |")
    (ARTIFACTS / "access-matrix.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(autouse=True)
def _pdf_layout_skipped(monkeypatch):
    """The PDF's template is rendered, its layout is not: who may fetch it is the question here, and laying out a
    Thai page takes half a second (the documents' own tests check the PDFs)."""
    try:
        from weasyprint import HTML
    except OSError:
        return
    monkeypatch.setattr(HTML, "write_pdf", lambda self, *args, **kwargs: b"%PDF-1.4\n%layout skipped\n")


# ---------------------------------------------------------------------------------------------------------------
# The URLs of the project


def url_names(patterns=None, namespace: str = "", prefix: str = "") -> dict[str, str]:
    """{name: route} for every URL pattern, namespaced as reverse() wants it; unnamed ones as '<unnamed> route'."""
    found: dict[str, str] = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/") or "media" in route:
                continue
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace or namespace
            found.update(url_names(pattern.url_patterns, inner or "", route))
        elif isinstance(pattern, URLPattern):
            if route.startswith(("admin/", "^media/", "media/", "^static/", "static/")):
                continue
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            found[name or f"<unnamed> {route}"] = route
    return found


def test_every_url_has_an_entry():
    names = url_names()
    missing = sorted(set(names) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(names))
    assert not missing, "URLs without an entry in the access matrix (add one to ROUTES): " + ", ".join(
        f"{name} ({names[name]})" for name in missing)
    assert not stale, f"entries for URLs that no longer exist: {stale}"


# ---------------------------------------------------------------------------------------------------------------
# The database before and after a refused POST


def database_state() -> dict:
    """Every row of the tables a screen can change (the event log apart), and the event log's last entry."""
    from axes.models import AccessAttempt

    from accounts.models import Official, UnitUserObjectPermission, User
    from api.models import ApiToken
    from audit.models import ReviewRound, RoundItem
    from events.models import Event
    from lifecycle.models import ChangeRequest, LeaverReport
    from receipts.models import PayInSlip, Receipt
    from rights.models import AssignmentOrder, OrderLine
    from rollout.models import Nomination, Rollout

    models = [User, Official, AssignmentOrder, OrderLine, ChangeRequest, LeaverReport, UnitUserObjectPermission,
              Rollout, Nomination,
              Receipt, PayInSlip, ReviewRound, RoundItem, ApiToken, AccessAttempt]
    state = {model._meta.label: hash(repr(list(model.objects.order_by("pk").values_list()))) for model in models}
    state["event_seq"] = Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    return state


def changes_since(before: dict) -> list[str]:
    """What changed since `before`, except logged refusals: table names and event actions."""
    from events.models import Event

    after = database_state()
    changed = [label for label in before if label != "event_seq" and before[label] != after[label]]
    actions = Event.objects.filter(seq__gt=before["event_seq"]).values_list("action", flat=True)
    return changed + [f"event {action}" for action in actions if action not in LOGGED_REFUSALS]


# ---------------------------------------------------------------------------------------------------------------
# One persona, one URL


def accepts_post(url: str) -> bool:
    match = resolve(url.split("?", 1)[0])
    view = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    return view is not None and hasattr(view, "post") and "post" in getattr(view, "http_method_names", ["post"])


def body_text(response) -> str | None:
    """The response as text to search, or None for a PDF (its text is the same data as the page's)."""
    content_type = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in content_type:
        return None
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(" ".join("" if v is None else str(v) for v in row) for sheet in book for row in sheet.values)
    return content.decode("utf-8", errors="replace")


class Checker:
    def __init__(self, name: str, route: Route, persona: Persona, world: World):
        self.name, self.route, self.persona, self.world = name, route, persona, world
        self.client = Client()
        if persona.username:
            self.client.force_login(world.users[persona.name])
        self.call = Call(world, persona, self.client)
        self.problems: list[str] = []
        self.statuses: list[str] = []
        self._csrf_client: Client | None = None

    def csrf_client(self) -> Client:
        """A second session of the same persona whose POSTs go through the CSRF check, as a browser's do."""
        if self._csrf_client is None:
            self._csrf_client = Client(enforce_csrf_checks=True)
            if self.persona.username:
                self._csrf_client.force_login(self.world.users[self.persona.name])
        return self._csrf_client

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.name} · {self.persona.name}: {message}")

    def target(self, inside: bool) -> Target | None:
        if self.route.args is None:
            return Target(code=self.persona.home) if inside else None
        return self.route.args(self.call, inside)

    def expect(self, response, statuses, what: str) -> bool:
        if response.status_code not in statuses:
            self.fail(f"{what} answered {response.status_code}, expected {sorted(statuses)}")
            return False
        return True

    def no_leak(self, response, url: str) -> None:
        if response.status_code != 200 or self.persona.scope_root is None:
            return
        text = body_text(response)
        if text is None:
            return
        found = leaked(text, self.world.secrets[self.persona.scope_root])
        if found:
            self.fail(f"GET {url} shows data outside the caller's scope: {sorted(found)[:8]}")

    def post(self, url: str, target: Target, *, csrf: bool = False):
        data = self.route.post(self.world, target.code or self.persona.home)
        client = self.csrf_client() if csrf else self.client
        if self.route.payload_format == "json":
            return client.post(url, json.dumps(data), content_type="application/json")
        return client.post(url, data)

    # -- anonymous

    def anonymous(self) -> None:
        target = self.target(inside=True)
        url = target.url(self.name)
        response = self.client.get(url)
        self.statuses.append(str(response.status_code))
        if not self.expect(response, {self.route.anonymous}, f"anonymous GET {url}"):
            return
        to_login = self.route.anonymous == 302 and self.route.anonymous_to_login
        if to_login and not response["Location"].startswith(reverse("login")):
            self.fail(f"anonymous GET {url} sent to {response['Location']}, not to the login page")
        if self.route.post:
            before = database_state()
            response = self.post(url, target)
            self.expect(response, {self.route.anonymous, 401, 403, 405}, f"anonymous POST {url}")
            if changed := changes_since(before):
                self.fail(f"anonymous POST {url} changed {changed}")

    # -- GET pages

    def get(self) -> None:
        allowed = self.persona.name in self.route.allowed
        inside = self.target(inside=True)
        url = inside.url(self.name)
        response = self.client.get(url)
        self.expect(response, {self.route.status} if allowed else self.route.refused,
                    f"GET {url} ({'allowed' if allowed else 'refused'}, inside the scope)")
        self.no_leak(response, url)
        seen = [str(response.status_code)]
        if not allowed and accepts_post(url):
            # A page that also takes a POST (a form): whoever may not see it may not post to it either.
            before = database_state()
            if url.startswith("/api/"):
                response = self.client.post(url, "{}", content_type="application/json")
            else:
                response = self.client.post(url, {})
            self.expect(response, self.route.refused, f"POST {url} (refused on GET)")
            if changed := changes_since(before):
                self.fail(f"refused POST {url} changed {changed}")
            seen.append(f"POST {response.status_code}")
        outside = self.target(inside=False)
        if outside is not None:
            url = outside.url(self.name)
            response = self.client.get(url)
            self.expect(response, self.route.refused, f"GET {url} (outside the scope)")
            self.no_leak(response, url)
            seen.append(str(response.status_code))
        self.statuses.append(" / ".join(seen))

    # -- POST-only URLs

    def post_only(self) -> None:
        allowed = self.persona.name in self.route.allowed
        inside = self.target(inside=True)
        url = inside.url(self.name)
        # Someone without the menu may be refused before the method is looked at; either way nothing happens.
        self.expect(self.client.get(url), {405} if allowed else {405} | self.route.refused,
                    f"GET {url} of a POST-only URL")
        seen = []
        refusals = [] if allowed else [(inside, "inside the scope, not allowed")]
        outside = self.target(inside=False)
        if outside is not None:
            refusals.append((outside, "outside the scope"))
        for target, why in refusals:
            target_url = target.url(self.name)
            before = database_state()
            response = self.post(target_url, target)
            self.expect(response, self.route.refused, f"POST {target_url} ({why})")
            if changed := changes_since(before):
                self.fail(f"refused POST {target_url} ({why}) changed {changed}")
            seen.append(str(response.status_code))
        if allowed:
            seen.insert(0, self.positive_post(url, inside))
        self.statuses.append(" / ".join(seen))

    def positive_post(self, url: str, target: Target) -> str:
        """The allowed POST, rolled back: proves the payload works, so the refusals above mean something."""
        self.csrf_client()
        with transaction.atomic():
            before = database_state()
            # With CSRF checks on and no token, the same POST is refused and changes nothing.
            response = self.post(url, target, csrf=True)
            if response.status_code != 403:
                self.fail(f"POST {url} without a CSRF token answered {response.status_code}")
            if response.status_code == 403 and (changed := changes_since(before)):
                self.fail(f"POST {url} without a CSRF token changed {changed}")
            response = self.post(url, target)
            ok = self.expect(response, self.route.success, f"allowed POST {url}")
            changed = changes_since(before)
            if ok and self.route.changes_database and not changed:
                self.fail(f"allowed POST {url} changed nothing: the payload of the matrix is wrong")
            transaction.set_rollback(True)
        return str(response.status_code)

    def run(self) -> None:
        if self.persona.username is None:
            self.anonymous()
        elif self.route.post is not None and self.name not in GET_AND_POST:
            self.post_only()
        else:
            self.get()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_access(name, world, seen):
    route = ROUTES[name]
    problems = []
    for persona in PERSONAS.values():
        checker = Checker(name, route, persona, world)
        checker.run()
        problems += checker.problems
        seen.setdefault(name, {})[persona.name] = " ".join(checker.statuses)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_only_staff_reach_the_admin(world):
    for persona in PERSONAS.values():
        client = Client()
        if persona.username:
            client.force_login(world.users[persona.name])
        response = client.get(reverse("admin:index"))
        if persona.name == "admin.central":
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and "login" in response["Location"], persona.name


@pytest.mark.django_db
def test_the_leak_check_can_fail(world):
    """The body check finds a username and a national ID, dashes or not, and ignores longer tokens around them."""
    secrets_4702 = world.secrets["4701"]
    username = next(s for s in secrets_4702 if s.endswith(".4702"))
    national = next(s for s in secrets_4702 if s.isdigit() and len(s) == 13)
    dashed = f"{national[0]}-{national[1:5]}-{national[5:10]}-{national[10:12]}-{national[12]}"
    assert leaked(f"<td>{username}</td>", secrets_4702) == {username}
    assert leaked(f"เลขประจำตัว {dashed}.", secrets_4702) == {dashed}
    assert leaked(f"<td>x{username}</td> {national}0", secrets_4702) == set()


@pytest.mark.django_db
def test_the_matrix_catches_a_missing_scope_check(world, monkeypatch):
    """With the receipts' scope check removed, the same entry reports the receipt of 4702 to a reviewer of 4701."""
    from receipts import selectors
    from rights.scope import Scope

    persona = PERSONAS["reviewer.4701"]
    intact = Checker("receipts:receipt-detail", ROUTES["receipts:receipt-detail"], persona, world)
    intact.run()
    assert intact.problems == []

    monkeypatch.setattr(selectors, "receipt_scope", lambda user: Scope(national=True))
    broken = Checker("receipts:receipt-detail", ROUTES["receipts:receipt-detail"], persona, world)
    broken.run()
    assert any("outside the scope) answered 200" in problem for problem in broken.problems), broken.problems
    assert any("payer-4702" in problem for problem in broken.problems), broken.problems

# ---------------------------------------------------------------------------------------------------------------
# Regression: order-create once accepted a line naming any official in the country, order-detail then listed that
# person's accounts wherever registered, and account-move moved one into the caller's district.


@pytest.mark.django_db
def test_a_district_reviewer_cannot_take_an_account_of_another_province(world):
    from accounts.models import Unit, User
    from rights.models import AssignmentOrder, Role

    reviewer, victim = world.users["reviewer.4701"], world.place("4901").account
    client = Client()
    client.force_login(reviewer)
    today, unit = bangkok_today(), Unit.objects.get(code="4701")
    response = client.post(reverse("accounts:order-create"), {
        "number": "555/2569", "order_date": be(today), "issuing_unit": unit.pk, "signer": "นายอำเภอ",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200",
        "lines-0-national_id": victim.official_id, "lines-0-role": Role.objects.get(code="ISV_USER").pk,
        "lines-0-unit": unit.pk, "lines-0-position": victim.official.position_id,
        "lines-0-level": victim.official.level_id, "lines-0-effective_from": be(today),
    })
    order = AssignmentOrder.objects.filter(number="555/2569", issuing_unit=unit).first()
    if response.status_code != 302 or order is None:
        return  # refused at the order: the gap is closed
    page = client.get(reverse("accounts:order-detail", args=[order.pk])).content.decode()
    client.post(reverse("accounts:account-move", args=[order.lines.get().pk]), {"account": victim.pk})
    victim = User.objects.select_related("registered_unit").get(pk=victim.pk)
    assert victim.username not in page, "order-detail shows an account registered in another province"
    assert victim.registered_unit.code == "4901", "account-move took the account out of province 49"
