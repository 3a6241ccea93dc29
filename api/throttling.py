"""One request budget per token (each script or terminal its own), per account for the session, per IP otherwise."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from accounts.ratelimit import request_counted
from api.models import ApiToken

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parsed_rate(rate: str) -> tuple[int, int]:
    """"600/min" -> (600, 60), read as Django REST framework reads its rates (the period's first letter counts)."""
    number, period = rate.split("/")
    return int(number), PERIOD_SECONDS[period[0]]


class PerTokenRateThrottle(BaseThrottle):
    """Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: `api_token`, `api_session`, `api_anonymous`.

    Counted in the database (accounts.ratelimit), so the limit holds across every server process and host, and
    exactly: concurrent requests of one token are counted one by one.
    """

    retry_after: int | None = None

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiToken):
            scope, ident = "api_token", f"token-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            scope, ident = "api_session", f"user-{request.user.pk}"
        else:
            scope, ident = "api_anonymous", f"ip-{self.get_ident(request)}"
        # Read the settings on each request (not a class attribute frozen at import) so they can change in tests.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        if rate is None:
            return True
        limit, window_seconds = parsed_rate(rate)
        count = request_counted(f"api:{scope}:{ident}", window_seconds=window_seconds)
        self.retry_after = count.retry_after
        return count.hits <= limit

    def wait(self):
        return self.retry_after
