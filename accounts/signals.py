"""Hook points for the security audit log (built elsewhere); this app writes no audit rows.

Besides these, listen to Django's user_logged_in / user_logged_out / user_login_failed and
django-axes' user_locked_out.
"""

from django.dispatch import Signal

# A user's password was saved (any path). Arguments: user.
password_changed = Signal()

# An administrator set a password for someone else, who must change it at next login.
# Arguments: user, actor.
password_reset_by_admin = Signal()

# Sessions of a user were deleted on the server. Arguments: user, count, reason
# ("password_changed", "deactivated"). An idle or over-age session ends through Django's
# logout() instead: user_logged_out, with request.fengtai_logout_reason "idle" or "max_age".
sessions_ended = Signal()

# An administrator lifted a login lockout. Arguments: actor, username, ip_address.
lockout_lifted = Signal()
