from django.conf import settings


def session_timeout(request) -> dict:
    """What static/js/session-timeout.js reads from <body> data attributes."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "login":
        return {}
    return {
        "session_idle_seconds": settings.FENGTAI_SESSION_IDLE_SECONDS,
        "session_warning_seconds": settings.FENGTAI_SESSION_WARNING_SECONDS,
    }
