"""The client of a request, as the event log, the login locks and the rate limits see it."""

from django.conf import settings


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
