"""Record logins, failed logins and lockouts in the event log."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.http import client_ip
from events.services import event_record


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    event_record(action="accounts.login.succeeded", actor=user, target=user, unit=user.registered_unit,
                 ip_address=client_ip(request))


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        event_record(action="accounts.logout", actor=user, target=user, ip_address=client_ip(request))


def _known_user(username: str | None):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).select_related("registered_unit").first()


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username")
    user = _known_user(username)
    event_record(
        action="accounts.login.failed", target=user, target_label=username or "",
        unit=user.registered_unit if user else None, ip_address=client_ip(request), data={"username": username},
    )


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs):
    user = _known_user(username)
    event_record(
        action="accounts.login.locked", target=user, target_label=username or "",
        unit=user.registered_unit if user else None, ip_address=ip_address, data={"username": username},
    )
