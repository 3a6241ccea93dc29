"""Logging filters for the server's log."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A refused or unknown request (403, 404, 400) is the client's doing, not a fault of the server: it is logged as
    one line ("Forbidden (Permission denied): /audit/units/4701/accounts/"), without the traceback Django attaches
    to PermissionDenied and Http404. Server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
