"""The menus of the navigation bar. Each shows only when the account's effective roles include its permission."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.rights import cached_account_rights


@dataclass(frozen=True)
class MenuItem:
    permission: str | None  # a Role menu codename; None for every logged-in account
    label: str | Promise
    url_name: str


MENU = [
    MenuItem(None, _("หน้าหลัก"), "home"),
    MenuItem(None, _("ข้อมูลของฉัน"), "accounts:profile"),
]


def register_menu(*items: MenuItem) -> None:
    """Let an app add its menus from its AppConfig.ready(), so accounts needs no import of it."""
    MENU.extend(item for item in items if item not in MENU)


def menu_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    codenames = cached_account_rights(user).menu_codenames()
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in MENU
        if item.permission is None or item.permission in codenames or user.is_superuser
    ]
