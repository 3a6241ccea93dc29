"""Record logins, failed logins and lockouts in the event log."""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from events.services import event_record


def client_ip(request) -> str | None:
    """The client's address, for the event log and the login locks (settings.AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless settings.TRUSTED_PROXY_COUNT proxies of our own stand in front: each appends the address it
    received from to X-Forwarded-For, so the client is the TRUSTED_PROXY_COUNT-th entry from the right. Entries
    further left are whatever the client wrote itself and are never believed.
    """
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


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
