"""Structured logs: every line carries the id of the request that produced it."""

import contextvars
import logging

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Puts the request id on every record. Django logs some responses ("Bad Request: ...",
    "Not Found: ...") after the middleware has finished; those records carry the request itself,
    whose id the middleware set."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "id", None) or request_id_var.get()
        return True
