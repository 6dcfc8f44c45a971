"""Reads about a user's password and login state."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import PasswordHistory, SecurityProfile

MUST_CHANGE_PROMPT = "您的密码由管理员设置，为保障账号安全，请先修改密码后再使用系统。"


def password_recent_hashes(*, user, count: int) -> list[str]:
    """The hashes of the user's last `count` passwords, the current one first."""
    hashes = list(
        PasswordHistory.objects.filter(user=user).values_list("password_hash", flat=True)[:count]
    )
    current = user.password
    if current and current not in hashes and user.has_usable_password():
        hashes = [current, *hashes][:count]
    return hashes


def password_max_age() -> timedelta | None:
    days = settings.FENGTAI_PASSWORD_MAX_AGE_DAYS
    return timedelta(days=days) if days > 0 else None


def password_expired_prompt() -> str:
    return (
        f"您的密码已使用超过 {settings.FENGTAI_PASSWORD_MAX_AGE_DAYS} 天，"
        "按规定须定期更换，请修改密码后再使用系统。"
    )


def password_change_prompt(*, user) -> str | None:
    """Why the user must change the password before going on, or None."""
    if not user.is_authenticated:
        return None
    profile = SecurityProfile.objects.filter(user=user).first()
    if profile is not None and profile.must_change_password:
        return MUST_CHANGE_PROMPT
    max_age = password_max_age()
    if max_age is None or not user.has_usable_password():
        return None
    since = (profile.password_changed_at if profile else None) or user.date_joined
    if timezone.now() - since > max_age:
        return password_expired_prompt()
    return None


def login_failures(*, request, username: str) -> int:
    """Failed logins counted by django-axes for this username from this address."""
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.get_failures(request, {"username": username})


def login_attempts_remaining(*, request, username: str) -> int | None:
    """Attempts left before the lockout, shown only once three have failed (None before).

    The count is kept per username and address whether or not the username exists, so it
    tells an unknown user nothing a wrong password would not.
    """
    limit = settings.AXES_FAILURE_LIMIT
    failures = login_failures(request=request, username=username)
    if failures < 3 or failures >= limit:
        return None
    return limit - failures
