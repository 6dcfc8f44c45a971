"""Signal receivers: stamp a new session, end the sessions of a deactivated account."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save

from accounts.sessions_policy import session_stamp_login


def on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_stamp_login(request.session, user=user)


def on_user_saved(sender, instance, created, **kwargs) -> None:
    # A catch-all, not a workflow rule: an account can be switched off in the admin, by an
    # import or from the shell, and every one of those must log it out at once.
    if not created and not instance.is_active:
        from accounts.services import user_sessions_end

        user_sessions_end(user=instance, reason="deactivated")


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="accounts.on_login")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="accounts.on_user_saved")
