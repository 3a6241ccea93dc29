"""Sessions that end after 30 idle minutes without writing the session on every request."""

import time

from django.conf import settings

TOUCHED_AT = "_touched_at"


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
