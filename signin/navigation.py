"""The menus of the navigation bar. Each shows only when the account's effective roles include its permission.

A menu may carry a count (a queue's length): a callable `count(user, rights)` returning the queryset to count (or 0
when the queue is not the viewer's). The counts of all the menus shown are taken together in one query.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lifecycle.access import change_request_access, leaver_report_access
from rights.access import account_access
from rights.scope import AccountRights, cached_account_rights


@dataclass(frozen=True)
class MenuItem:
    permission: str | None  # a Role menu codename; None for every logged-in account
    label: str | Promise
    url_name: str
    count: Callable[..., QuerySet | int] | None = None  # count(user, rights): shown as a badge when not zero
    hide_when_zero: bool = False  # a queue that matters only when something waits in it


# ---------------------------------------------------------------------------------------------------------------
# Queue counts, each within the viewer's scope for that menu: querysets, counted together by menu_for


def pending_change_requests(user, rights: AccountRights) -> int:
    from lifecycle.models import ChangeRequest

    scope = rights.scope_for("menu_decide_change_requests")
    return change_request_access.filter(ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING), scope)


def pending_leaver_reports(user, rights: AccountRights) -> int:
    from lifecycle.models import LeaverReport

    if not rights.scope_for("menu_deactivate_accounts").national:
        return 0
    return LeaverReport.objects.filter(status=LeaverReport.Status.PENDING)


def returned_leaver_reports(user, rights: AccountRights) -> int:
    """Reports the centre sent back to the viewer's offices, not yet reported again."""
    from django.db.models import Exists, OuterRef

    from lifecycle.models import LeaverReport

    scope = rights.scope_for("menu_report_leavers")
    if scope.national:
        return 0  # the centre's own queue counts its pending reports
    later = LeaverReport.objects.filter(account=OuterRef("account"), created_at__gt=OuterRef("created_at"))
    return leaver_report_access.filter(LeaverReport.objects.filter(status=LeaverReport.Status.RETURNED), scope).exclude(
        Exists(later)
    )


def orders_awaiting_confirmation(user, rights: AccountRights) -> QuerySet:
    from rights.selectors import orders_awaiting_confirmation

    return orders_awaiting_confirmation(scope=rights.scope_for("menu_record_orders"), viewer=user)


def locked_accounts(user, rights: AccountRights) -> int:
    from accounts.models import User
    from lifecycle.services import locked_usernames

    scope = rights.scope_for("menu_review_accounts")
    return account_access.filter(User.objects.filter(username__in=locked_usernames()), scope)


MENU = [
    MenuItem(None, _("หน้าหลัก"), "home"),
    MenuItem(None, _("ข้อมูลของฉัน"), "accounts:profile"),
    MenuItem(None, _("คำขอแก้ไขข้อมูลของฉัน"), "accounts:change-request-mine"),
    MenuItem("menu_decide_change_requests", _("คำขอเปลี่ยนแปลงข้อมูล"), "accounts:change-request-queue",
             count=pending_change_requests),
    MenuItem("menu_report_leavers", _("รายงานผู้พ้นจากหน้าที่"), "accounts:leaver-list", count=returned_leaver_reports),
    MenuItem("menu_deactivate_accounts", _("ระงับการใช้งานบัญชี"), "accounts:leaver-queue", count=pending_leaver_reports),
    MenuItem("menu_record_orders", _("คำสั่งมอบหมาย"), "accounts:order-list", count=orders_awaiting_confirmation),
    MenuItem("menu_review_accounts", _("ปรับสิทธิ์ตามคำสั่ง"), "accounts:rights-sync"),
    MenuItem("menu_review_accounts", _("บัญชีที่ถูกล็อก"), "accounts:locked-accounts", count=locked_accounts,
             hide_when_zero=True),
    MenuItem("menu_view_event_log", _("บันทึกเหตุการณ์"), "events:log"),
    MenuItem("menu_import_registry", _("นำเข้าข้อมูลทะเบียน"), "accounts:import-registry"),
    MenuItem("menu_record_orders", _("เสนอชื่อผู้ใช้งานระบบใหม่"), "rollout:office-index"),
    MenuItem("menu_manage_reference_data", _("แผนการเปิดใช้งานระบบ"), "rollout:list"),
]


@dataclass(frozen=True)
class HomePanel:
    """A card of the home page from an app above accounts: `context(user)` gives its template's context, or None
    when the card is not the viewer's."""

    template_name: str
    context: Callable[..., dict | None]


HOME_PANELS: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    """Let an app add a card to the home page from its AppConfig.ready(), as register_menu adds menus."""
    if panel not in HOME_PANELS:
        HOME_PANELS.append(panel)


def home_panels_for(user) -> list[dict]:
    """The cards the viewer sees: each one's template and context."""
    panels = []
    for panel in HOME_PANELS:
        context = panel.context(user)
        if context is not None:
            panels.append({"template_name": panel.template_name, "context": context})
    return panels


def register_menu(*items: MenuItem) -> None:
    """Let an app add its menus from its AppConfig.ready(), so accounts needs no import of it."""
    MENU.extend(item for item in items if item not in MENU)


def _count_all(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """Count several querysets in one query: each becomes a scalar subquery of a one-row select."""
    if not querysets:
        return {}
    from accounts.models import Unit

    counts = {
        name: Coalesce(
            Subquery(qs.order_by().annotate(_group=Value(1)).values("_group").annotate(n=Count("pk")).values("n")[:1]),
            0,
        )
        for name, qs in querysets.items()
    }
    # Any table with a row would do; the department's unit is always there.
    row = Unit.objects.order_by().values(**counts)[:1]
    return next(iter(row), dict.fromkeys(querysets, 0))


def menu_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    rights = cached_account_rights(user)
    codenames = rights.menu_codenames()
    shown = [item for item in MENU if item.permission is None or item.permission in codenames or user.is_superuser]
    pending = {}
    for index, item in enumerate(shown):
        if item.count is not None:
            pending[f"menu{index}"] = item.count(user, rights)
    counts = _count_all({name: qs for name, qs in pending.items() if isinstance(qs, QuerySet)})
    entries = []
    for index, item in enumerate(shown):
        count = counts.get(f"menu{index}", pending.get(f"menu{index}"))
        if item.hide_when_zero and not count:
            continue
        entries.append({"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name, "count": count})
    return entries
