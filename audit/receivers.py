"""What the layers below tell the audit log: sign-ins, accounts, roles, units, permissions, admin.

Higher layers (scoring, reports) call audit.services.audit_record themselves; the layers below
(accounts, units) and Django, django-axes and django-guardian announce through signals, which
are heard here. Saves made by loaddata (raw=True, e.g. ops restore) are not acts and are not
recorded.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntryManager
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from guardian.models.models import BaseObjectPermission

from accounts import signals as account_signals
from audit.models import Action, Outcome
from audit.services import audit_record
from units.models import UnitMembership

User = get_user_model()

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
)
RAW = "_fengtai_audit_raw"
OLD = "_fengtai_audit_old"


# --- sign-in and sessions ------------------------------------------------------------------


def on_logged_in(sender, request, user, **kwargs) -> None:
    audit_record(action=Action.LOGIN, actor=user, obj=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str((credentials or {}).get("username") or "")
    audit_record(
        action=Action.LOGIN_FAILED,
        actor_username=username,
        object_type="auth.user",
        object_repr=username,
        outcome=Outcome.FAILURE,
        request=request,
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    audit_record(
        action=Action.LOCKED_OUT,
        actor_username=username or "",
        object_type="auth.user",
        object_repr=username or "",
        outcome=Outcome.FAILURE,
        request=request,
        ip=ip_address,
    )


def on_lockout_lifted(sender, actor, username, ip_address, **kwargs) -> None:
    audit_record(
        action=Action.LOCKOUT_LIFTED,
        actor=actor,
        object_type="auth.user",
        object_repr=username or "",
        detail={"locked_ip": ip_address},
    )


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    reason = getattr(request, "fengtai_logout_reason", None)
    audit_record(
        action=Action.SESSION_EXPIRED if reason in {"idle", "max_age"} else Action.LOGOUT,
        actor=user,
        obj=user,
        request=request,
        detail={"reason": reason} if reason else None,
    )


def on_sessions_ended(sender, user, count, reason, **kwargs) -> None:
    audit_record(action=Action.SESSIONS_ENDED, obj=user, detail={"count": count, "reason": reason})


def on_password_changed(sender, user, **kwargs) -> None:
    audit_record(action=Action.PASSWORD_CHANGED, obj=user)


def on_password_reset(sender, user, actor, **kwargs) -> None:
    audit_record(action=Action.PASSWORD_RESET, actor=actor, obj=user)


# --- accounts, roles, units ------------------------------------------------------------------


def _user_values(user) -> dict:
    return {name: getattr(user, name) for name in USER_FIELDS}


def on_user_pre_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        setattr(instance, RAW, True)
        return
    if instance.pk is not None:
        old = User._base_manager.filter(pk=instance.pk).values(*USER_FIELDS).first()
        setattr(instance, OLD, old)


def on_user_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    if created:
        audit_record(action=Action.USER_CREATED, obj=instance, after=_user_values(instance))
        return
    old = getattr(instance, OLD, None)
    if old is None:
        return
    new = _user_values(instance)
    changed = [name for name in USER_FIELDS if old[name] != new[name]]
    if changed:
        audit_record(
            action=Action.USER_CHANGED,
            obj=instance,
            before={name: old[name] for name in changed},
            after={name: new[name] for name in changed},
        )


def on_user_deleted(sender, instance, **kwargs) -> None:
    audit_record(action=Action.USER_DELETED, obj=instance, before=_user_values(instance))


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if getattr(instance, RAW, False):
        return
    if action == "pre_clear":
        names = instance.groups if not reverse else instance.user_set
        setattr(instance, OLD, list(names.values_list("pk", flat=True)))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action == "post_clear":
        pk_set = set(getattr(instance, OLD, []))
    if not pk_set:
        return
    what = Action.GROUP_ADDED if action == "post_add" else Action.GROUP_REMOVED
    if reverse:  # group.user_set.add(...): one record per user
        for user in User.objects.filter(pk__in=pk_set):
            _group_record(what, user=user, names=[instance.name])
    else:
        names = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        _group_record(what, user=instance, names=names)


def _group_record(action: Action, *, user, names: list[str]) -> None:
    if action == Action.GROUP_ADDED:
        audit_record(action=action, obj=user, after={"groups": names})
    else:
        audit_record(action=action, obj=user, before={"groups": names})


def on_membership_pre_save(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    old = UnitMembership.objects.filter(user_id=instance.user_id).select_related("unit").first()
    setattr(instance, OLD, old.unit.name if old is not None else None)


def on_membership_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    old, new = getattr(instance, OLD, None), instance.unit.name
    if old != new:
        audit_record(
            action=Action.UNIT_CHANGED, obj=instance.user, before={"unit": old}, after={"unit": new}
        )


def on_membership_deleted(sender, instance, **kwargs) -> None:
    audit_record(
        action=Action.UNIT_CHANGED,
        obj=instance.user,
        before={"unit": instance.unit.name},
        after={"unit": None},
    )


# --- object permissions (django-guardian) ----------------------------------------------------


def _perm_fields(instance) -> dict:
    holder = getattr(instance, "group", None) or getattr(instance, "user", None)
    try:
        target = instance.content_object
    except Exception:  # noqa: BLE001 - the object may go in the same cascade
        target = None
    object_pk = getattr(instance, "object_pk", None) or getattr(instance, "content_object_id", "")
    return {
        "obj": target,
        "object_id": "" if target is not None else str(object_pk or ""),
        "detail": {
            "permission": instance.permission.codename,
            "holder": f"{type(holder).__name__.lower()}:{holder}",
        },
    }


def on_perm_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        audit_record(action=Action.PERM_GRANTED, **_perm_fields(instance))


def on_perm_deleted(sender, instance, **kwargs) -> None:
    audit_record(action=Action.PERM_REVOKED, **_perm_fields(instance))


# --- the Django admin's own log ----------------------------------------------------------------

ADMIN_ACTIONS = {
    ADDITION: Action.ADMIN_ADDED,
    CHANGE: Action.ADMIN_CHANGED,
    DELETION: Action.ADMIN_DELETED,
}


def _record_log_entries(entries) -> None:
    for entry in entries:
        audit_record(
            action=ADMIN_ACTIONS[entry.action_flag],
            actor=User.objects.filter(pk=entry.user_id).first(),
            object_type=entry.content_type.model_class()._meta.label_lower
            if entry.content_type_id and entry.content_type.model_class()
            else "",
            object_id=entry.object_id or "",
            object_repr=entry.object_repr,
            detail={"change_message": str(entry.get_change_message())},
        )


def _wrap_log_actions() -> None:
    # ModelAdmin.log_addition/log_change/log_deletions and django-import-export all write
    # through LogEntryManager.log_actions, which bulk-creates several entries at once (no
    # post_save): wrapping it is the one place every admin write passes.
    original = LogEntryManager.log_actions
    if getattr(original, "_fengtai_audited", False):
        return

    def log_actions(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        _record_log_entries(result if isinstance(result, list) else [result])
        return result

    log_actions._fengtai_audited = True
    LogEntryManager.log_actions = log_actions


def connect() -> None:
    uid = "audit."
    user_logged_in.connect(on_logged_in, dispatch_uid=uid + "logged_in")
    user_login_failed.connect(on_login_failed, dispatch_uid=uid + "login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid=uid + "logged_out")
    user_locked_out.connect(on_locked_out, dispatch_uid=uid + "locked_out")
    account_signals.lockout_lifted.connect(on_lockout_lifted, dispatch_uid=uid + "lifted")
    account_signals.sessions_ended.connect(on_sessions_ended, dispatch_uid=uid + "sessions")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid=uid + "pw")
    account_signals.password_reset_by_admin.connect(on_password_reset, dispatch_uid=uid + "reset")

    pre_save.connect(on_user_pre_save, sender=User, dispatch_uid=uid + "user_pre")
    post_save.connect(on_user_saved, sender=User, dispatch_uid=uid + "user_post")
    post_delete.connect(on_user_deleted, sender=User, dispatch_uid=uid + "user_del")
    m2m_changed.connect(on_groups_changed, sender=User.groups.through, dispatch_uid=uid + "groups")
    pre_save.connect(on_membership_pre_save, sender=UnitMembership, dispatch_uid=uid + "m_pre")
    post_save.connect(on_membership_saved, sender=UnitMembership, dispatch_uid=uid + "m_post")
    post_delete.connect(on_membership_deleted, sender=UnitMembership, dispatch_uid=uid + "m_del")

    for model in apps.get_models():
        if issubclass(model, BaseObjectPermission) and not model._meta.abstract:
            post_save.connect(on_perm_saved, sender=model, dispatch_uid=uid + f"p+{model}")
            post_delete.connect(on_perm_deleted, sender=model, dispatch_uid=uid + f"p-{model}")

    _wrap_log_actions()
