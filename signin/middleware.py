"""Sessions that end after 30 idle minutes without writing the session on every request."""

import time

from django.conf import settings

from accounts.models import DeniedAccess
from core.http import client_ip
from rights.denials import denied_access_record
from rights.rules import AuthorityRefused

TOUCHED_AT = "_touched_at"
DENIAL_COUNTED = "_denial_counted"


class IdleSessionMiddleware:
    """Push the session's expiry forward at most once a minute.

    SESSION_SAVE_EVERY_REQUEST would cost a database write on every page; an idle limit of 30 minutes does not need
    one-second precision, so the session is saved (and its cookie and expiry renewed) only when the last renewal is
    older than SESSION_TOUCH_INTERVAL seconds.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            if now - session.get(TOUCHED_AT, 0) >= settings.SESSION_TOUCH_INTERVAL:
                session[TOUCHED_AT] = now  # marks the session modified: SessionMiddleware saves it and renews expiry
        return response


class DeniedAccessMiddleware:
    """Count the 403s, and the 404s of pages that exist, that an authenticated account receives.

    A 404 of a URL that no page answers is a typing mistake, not a probe, and is not counted; one that a page
    answers is, since outside one's scope looks like missing on purpose. API requests count too: DRF sets the
    token's user on the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        counted = getattr(request, DENIAL_COUNTED, False)  # a refused grant, already counted by its service
        if response.status_code in (403, 404) and not counted and getattr(request, "resolver_match", None) is not None:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                kind = DeniedAccess.Kind.FORBIDDEN if response.status_code == 403 else DeniedAccess.Kind.NOT_FOUND
                denied_access_record(account=user, kind=kind, path=request.path, ip_address=client_ip(request))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, AuthorityRefused):
            setattr(request, DENIAL_COUNTED, True)  # its service counted it as a refused grant
        return None
