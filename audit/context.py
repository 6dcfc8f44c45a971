"""The request being served, so an audit record made deep inside a signal knows where from.

Signals such as accounts.password_changed carry no request; the middleware below puts the
current one in a context variable for the length of the request (thread- and async-safe).
"""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest

_current: ContextVar[HttpRequest | None] = ContextVar("fengtai_audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
