"""The manual's screenshots: each demo persona logs in and opens the pages its manual describes; each page is saved at
a phone's size as static/manual/screens/<name>.png, which the manual pages and their PDFs show. Every run rewrites
them, so the manual shows the screens as they are. Each page also goes through the journey's accessibility check,
and at the end the manual pages are opened to see that every screenshot they name loads.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from manual.personas import PERSONAS, persona_for
from manual.templatetags.manual import SCREEN_SIZE, SCREENS
from tests.browser.journey import Journey, second_factor_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN_DIR = Path(settings.BASE_DIR) / "static" / SCREENS
WIDTH, HEIGHT = SCREEN_SIZE


@pytest.fixture
def manual_world(demo):
    """What the screens should show beyond the demo world: a pending change request of the clerk and one of
    mismatch.4701, a leaver report waiting at the centre, and an open review round."""
    from accounts.models import Level, Position, User
    from audit import rounds
    from lifecycle import services as lifecycle
    from lifecycle.models import LeaverReport
    from rights.scope import Scope, cached_account_rights, today

    on = today()
    clerk = User.objects.get(username="clerk.4701")
    lifecycle.change_request_file(
        account=clerk, filed_by=clerk, position=clerk.registered_position, level=Level.objects.get(code="O3"),
        unit=clerk.registered_unit, order_number="88/2569", order_date=on, note="ได้เลื่อนระดับเป็นอาวุโสตามคำสั่ง")
    mismatch = User.objects.get(username="mismatch.4701")
    lifecycle.change_request_file(
        account=mismatch, filed_by=mismatch, position=Position.objects.get(name_th="ปลัดอำเภอ"),
        level=Level.objects.get(code="K2"), unit=mismatch.registered_unit, order_number="77/2569", order_date=on,
        note="ลงทะเบียนตำแหน่งและระดับผิด")
    reviewer = User.objects.get(username="reviewer.4701")
    lifecycle.leaver_report_file(
        accounts=[User.objects.get(username="moved.4701")], reason=LeaverReport.Reason.TRANSFERRED,
        left_on=on - datetime.timedelta(days=7), actor=reviewer,
        scope=cached_account_rights(reviewer).scope_for("menu_report_leavers"))
    central = User.objects.get(username="admin.central")
    review_round = rounds.round_open(name="รอบตรวจสอบสิทธิ์ ปีงบประมาณ 2570", as_of=on,
                                     deadline=on + datetime.timedelta(days=30), actor=central,
                                     scope=Scope(national=True))
    return {"round": review_round, "retired": User.objects.get(username="retired.4701")}


def shots(world) -> dict[str, list[tuple[str, str]]]:
    """The demo login -> (screenshot name, path) in the order the person walks through them."""
    from receipts.models import Receipt

    receipt = Receipt.objects.filter(unit__code="4701").order_by("-pk").first()
    return {
        "clerk.4701": [("home", "/"), ("profile", reverse("accounts:profile")),
                       ("change-request-form", reverse("accounts:change-request-create")),
                       ("change-request-mine", reverse("accounts:change-request-mine"))],
        "palad.4701": [("receipt-list", reverse("receipts:receipt-list")),
                       ("receipt-form", reverse("receipts:receipt-create")),
                       ("receipt-detail", reverse("receipts:receipt-detail", args=[receipt.pk])),
                       ("payin-form", reverse("receipts:payin-create")),
                       ("daily-summary", reverse("receipts:daily-summary"))],
        "reviewer.4701": [("reviewer-home", "/"), ("account-list", reverse("audit:account-list", args=["4701"])),
                          ("account-detail", reverse("audit:account-detail", args=[world["retired"].pk])),
                          ("change-request-queue", reverse("accounts:change-request-queue")),
                          ("leaver-form", reverse("accounts:leaver-report-create")),
                          ("round-office", reverse("audit:round-office", args=[world["round"].pk, "4701"])),
                          ("order-list", reverse("accounts:order-list"))],
        "reviewer.47": [("province-summary", reverse("audit:province-summary", args=["47"])),
                        ("import-upload", reverse("accounts:import-registry"))],
        "admin.central": [("national-summary", reverse("audit:national-summary")),
                          ("leaver-queue", reverse("accounts:leaver-queue")),
                          ("round-list", reverse("audit:round-list")),
                          ("event-log", reverse("events:log"))],
    }


def save(journey: Journey, name: str) -> Path:
    """The accessibility check, then the screen as a phone shows it (its top, at the phone's size)."""
    journey.check(name)
    journey.page.evaluate("window.scrollTo(0, 0)")
    path = SCREEN_DIR / f"{name}.png"
    journey.page.screenshot(path=str(path), full_page=False)
    return path


def login(journey: Journey, username: str) -> None:
    """The login form, then (for a reviewer or the centre) the second factor's page, which is photographed too."""
    journey.goto("/login/")
    journey.fill_login(username, "demo-pass-2569", second_factor=False)
    if journey.page.url.split("?")[0].endswith("/login/verify/"):
        if username == "reviewer.4701":
            save(journey, "login-verify")
        else:
            journey.check("login-verify")
        journey.fill_code(second_factor_code(username))


def test_the_manual_screenshots_are_taken_from_the_live_screens(journey: Journey, manual_world):
    from accounts.models import User

    page = journey.page
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    SCREEN_DIR.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now().timestamp()
    saved = []

    journey.goto("/login/")
    saved.append(save(journey, "login"))
    for username, walk in shots(manual_world).items():
        login(journey, username)
        for name, path in walk:
            response = journey.goto(path)
            assert response.status == 200, (username, path, response.status)
            saved.append(save(journey, name))
        # Every page's help link leads to the persona's own manual.
        help_link = page.get_by_role("banner").get_by_role("link", name="คู่มือ", exact=True)
        expected = persona_for(User.objects.get(username=username))
        assert help_link.get_attribute("href") == reverse("manual:page", args=[expected.slug])
        page.context.clear_cookies()  # logged out (at a phone's width the logout button is folded in the menu)

    for path in saved:  # rewritten by this run, at the phone's size
        assert path.stat().st_mtime >= started - 1, path
        assert path.read_bytes()[16:24] == WIDTH.to_bytes(4, "big") + HEIGHT.to_bytes(4, "big"), path

    # The manual pages show every screenshot they name, as an image that loaded.
    login(journey, "clerk.4701")
    page.set_viewport_size({"width": 1280, "height": 900})
    for persona in PERSONAS:
        journey.goto(reverse("manual:page", args=[persona.slug]))
        journey.check(f"manual-{persona.slug}")
        page.evaluate("document.querySelectorAll('img').forEach(img => img.loading = 'eager')")
        page.evaluate("Promise.all([...document.images].map(img => img.complete ? null"
                      " : new Promise(done => { img.onload = img.onerror = done; })))")
        broken = page.evaluate("[...document.images].filter(img => !img.naturalWidth).map(img => img.src)")
        assert broken == [], broken
        assert page.locator("figure.screen").count() >= 1
    journey.finish()
