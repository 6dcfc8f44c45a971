"""Login, password change and the session keep-alive."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from accounts.forms import PasswordChangeForm
from accounts.selectors import login_attempts_remaining, password_change_prompt
from accounts.sessions_policy import session_password_change_settle, session_stamp_seen


class LoginView(auth_views.LoginView):
    """Django's login; after the third failure it says how many attempts remain."""

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")[:150]
        remaining = login_attempts_remaining(request=self.request, username=username)
        return self.render_to_response(
            self.get_context_data(form=form, attempts_remaining=remaining)
        )


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["security_prompt"] = password_change_prompt(user=self.request.user)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        session_password_change_settle(self.request.session, user=form.user)
        messages.success(self.request, "密码已修改，其他设备上的登录已全部退出。")
        return response


@require_POST
@login_required
def session_keepalive(request):
    """The idle warning's 继续使用 button: counts as activity."""
    session_stamp_seen(request.session)
    return JsonResponse({"ok": True})
