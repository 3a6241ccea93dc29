"""Settings of the running process that Django's settings module cannot express."""

import gc

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import get_resolver


def require_secret_key() -> None:
    """A server never starts without its signing key: sessions, CSRF tokens and event-chain anchors depend on it.

    Settings leave the key empty rather than failing at import, so that commands which sign nothing run without it.
    Called by rightsadmin/wsgi.py and asgi.py (and so by runserver) before the first request.
    """
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY is not set: set it in the environment, or DEBUG=1 for development only")


def freeze_start_up_objects() -> None:
    """Import every view now, then take every object alive so far out of the cyclic garbage collector's walks.

    A worker holds about 150,000 objects from start-up (modules, the URLconf, templates' code) that live as long as
    it does. Every few requests of a page that audits a thousand accounts, a full collection walked all of them:
    60 to 100 ms added to that request (docs/performance.md). Frozen (gc.freeze), they are never walked again;
    objects made by requests are collected as before. Called by rightsadmin/wsgi.py in each worker.
    """
    get_resolver().url_patterns  # noqa: B018 (evaluated for its import of every view module)
    gc.collect()
    gc.freeze()
