"""Hooks for `make bench` only, switched on by FENGTAI_BENCH=1 (never set in production).

- `ping`: the trivial login-required page the benchmark compares every key page with. It goes
  through the whole middleware stack (session, login, session timeout, password age, axes)
  but renders no template and reads nothing else, so its req/s is the app's ceiling.
- `QueryCountMiddleware`: counts the SQL statements a request runs and reports them in the
  X-Bench-Queries response header, so queries per request are measured on the real gunicorn
  with production settings (DEBUG off, where connection.queries is not recorded).
"""

from django.contrib.auth.decorators import login_required
from django.db import connections
from django.http import HttpResponse

QUERY_HEADER = "X-Bench-Queries"
PING_MARKER = "bench-ping-ok"


@login_required
def ping(request):
    return HttpResponse(PING_MARKER, content_type="text/plain; charset=utf-8")


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrapped = [conn.execute_wrapper(counter) for conn in connections.all()]
        for wrapper in wrapped:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrapped):
                wrapper.__exit__(None, None, None)
        # A streaming response's queries after this point are not counted (none of the
        # measured pages streams; the evidence ZIP is measured separately).
        response[QUERY_HEADER] = str(count)
        return response
