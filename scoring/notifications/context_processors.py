from django.utils.functional import SimpleLazyObject

from scoring.notifications.selectors import unread_count


def unread_notices(request):
    """The unread-notice count in the base layout's navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # One COUNT, run only when a template shows it (the admin's pages do not).
    return {"nav_unread_notices": SimpleLazyObject(lambda: unread_count(user=user))}
