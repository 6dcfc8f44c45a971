"""In-app notices and the same text by e-mail (Django's mail backend; console by default)."""

import logging
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from common.formats import timestamp_text
from scoring.models import Cycle, CycleStatus, NoticeKind, Notification, Slot
from scoring.results import figures
from units.models import Unit
from units.roles import ROLE_GROUPS, Role

logger = logging.getLogger(__name__)


User = get_user_model()


# What the unit still owes (figures.slot_owed): the query narrows, slot_owed decides.
OUTSTANDING = tuple(figures.UNIT_OWES)


def unit_users(unit: Unit, *, approvers_only: bool = False):
    users = User.objects.filter(is_active=True, unit_membership__unit=unit)
    if approvers_only:
        users = users.filter(groups__name=ROLE_GROUPS[Role.APPROVER])
    return users.distinct()


def notify(
    *,
    users: Iterable,
    kind: NoticeKind,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    cycle: Cycle | None = None,
) -> list[Notification]:
    """Create one notice per user (once per dedupe_key) and e-mail it after commit.

    `cycle` is the cycle the notice is about (the notice list filters by it).
    """
    created: list[Notification] = []
    for user in users:
        if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user,
                        kind=kind,
                        title=title,
                        body=body,
                        url=url,
                        dedupe_key=dedupe_key,
                        cycle=cycle,
                    )
                )
        except IntegrityError:  # a concurrent run created it first
            continue
    messages = [
        (n.title, f"{n.body}\n\n{n.url}".strip(), settings.DEFAULT_FROM_EMAIL, [n.user.email])
        for n in created
        if n.user.email
    ]
    if messages:
        transaction.on_commit(lambda: _send(messages))
    return created


def _send(messages) -> None:
    try:
        send_mass_mail(messages, fail_silently=False)
    except OSError:
        # The in-app notice is the record; a mail server being down must not undo it.
        logger.exception("sending %d notification e-mails failed", len(messages))


def _slot_url(slot: Slot) -> str:
    return reverse("scoring:slot_detail", args=[slot.pk])


def slot_subject(slot: Slot) -> str:
    """What a notice is about: "2026年度 · 48. 产业工人占比" (the cycle, then the indicator)."""
    return f"{slot.cycle.name} · {slot.indicator.number}. {slot.indicator.name}"


def notify_slot_returned(slot: Slot, *, by_office: bool) -> None:
    who = "区产改办" if by_office else "单位审核人"
    notify(
        users=unit_users(slot.unit),
        kind=NoticeKind.RETURNED,
        title=f"{who}退回：{slot_subject(slot)}",
        body=f"退回原因：{slot.return_reason}",
        url=_slot_url(slot),
        cycle=slot.cycle,
    )


def notify_slot_approved(slot: Slot) -> None:
    notify(
        users=unit_users(slot.unit),
        kind=NoticeKind.APPROVED,
        title=f"审核通过：{slot_subject(slot)}",
        body=f"第 {slot.current_version} 版已由区产改办审核通过。",
        url=_slot_url(slot),
        cycle=slot.cycle,
    )


def notify_pending_approval(slot: Slot) -> None:
    notify(
        users=unit_users(slot.unit, approvers_only=True),
        kind=NoticeKind.PENDING_APPROVAL,
        title=f"待审核：{slot_subject(slot)}",
        body=f"填报人已提交第 {slot.current_version} 版，请审核后报送区产改办。",
        url=_slot_url(slot),
        cycle=slot.cycle,
    )


def notify_cycle_published(*, cycle: Cycle, publication: int = 1) -> None:
    """Each unit with slots in the cycle: its scores can be seen (again, after a correction)."""
    again = f"（第 {publication} 次发布，含更正）" if publication > 1 else ""
    for unit in Unit.objects.filter(slots__cycle=cycle).distinct():
        key = f"published:{cycle.pk}:{unit.pk}"
        notify(
            users=unit_users(unit),
            kind=NoticeKind.PUBLISHED,
            title=f"{cycle.name}考核结果已发布{again}",
            body=f"{unit.name}各项任务的得分与评语现已可查看。",
            url=reverse("scoring:tasks"),
            dedupe_key=key if publication == 1 else f"{key}:{publication}",
            cycle=cycle,
        )


def notify_cycle_unpublished(*, cycle: Cycle, reason: str) -> None:
    """Each unit with slots in the cycle: the published results were withdrawn for correction."""
    for unit in Unit.objects.filter(slots__cycle=cycle).distinct():
        notify(
            users=unit_users(unit),
            kind=NoticeKind.UNPUBLISHED,
            title=f"{cycle.name}考核结果已撤回更正",
            body=f"区产改办已撤回{cycle.name}考核结果的发布，更正后将重新发布。撤回原因：{reason}",
            url=reverse("scoring:tasks"),
            cycle=cycle,
        )


def reminders_send(*, today: date | None = None, dry_run: bool = False) -> list[tuple[str, str]]:
    """Deadline reminders for open cycles: 7 days and 1 day before, and daily once overdue.

    One notice per user and kind per day (dedupe key), so running it twice is harmless.
    Returns (username, title) for what was (or, with dry_run, would be) sent.
    """
    today = today or timezone.localdate()
    sent: list[tuple[str, str]] = []
    for cycle in Cycle.objects.filter(status=CycleStatus.OPEN):
        slots = Slot.objects.filter(
            cycle=cycle, status__in=OUTSTANDING, not_applicable=False
        ).select_related("unit", "cycle")
        by_unit: dict[int, list[Slot]] = {}
        for slot in slots:
            if figures.slot_owed(slot):  # 逾期's rule: office returns and 不适用 owe nothing
                by_unit.setdefault(slot.unit_id, []).append(slot)
        for unit_slots in by_unit.values():
            unit = unit_slots[0].unit
            deadline = min(s.effective_deadline for s in unit_slots)
            left = (timezone.localtime(deadline).date() - today).days
            if left == 7:
                kind, title = NoticeKind.DEADLINE_7, f"{cycle.name}填报距截止还有 7 天"
            elif left == 1:
                kind, title = NoticeKind.DEADLINE_1, f"{cycle.name}填报明天截止"
            elif left < 0:
                kind, title = NoticeKind.OVERDUE, f"{cycle.name}填报已逾期"
            else:
                continue
            body = f"{unit.name}尚有 {len(unit_slots)} 项任务未提交，截止时间 {timestamp_text(deadline)}。"
            users = list(unit_users(unit))
            key = f"{kind}:{cycle.pk}:{today.isoformat()}"
            if dry_run:
                sent.extend(
                    (u.username, title)
                    for u in users
                    if not Notification.objects.filter(user=u, dedupe_key=key).exists()
                )
                continue
            with transaction.atomic():
                created = notify(
                    users=users,
                    kind=kind,
                    title=title,
                    body=body,
                    url=reverse("scoring:tasks"),
                    dedupe_key=key,
                    cycle=cycle,
                )
            sent.extend((n.user.username, n.title) for n in created)
    return sent


def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notices (or all of them) read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
