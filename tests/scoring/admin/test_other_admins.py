"""The scheme, adjustments, cycle trail and notices in the admin: added through services or
only read."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import Adjustment, Cycle, CycleEvent, CycleIndicator, GradeLevel, Notification
from scoring.notifications.services import notify
from scoring.results.services import adjustment_add

pytestmark = pytest.mark.django_db

ADJUSTMENT_ADD = reverse("admin:scoring_adjustment_add")


def test_a_bonus_needs_points_and_a_veto_records_none(client, office_user, cycle):
    client.force_login(office_user)

    refused = client.post(
        ADJUSTMENT_ADD, {"cycle": cycle.pk, "kind": "bonus", "points": "0", "reason": "加分"}
    )
    veto = client.post(
        ADJUSTMENT_ADD,
        {"cycle": cycle.pk, "kind": "veto", "points": "3", "reason": "发生重大安全生产责任事故。"},
    )

    assert refused.status_code == 200
    assert "加分应大于 0。" in refused.content.decode()
    assert veto.status_code == 302
    (adjustment,) = Adjustment.objects.all()
    assert (adjustment.kind, adjustment.points, adjustment.unit) == ("veto", 0, None)


def test_adjustments_are_only_added_for_cycles_under_review(client, office_user, cycle):
    now = timezone.now()
    preparing = Cycle.objects.create(
        name="2027年度", year=2027, opens_at=now, deadline=now + timedelta(days=30)
    )
    client.force_login(office_user)

    page = client.get(ADJUSTMENT_ADD).content.decode()
    refused = client.post(ADJUSTMENT_ADD, {"cycle": preparing.pk, "kind": "veto", "reason": "测试"})

    assert f'<option value="{cycle.pk}">' in page
    assert f'<option value="{preparing.pk}">' not in page
    assert refused.status_code == 200
    assert not Adjustment.objects.exists()


def test_adjustments_cannot_be_changed_or_deleted(client, office_user, admin_user, cycle):
    adjustment = adjustment_add(
        cycle=cycle, kind="veto", reason="发生重大安全生产责任事故。", actor=office_user
    )
    change = reverse("admin:scoring_adjustment_change", args=[adjustment.pk])
    delete = reverse("admin:scoring_adjustment_delete", args=[adjustment.pk])

    for user in (office_user, admin_user):
        client.force_login(user)
        assert client.get(change).status_code == 200
        assert client.post(change, {"reason": "改写"}).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403

    assert Adjustment.objects.get().reason == "发生重大安全生产责任事故。"


def test_the_office_reads_the_scheme_grade_levels_and_cycle_trail(client, office_user, cycle):
    client.force_login(office_user)
    item = CycleIndicator.objects.get(cycle=cycle, number=44)
    level = GradeLevel.objects.filter(cycle=cycle).first()
    event = CycleEvent.objects.filter(cycle=cycle).first()

    scheme = client.get(reverse("admin:scoring_cycleindicator_changelist"), {"q": "技能表彰"})
    levels = client.get(reverse("admin:scoring_gradelevel_changelist"))
    trail = client.get(reverse("admin:scoring_cycleevent_changelist"))

    by_number = client.get(reverse("admin:scoring_cycleindicator_changelist"), {"q": "44"})
    assert list(scheme.context["cl"].result_list) == [item]
    assert list(by_number.context["cl"].result_list) == [item]
    assert "5.00" in scheme.content.decode()
    assert level in levels.context["cl"].result_list
    assert event in trail.context["cl"].result_list
    for model, obj in (("cycleindicator", item), ("gradelevel", level)):
        change = reverse(f"admin:scoring_{model}_change", args=[obj.pk])
        assert client.post(change, {"points": "99", "share": "1"}).status_code == 403
        assert (
            client.post(
                reverse(f"admin:scoring_{model}_delete", args=[obj.pk]), {"post": "yes"}
            ).status_code
            == 403
        )
    assert CycleIndicator.objects.get(pk=item.pk).points == 5


def test_notices_are_for_the_system_administrator_to_read_only(
    client, office_user, admin_user, rsj_reporter
):
    (notice,) = notify(users=[rsj_reporter], kind="approved", title="审核通过：44. 技能表彰奖项")
    changelist = reverse("admin:scoring_notification_changelist")
    change = reverse("admin:scoring_notification_change", args=[notice.pk])

    client.force_login(office_user)
    assert client.get(changelist).status_code == 403
    client.force_login(admin_user)
    assert client.get(changelist).status_code == 200
    assert client.post(change, {"title": "改写"}).status_code == 403
    assert Notification.objects.get().title == "审核通过：44. 技能表彰奖项"


def test_a_cycle_whose_deadline_precedes_its_opening_is_refused_in_chinese(client, office_user):
    now = timezone.localtime()
    client.force_login(office_user)

    response = client.post(
        reverse("admin:scoring_cycle_add"),
        {
            "name": "2027年度",
            "year": "2027",
            "opens_at_0": (now + timedelta(days=30)).strftime("%Y-%m-%d"),
            "opens_at_1": "09:00:00",
            "deadline_0": now.strftime("%Y-%m-%d"),
            "deadline_1": "09:00:00",
        },
    )

    assert response.status_code == 200
    assert not Cycle.objects.filter(name="2027年度").exists()
    html = response.content.decode()
    assert "截止时间必须晚于开始时间。" in html
    assert "cycle_deadline_after_opening" not in html
