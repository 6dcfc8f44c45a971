"""The cycle page's 操作记录 reads as people speak: labels, unit names, Beijing time, no None."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.cycles.services import cycle_transition
from scoring.models import AdjustmentKind, CycleAction, CycleEvent
from scoring.results.services import adjustment_add
from units.models import Unit

pytestmark = pytest.mark.django_db


def test_the_cycle_timeline_names_units_statuses_and_the_publication(
    office, office_user, cycle_2026
):
    adjustment_add(
        cycle=cycle_2026,
        kind=AdjustmentKind.VETO,
        reason="发生重大安全生产责任事故。",
        actor=office_user,
        unit=Unit.objects.get(code="zgh"),
    )
    cycle_transition(cycle=cycle_2026, action="start_review", actor=office_user)
    cycle_transition(
        cycle=cycle_2026, action="publish", actor=office_user, override_reason="先行发布。"
    )

    page = office.get(reverse("scoring:cycle_detail", args=[cycle_2026.pk])).content.decode()
    timeline = page.split('id="cycle-events"', 1)[1].split("</ul>", 1)[0]

    assert "一票否决（单位：区总工会）" in timeline
    assert "填报中 → 评审中" in timeline
    assert "评审中 → 已发布（第 1 次发布）；尚有未完成事项仍然发布：未填报 " in timeline
    assert "None" not in timeline
    for code in ("open", "reviewing", "published", "zgh"):
        assert not re.search(rf"[ >（]{code}[ <）]", timeline), code
    published = CycleEvent.objects.get(cycle=cycle_2026, action=CycleAction.PUBLISHED)
    assert f"{timezone.localtime(published.at):%Y-%m-%d %H:%M}" in timeline
