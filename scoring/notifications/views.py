"""The user's own notices (通知): list, mark one read, mark all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from scoring.access import notification_get_for_user
from scoring.notifications.selectors import notice_cycles, notices_for_user
from scoring.notifications.services import notification_mark_read

PER_PAGE = 30


@login_required
@require_GET
def notice_list(request):
    """Newest first; unread notices are highlighted; ?cycle= keeps one cycle's notices.

    The cycle filter offers only cycles the user has notices about, so it names no other.
    """
    cycles = notice_cycles(user=request.user)
    chosen = next((c for c in cycles if str(c.pk) == request.GET.get("cycle")), None)
    notices = notices_for_user(user=request.user, cycle=chosen)
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "scoring/notifications.html",
        {"page": page, "cycles": cycles, "chosen": chosen},
    )


@login_required
@require_POST
def notice_read(request, pk: int):
    notice = notification_get_for_user(user=request.user, pk=pk)
    notification_mark_read(user=request.user, pk=notice.pk)
    messages.success(request, "已标为已读。")
    return redirect("scoring:notifications")


@login_required
@require_POST
def notice_read_all(request):
    count = notification_mark_read(user=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect("scoring:notifications")
