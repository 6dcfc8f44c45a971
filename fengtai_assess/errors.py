"""The error handler that tells a database outage (503) from a fault in the code (500)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# The database is unreachable (restarting, failing over, out of connections): the request did
# not happen and retrying later will work, which is what 503 says. Retry-After tells a client
# (and nginx's error page) when to come back.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable_response() -> HttpResponse:
    """The friendly 503 page; rendered without a request, so nothing touches the database."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def server_error(request):
    """handler500: Django calls it inside its `except` block, so the exception is at hand.

    It sees exceptions raised anywhere, middleware included (the session and user lookups of a
    logged-in request are the first to hit the database), which a view-level
    process_exception would not.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_UNAVAILABLE):
        logger.warning("database unavailable: %s", exc)
        return database_unavailable_response()
    return HttpResponseServerError(loader.get_template("500.html").render())
