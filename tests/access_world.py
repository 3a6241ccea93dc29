"""The world the access matrix walks: the demo provinces, with one object of every kind in three districts.

Built once per test module on top of `rightsadmin.demo` and `receipts.demo` (the data people see in a demo), through the
services wherever one exists, so that every object is in the state the screens expect. Each of 4701 and 4702
(province 47) and 4901 (province 49) gets: an account, a pending change request with its PDF, a pending leaver report
with its evidence, an order issued by the district with its scan, a line that moves an account into the district,
a receipt, an unpaid pay-in slip and an item of one review round.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.th import pin

from accounts.models import Level, Official, Position, Unit, User
from lifecycle import services as lifecycle
from lifecycle.models import ChangeRequest, LeaverReport
from rights.delegation import review_delegate
from rights.models import AssignmentOrder, OrderLine, Role
from rights.scope import Scope, today
from rightsadmin.demo import demo_world_build

PDF = b"%PDF-1.4\n%rightsadmin access matrix\n"
LOCATIONS = ("4701", "4702", "4901")


@dataclass(frozen=True)
class Persona:
    """Who calls. `home` is the district whose objects lie in the caller's scope, `other` one whose objects do not
    (None: nothing lies outside). `scope_root` is the unit whose subtree the caller may see, for the leak check."""

    name: str
    username: str | None
    home: str
    other: str | None
    scope_root: str | None


PERSONAS = {
    persona.name: persona
    for persona in [
        Persona("anonymous", None, "4701", None, None),
        Persona("clerk.4701", "clerk.4701", "4701", "4702", "4701"),
        Persona("reviewer.4701", "reviewer.4701", "4701", "4702", "4701"),
        # The demo's district reviewer of 4702 (เจ้าพนักงานปกครอง holding DISTRICT_REVIEWER there).
        Persona("reviewer.4702", "officer.4702", "4702", "4701", "4702"),
        Persona("reviewer.47", "reviewer.47", "4701", "4901", "47"),
        Persona("reviewer.49", "reviewer.49", "4901", "4701", "49"),
        Persona("admin.central", "admin.central", "4701", None, None),
    ]
}


@dataclass
class Place:
    """One object of every kind, at one district."""

    unit: Unit
    account: User
    change_request: ChangeRequest
    leaver_report: LeaverReport
    order: AssignmentOrder
    pending_order: AssignmentOrder  # recorded, waiting for a second person to confirm it
    move_line: OrderLine
    mover: User
    receipt: object
    payin_slip: object
    round_item: object
    delegation: object  # the review of this district handed by its reviewer to its chief


@dataclass
class World:
    users: dict[str, User]  # persona name -> account
    places: dict[str, Place]
    review_round: object
    own_change_requests: dict[str, ChangeRequest]  # persona name -> their own pending request
    tokens: dict[str, object]  # persona name -> their API token; "other" -> a token of someone else
    secrets: dict[str, set[str]] = field(default_factory=dict)  # scope root -> what must not show outside it

    def place(self, code: str) -> Place:
        return self.places[code]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def receipt_api_number(receipt) -> str:
    """4701-2570-000123, or 4702-2570-T000001 for a trial receipt: the API's spelling of a receipt number."""
    return f"{receipt.unit.code}-{receipt.fiscal_year}-{'T' if receipt.trial else ''}{receipt.number:06d}"


def national_id(serial: int) -> str:
    body = f"5{serial:011d}"
    return body + pin.calc_check_digit(body)


def officials_csv(unit_code: str, serial: int) -> bytes:
    """A registry file of one new official at `unit_code`: what a province may import for its own districts."""
    header = "national_id,title,first_name,last_name,position,level,unit_code,status,birth_date"
    row = f"{national_id(serial)},นาย,นำเข้า,ทดสอบ,ปลัดอำเภอ,K2,{unit_code},active,2525-04-01"
    return f"{header}\n{row}\n".encode()


def _official_and_account(username: str, *, unit: Unit, registered_at: Unit, serial: int) -> User:
    official = Official.objects.create(
        national_id=national_id(serial), title="นาย", first_name="ย้ายมา", last_name=username, unit=unit,
        position=Position.objects.get(name_th="ปลัดอำเภอ"), level=Level.objects.get(code="K2"),
        birth_date=datetime.date(1985, 1, 1),
    )
    return User.objects.create(
        username=username, official=official, first_name=official.first_name, last_name=official.last_name,
        registered_unit=registered_at, registered_position=official.position, registered_level=official.level,
    )


def _line(official: Official, role: str, unit: Unit, start: datetime.date) -> lifecycle.OrderLineInput:
    return lifecycle.OrderLineInput(
        national_id=official.national_id, role=Role.objects.get(code=role), unit=unit, position=official.position,
        level=official.level, effective_from=start,
    )


def world_build() -> World:
    """Build the world in the current transaction (the caller rolls it back)."""
    from api.services import api_token_create
    from audit import rounds
    from receipts.demo import demo_receipts_build
    from receipts.models import FeeType
    from receipts.services import ItemInput, payin_slip_create, receipt_issue

    demo_world_build()
    demo_receipts_build()
    users = {name: User.objects.get(username=p.username) for name, p in PERSONAS.items() if p.username}
    central = users["admin.central"]
    national = Scope(national=True)
    on = today()
    start = on - datetime.timedelta(days=30)
    fee = FeeType.objects.get(code="IDCARD")
    units = {u.code: u for u in Unit.objects.filter(code__in=[*LOCATIONS, "47", "49"])}
    k3 = Level.objects.get(code="K3")

    # An account at 4901 without any order, so that the round has a problem there too.
    _official_and_account("noorder.4901", unit=units["4901"], registered_at=units["4901"], serial=900)

    parts: dict[str, dict] = {}
    for serial, code in enumerate(LOCATIONS, start=1):
        unit = units[code]
        account = User.objects.get(username=f"chief.{code}")
        change_request = lifecycle.change_request_file(
            account=account, filed_by=account, position=account.registered_position, level=k3, unit=unit,
            order_number=f"{serial}/2569", order_date=start, attachment=_pdf("order.pdf"), note="ระดับไม่ถูกต้อง",
        )
        leaver = User.objects.get(username={"4701": "retired.4701", "4702": "retired.4702"}.get(code, f"palad1.{code}"))
        # Each office acts through its own reviewer, as it would: what they did shows on the pages of their scope.
        reviewer = User.objects.get(username="reviewer.4701" if code == "4701" else f"officer.{code}")
        province_reviewer = User.objects.get(username=f"reviewer.{code[:2]}")
        [leaver_report] = lifecycle.leaver_report_file(
            accounts=[leaver], reason=LeaverReport.Reason.RETIRED, left_on=on - datetime.timedelta(days=5),
            actor=reviewer, scope=Scope(roots=[unit]), evidence=_pdf("evidence.pdf"),
        )
        order = lifecycle.order_record(
            number=f"{serial}00/2569", order_date=start, issuing_unit=unit, signer=f"นายอำเภอ {unit.name_th}",
            lines=[_line(account.official, "ISV_USER", unit, start)], actor=reviewer, scope=Scope(roots=[unit]),
            scan=_pdf("scan.pdf"),
        )
        # Four eyes: the centre confirms (a confirmer from the province would be a name the district must not see).
        lifecycle.order_confirm(order=order, actor=central, scope=national)
        # An order recorded by someone of the district who is no persona (so every reviewer of the district or above
        # may be its second pair of eyes), waiting for confirmation.
        pending_order = lifecycle.order_record(
            number=f"{serial}01/2569", order_date=start, issuing_unit=unit, signer=f"นายอำเภอ {unit.name_th}",
            lines=[_line(account.official, "ISV_FEE_RECEIPT", unit, start)],
            actor=User.objects.get(username=f"palad2.{code}"), scope=Scope(roots=[unit]),
        )
        # A transfer into the district: the person's account is still registered at the province office, and the
        # order moving them here comes from the province, so that district reviewers see neither.
        mover = _official_and_account(f"mover.{code}", unit=unit, registered_at=unit.parent, serial=serial)
        move_order = lifecycle.order_record(
            number=f"9{serial}/2569", order_date=start, issuing_unit=unit.parent, signer="ผู้ว่าราชการจังหวัด",
            lines=[_line(mover.official, "ISV_USER", unit, start)], actor=province_reviewer,
            scope=Scope(roots=[unit.parent]),
        )
        lifecycle.order_confirm(order=move_order, actor=central, scope=national)
        clerk = users["clerk.4701"] if code == "4701" else User.objects.get(username=f"clerk1.{code}")
        receipt = receipt_issue(
            issuer=clerk, unit=unit, category="FEE", fee_type=fee, payer_name=f"payer-{code}", payment_method="cash",
            items=[ItemInput("ค่าธรรมเนียมออกบัตรประจำตัวประชาชน", Decimal("1"), Decimal("100.00"))],
        )
        slip = payin_slip_create(issuer=clerk, unit=unit, fee_type=fee, amount=Decimal("100.00"),
                                 payer_name=f"slip-payer-{code}")
        delegation = review_delegate(actor=reviewer, delegate=account, unit=unit, starts_on=on,
                                     ends_on=on + datetime.timedelta(days=10), reason="ไปราชการ")
        parts[code] = {
            "delegation": delegation, "unit": unit, "account": account, "change_request": change_request, "leaver_report": leaver_report,
            "order": order, "pending_order": pending_order, "move_line": move_order.lines.get(), "mover": mover,
            "receipt": receipt, "payin_slip": slip,
        }

    review_round = rounds.round_open(name="รอบทดสอบสิทธิ์การเข้าถึง", as_of=on, deadline=on + datetime.timedelta(days=30),
                                     actor=central, scope=national)
    places = {}
    for code, values in parts.items():
        item = review_round.items.filter(unit__code=code).order_by("pk").first()
        places[code] = Place(round_item=item, **values)

    # Each persona's own pending request (for withdrawing), at their own unit.
    own = {}
    for name, user in users.items():
        current = ChangeRequest.objects.filter(account=user, status=ChangeRequest.Status.PENDING).first()
        own[name] = current or lifecycle.change_request_file(
            account=user, filed_by=user, position=user.registered_position, level=Level.objects.get(code="K1"),
            unit=user.registered_unit, order_number="1/2569", order_date=start,
        )
    tokens = {name: api_token_create(user=user, name="matrix", days=30, second_factor_verified=True).token for name, user in users.items()}
    tokens["other"] = api_token_create(user=places["4701"].account, name="someone else's", days=30, second_factor_verified=True).token

    world = World(users=users, places=places, review_round=review_round, own_change_requests=own, tokens=tokens)
    world.secrets = {root: secrets_outside(root) for root in {"4701", "4702", "47", "49"}}
    return world


# ---------------------------------------------------------------------------------------------------------------
# What must not show outside a scope


def secrets_outside(root_code: str) -> set[str]:
    """Usernames and national IDs of accounts and officials outside the subtree of `root_code`, and the payer
    markers of receipts and slips there: strings that no page of a caller with that scope may contain."""
    from receipts.models import PayInSlip, Receipt

    root = Unit.objects.get(code=root_code)
    # The offices of provinces and districts other than the caller's. The central bureaus are left out: their
    # officials act on every office's data (deactivating, opening rounds), so their names rightly show everywhere.
    offices = [Unit.Kind.PROVINCE, Unit.Kind.DISTRICT]
    accounts = User.objects.filter(registered_unit__kind__in=offices).exclude(registered_unit__path__startswith=root.path)
    secrets: set[str] = set()
    for username, national in accounts.values_list("username", "official_id"):
        secrets.add(username)
        if national:
            secrets.add(national)
    officials = Official.objects.filter(unit__kind__in=offices).exclude(unit__path__startswith=root.path)
    secrets.update(officials.values_list("national_id", flat=True))
    secrets.update(Receipt.objects.exclude(unit__path__startswith=root.path).values_list("payer_name", flat=True))
    secrets.update(PayInSlip.objects.exclude(unit__path__startswith=root.path).values_list("payer_name", flat=True))
    return {s for s in secrets if s and _TOKEN.fullmatch(s)}


_TOKEN = re.compile(r"[A-Za-z0-9_.@+-]+")
_ID_WITH_DASHES = re.compile(r"\d-\d{4}-\d{5}-\d{2}-\d")


def leaked(text: str, secrets: set[str]) -> set[str]:
    """The secrets that appear in `text` as whole tokens (a national ID also when printed with dashes)."""
    found = set()
    for token in _TOKEN.findall(text):
        token = token.strip(".-")
        if token in secrets or _ID_WITH_DASHES.fullmatch(token) and token.replace("-", "") in secrets:
            found.add(token)
    return found
