"""One request budget per token (each script or terminal its own), per account for the session, per IP otherwise."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class PerTokenRateThrottle(SimpleRateThrottle):
    """Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: `api_token`, `api_session`, `api_anonymous`.

    Counters live in Django's cache: with several server processes, give them a shared cache so the limit holds
    across processes (the default local-memory cache counts per process).
    """

    def __init__(self):
        # The scope depends on the request, so the rate is chosen in allow_request, not here.
        pass

    def get_rate(self):
        # Read the settings on each request (not a class attribute frozen at import) so they can change in tests.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if isinstance(request.auth, ApiToken):
            self.scope, self.ident = "api_token", f"token-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            self.scope, self.ident = "api_session", f"user-{request.user.pk}"
        else:
            self.scope, self.ident = "api_anonymous", f"ip-{self.get_ident(request)}"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}
