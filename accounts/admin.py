"""Accounts in the admin: administrator-set passwords must be changed; lockouts can be lifted."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts.models import SecurityProfile
from accounts.services import lockout_lift, password_require_change

User = get_user_model()


class SecurityProfileInline(admin.StackedInline):
    model = SecurityProfile
    can_delete = False
    extra = 0
    max_num = 1
    fields = ["must_change_password", "password_changed_at"]
    readonly_fields = ["password_changed_at"]


class FengtaiUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, SecurityProfileInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            password_require_change(user=obj, actor=request.user)

    def user_change_password(self, request, id, form_url=""):
        before = User.objects.filter(pk=id).values_list("password", flat=True).first()
        response = super().user_change_password(request, id, form_url)
        user = User.objects.filter(pk=id).first()
        # Only a password set for someone else is "set by an administrator".
        changed = user is not None and user.password != before and user.pk != request.user.pk
        if changed and user.has_usable_password():
            password_require_change(user=user, actor=request.user)
        return response


class LockoutAdmin(AccessAttemptAdmin):
    """django-axes' failure records; deleting one lifts its lockout."""

    actions = ["lift_lockout", *AccessAttemptAdmin.actions]

    @admin.action(description="解除所选记录的登录锁定", permissions=["delete"])
    def lift_lockout(self, request, queryset):
        count = lockout_lift(attempts=queryset, actor=request.user)
        self.message_user(request, f"已解除 {count} 条登录锁定。", messages.SUCCESS)

    @admin.display(description="状态")
    def status(self, obj):
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return f"还可尝试 {left} 次" if left > 0 else "已锁定"

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The lift action says what deleting means here.
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj):
        lockout_lift(attempts=AccessAttempt.objects.filter(pk=obj.pk), actor=request.user)

    def delete_queryset(self, request, queryset):
        lockout_lift(attempts=queryset, actor=request.user)


admin.site.unregister(User)
admin.site.register(User, FengtaiUserAdmin)
admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, LockoutAdmin)
