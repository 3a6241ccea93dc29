"""Lifecycle actions placed on other apps' pages (the review list and account page), within the viewer's menus.

{% load lifecycle %}
{% leaver_report_link account code %}            a "report as leaver" link where a leaver flag shows
{% account_lifecycle_actions account codes %}    the actions card of an account page
"""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Official
from lifecycle.models import LeaverReport
from rights.scope import cached_account_rights

register = template.Library()

# The flags that mean the holder left, and the reason to propose when the HR status does not say it exactly.
LEAVER_FLAGS = {"RETIRED_ACTIVE": "retired", "TRANSFERRED_ACTIVE": "transferred", "SEPARATED_ACTIVE": "resigned"}


def _reason(account, code: str) -> str:
    official = account.official if account.official_id else None
    if official is not None and official.status != Official.Status.ACTIVE and official.status in LeaverReport.Reason.values:
        return official.status
    return LEAVER_FLAGS[code]


def _viewer_menus(context) -> set[str]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return set()
    if request.user.is_superuser:
        return {"menu_report_leavers", "menu_review_accounts", "menu_decide_change_requests"}
    return cached_account_rights(request.user).menu_codenames()


def leaver_report_url(account, code: str) -> str:
    query = urlencode({"account": account.pk, "reason": _reason(account, code)})
    return f"{reverse('accounts:leaver-report-create')}?{query}"


@register.inclusion_tag("lifecycle/_leaver_report_link.html", takes_context=True)
def leaver_report_link(context, account, code: str):
    """Nothing unless `code` is a leaver flag, the account is active and the viewer may report leavers."""
    show = code in LEAVER_FLAGS and account.is_active and "menu_report_leavers" in _viewer_menus(context)
    return {"url": leaver_report_url(account, code) if show else "", "account": account}


@register.inclusion_tag("lifecycle/_account_actions.html", takes_context=True)
def account_lifecycle_actions(context, account, codes=()):
    """The lifecycle actions for one account: report as leaver, change requests, rights sync, unlock (one query)."""
    from django.db.models import Exists, OuterRef, Subquery

    from accounts.models import User
    from lifecycle.models import ChangeRequest
    from lifecycle.services import locked_usernames

    menus = _viewer_menus(context)
    reports = LeaverReport.objects.filter(account=OuterRef("pk"), status=LeaverReport.Status.PENDING)
    requests = ChangeRequest.objects.filter(account=OuterRef("pk"), status=ChangeRequest.Status.PENDING)
    state = User.objects.filter(pk=account.pk).annotate(
        report_on=Subquery(reports.values("created_at")[:1]),
        request_pk=Subquery(requests.values("pk")[:1]),
        locked=Exists(locked_usernames().filter(username=OuterRef("username"))),
    ).values("report_on", "request_pk", "locked").first() or {}
    leaver_codes = [code for code in codes if code in LEAVER_FLAGS]
    return {
        "account": account,
        "request": context.get("request"),
        "leaver_url": leaver_report_url(account, leaver_codes[0])
        if leaver_codes and account.is_active and not state.get("report_on") and "menu_report_leavers" in menus else "",
        "report_on": state.get("report_on"),
        "pending_request": state.get("request_pk") if "menu_decide_change_requests" in menus else None,
        "sync_url": f"{reverse('accounts:rights-sync')}?account={account.pk}"
        if "menu_review_accounts" in menus and account.is_active else "",
        "locked": bool(state.get("locked")) and "menu_review_accounts" in menus and account.is_active,
    }
