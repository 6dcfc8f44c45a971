"""Writes about passwords, sessions and lockouts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts import signals
from accounts.models import PasswordHistory, SecurityProfile, UserSession


def profile_for(*, user) -> SecurityProfile:
    profile, _ = SecurityProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def password_record_change(*, user, keep: int = 5) -> None:
    """After a password was saved: remember its hash, restart its age, end the user's sessions.

    Called by PasswordHistoryValidator.password_changed on every path that saves a password.
    Every session of the user is deleted; the change page and the admin keep the person who
    changed it signed in (update_session_auth_hash saves their session again under a new key).
    """
    PasswordHistory.objects.create(user=user, password_hash=user.password)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    SecurityProfile.objects.update_or_create(
        user=user,
        defaults={"must_change_password": False, "password_changed_at": timezone.now()},
    )
    user_sessions_end(user=user, reason="password_changed")
    signals.password_changed.send(sender=SecurityProfile, user=user)


def password_require_change(*, user, actor) -> None:
    """An administrator set this password: the user must choose their own at next login."""
    SecurityProfile.objects.update_or_create(user=user, defaults={"must_change_password": True})
    signals.password_reset_by_admin.send(sender=SecurityProfile, user=user, actor=actor)


def password_mark_current(*, user) -> None:
    """Treat the user's present password as chosen now (demo accounts with a known password)."""
    if not PasswordHistory.objects.filter(user=user, password_hash=user.password).exists():
        PasswordHistory.objects.create(user=user, password_hash=user.password)
    SecurityProfile.objects.update_or_create(
        user=user,
        defaults={"must_change_password": False, "password_changed_at": timezone.now()},
    )


def user_sessions_end(*, user, reason: str, except_session_key: str | None = None) -> int:
    """Delete the user's sessions on the server; the next request with them is anonymous."""
    sessions = UserSession.objects.filter(user_id=user.pk)
    if except_session_key:
        sessions = sessions.exclude(session_key=except_session_key)
    count, _ = sessions.delete()
    if count:
        signals.sessions_ended.send(sender=UserSession, user=user, count=count, reason=reason)
    return count


@transaction.atomic
def lockout_lift(*, attempts, actor) -> int:
    """Delete django-axes failure records, which lifts their lockout at once."""
    lifted = list(attempts.values_list("username", "ip_address"))
    attempts.delete()
    for username, ip_address in lifted:
        signals.lockout_lifted.send(
            sender=SecurityProfile, actor=actor, username=username, ip_address=ip_address
        )
    return len(lifted)
