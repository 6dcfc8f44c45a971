"""Idle and absolute session limits, read from settings (FENGTAI_SESSION_*)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

LOGIN_AT = "fengtai_login_at"
SEEN_AT = "fengtai_seen_at"
PASSWORD_DUE = "fengtai_password_change_due"  # noqa: S105  (a session key name)
# Writing the session on every request costs a query; half a minute of slack costs nothing.
SEEN_RESOLUTION_SECONDS = 30

IDLE_MESSAGE = "您已超过 {minutes} 分钟未操作，为保护数据安全已自动退出，请重新登录。"
MAX_AGE_MESSAGE = "本次登录已超过 {hours} 小时，为保护数据安全已自动退出，请重新登录。"


def _now() -> float:
    return timezone.now().timestamp()


def session_stamp_login(session, *, user=None) -> None:
    now = _now()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    if user is not None:
        session_password_change_settle(session, user=user)


def session_password_change_settle(session, *, user) -> bool:
    """Work out (again) whether the user must change the password, and keep it in the session."""
    from accounts.selectors import password_change_prompt

    due = password_change_prompt(user=user) is not None
    session[PASSWORD_DUE] = due
    return due


def session_password_change_due(session, *, user) -> bool:
    due = session.get(PASSWORD_DUE)
    if due is None:
        # A session from before this policy.
        due = session_password_change_settle(session, user=user)
    return due


def session_expiry_reason(session) -> str | None:
    """Why the session has run out ("idle" or "max_age"), or None while it lives."""
    now = _now()
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        # A session from before this policy: its clocks start now.
        session_stamp_login(session)
        return None
    if now - login_at > settings.FENGTAI_SESSION_MAX_SECONDS:
        return "max_age"
    if now - seen_at > settings.FENGTAI_SESSION_IDLE_SECONDS:
        return "idle"
    return None


def session_touch(session) -> None:
    if _now() - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = _now()


def session_expiry_message(reason: str) -> str:
    if reason == "max_age":
        hours = settings.FENGTAI_SESSION_MAX_SECONDS / 3600
        return MAX_AGE_MESSAGE.format(hours=f"{hours:g}")
    minutes = settings.FENGTAI_SESSION_IDLE_SECONDS / 60
    return IDLE_MESSAGE.format(minutes=f"{minutes:g}")


def session_stamp_seen(session) -> None:
    session[SEEN_AT] = _now()
