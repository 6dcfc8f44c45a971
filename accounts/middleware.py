"""Per-request security checks: session limits, then a password that must be changed."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from accounts.sessions_policy import (
    session_expiry_message,
    session_expiry_reason,
    session_password_change_due,
    session_touch,
)

# Pages a user who must change the password can still reach.
PASSWORD_EXEMPT = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "session_keepalive",
    "admin:logout",
}


def _url_name(request) -> str | None:
    """The view the request goes to, resolved once for both middlewares (Django resolves it
    again itself only after the middleware has run)."""
    try:
        return request._fengtai_url_name
    except AttributeError:
        pass
    try:
        name: str | None = resolve(request.path_info).view_name
    except Resolver404:
        name = None
    request._fengtai_url_name = name
    return name


class SessionTimeoutMiddleware:
    """Logs out after FENGTAI_SESSION_IDLE_SECONDS without a request, or
    FENGTAI_SESSION_MAX_SECONDS after login, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = session_expiry_reason(request.session)
            if reason is not None:
                # For listeners of user_logged_out (the audit log): why this logout happened.
                request.fengtai_logout_reason = reason
                logout(request)
                messages.warning(request, session_expiry_message(reason))
                return redirect_to_login(request.get_full_path())
            # The idle timer's own destination is no sign of life (else an idle tab that
            # lands there would keep the session alive for ever).
            if _url_name(request) != "login":
                session_touch(request.session)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Sends a user whose password was set by an administrator, or has expired, to the
    password-change page until it is changed.

    The answer is worked out at login and kept in the session (no query per request): an
    administrator's reset ends the user's sessions anyway, and an expiry is noticed at the
    next login, at most FENGTAI_SESSION_MAX_SECONDS later.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and _url_name(request) not in PASSWORD_EXEMPT
            and session_password_change_due(request.session, user=request.user)
        ):
            return redirect("password_change")
        return self.get_response(request)
