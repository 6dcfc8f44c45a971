"""Every write the admin offers leaves an audit row naming the office user and the change."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, Responsibility
from scoring.cycles.services import cycle_create
from scoring.models import (
    Adjustment,
    Cycle,
    CycleAction,
    CycleDesignation,
    CycleEvent,
    CycleStatus,
    EventAction,
    Slot,
    SlotStatus,
    SubmissionEvent,
)
from units.models import Unit

from .conftest import GRADE_NUMBER
from .support import action_apply, action_choose, na_url, score_url, seen

pytestmark = pytest.mark.django_db

DESIGNATED_NUMBER = 52  # 配套政策: 区人社局 and 相关成员单位


class Events:
    """The audit rows written while the block runs."""

    def __init__(self, model):
        self.model = model

    def __enter__(self):
        self.before = set(self.model.objects.values_list("pk", flat=True))
        return self

    def __exit__(self, *exc):
        self.rows = list(self.model.objects.exclude(pk__in=self.before).order_by("pk"))


def _local(dt) -> dict:
    """The admin's split date/time inputs for `dt`."""
    local = timezone.localtime(dt)
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M:%S")}


def test_approve(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    with Events(SubmissionEvent) as new:
        action_apply(client, "approve_selected", [slot])

    assert [
        (e.slot_id, e.action, e.actor, e.from_status, e.to_status, e.version_number, e.ip_address)
        for e in new.rows
    ] == [
        (
            slot.pk,
            EventAction.APPROVED,
            office_user,
            SlotStatus.SUBMITTED,
            SlotStatus.APPROVED,
            1,
            "127.0.0.1",
        )
    ]


def test_return(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    with Events(SubmissionEvent) as new:
        action_apply(client, "return_selected", [slot], reason="请补充获奖名单。")

    assert [
        (e.slot_id, e.action, e.actor, e.from_status, e.to_status, e.reason) for e in new.rows
    ] == [
        (
            slot.pk,
            EventAction.RETURNED,
            office_user,
            SlotStatus.SUBMITTED,
            SlotStatus.RETURNED,
            "请补充获奖名单。",
        )
    ]


def test_score(client, office_user, approved):
    slot = approved(GRADE_NUMBER)
    client.force_login(office_user)

    with Events(SubmissionEvent) as new:
        client.post(score_url(slot), seen(slot) | {"grade": "优秀", "comment": ""})

    assert [
        (e.action, e.actor, e.data["old"]["score"], e.data["new"]["score"]) for e in new.rows
    ] == [(EventAction.SCORED, office_user, None, "5.00")]


def test_not_applicable(client, office_user, submitted):
    slot = submitted(GRADE_NUMBER)
    client.force_login(office_user)

    with Events(SubmissionEvent) as new:
        client.post(na_url(slot), seen(slot) | {"reason": "本年度不涉及。"})

    assert [(e.action, e.actor, e.reason) for e in new.rows] == [
        (EventAction.MARKED_NA, office_user, "本年度不涉及。")
    ]


def test_extend_deadline(client, office_user, cycle, rsj_slot):
    slot = rsj_slot(GRADE_NUMBER)
    until = timezone.localtime(cycle.deadline + timedelta(days=10)).replace(second=0, microsecond=0)
    client.force_login(office_user)

    form = action_choose(client, "extend_deadline", [slot])
    with Events(SubmissionEvent) as new:
        response = action_apply(
            client,
            "extend_deadline",
            [slot],
            until=until.strftime("%Y-%m-%dT%H:%M"),
            reason="单位承担区级重点任务，申请延期。",
        )

    assert form.status_code == 200
    assert response.status_code == 302
    assert Slot.objects.get(pk=slot.pk).deadline_extension == until
    assert [(e.action, e.actor, e.reason, e.data["to"]) for e in new.rows] == [
        (
            EventAction.DEADLINE_EXTENDED,
            office_user,
            "单位承担区级重点任务，申请延期。",
            until.isoformat(),
        )
    ]


def test_adjustment(client, office_user, cycle):
    client.force_login(office_user)
    rsj = Unit.objects.get(code="rsj")

    with Events(CycleEvent) as new:
        response = client.post(
            reverse("admin:scoring_adjustment_add"),
            {
                "cycle": cycle.pk,
                "kind": "bonus",
                "unit": rsj.pk,
                "points": "1.5",
                "reason": "获评全国技能人才培育突出贡献单位。",
            },
        )

    assert response.status_code == 302
    adjustment = Adjustment.objects.get()
    assert (adjustment.points, adjustment.unit, adjustment.created_by) == (
        Decimal("1.50"),
        rsj,
        office_user,
    )
    assert [(e.action, e.actor, e.reason, e.data) for e in new.rows] == [
        (
            CycleAction.ADJUSTMENT_ADDED,
            office_user,
            "获评全国技能人才培育突出贡献单位。",
            {"kind": "bonus", "points": "1.5", "unit": "rsj"},
        )
    ]


def test_cycle_open_action(client, office_user):
    now = timezone.now()
    cycle = cycle_create(
        name="2027年度", year=2027, opens_at=now, deadline=now + timedelta(days=30)
    )
    client.force_login(office_user)

    url = reverse("admin:scoring_cycle_changelist")
    asked = action_choose(client, "open_cycles", [cycle], url=url)
    assert asked.status_code == 200
    assert "不能撤销" in asked.content.decode() and "2027年度" in asked.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.PREPARING

    with Events(CycleEvent) as new:
        response = action_apply(client, "open_cycles", [cycle], url=url)

    assert response.status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.OPEN
    assert [(e.action, e.actor, e.from_status, e.to_status, e.ip_address) for e in new.rows] == [
        (CycleAction.OPENED, office_user, CycleStatus.PREPARING, CycleStatus.OPEN, "127.0.0.1")
    ]


def test_cycle_add_names_the_office_user(client, office_user):
    now = timezone.now()
    client.force_login(office_user)
    opens, deadline = _local(now + timedelta(days=5)), _local(now + timedelta(days=60))

    with Events(CycleEvent) as new:
        response = client.post(
            reverse("admin:scoring_cycle_add"),
            {
                "name": "2027年度",
                "year": "2027",
                "opens_at_0": opens["0"],
                "opens_at_1": opens["1"],
                "deadline_0": deadline["0"],
                "deadline_1": deadline["1"],
                "previous": "",
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    cycle = Cycle.objects.get(name="2027年度")
    assert [(e.cycle_id, e.action, e.actor) for e in new.rows] == [
        (cycle.pk, CycleAction.CREATED, office_user)
    ]


def test_cycle_date_change(client, office_user, cycle):
    client.force_login(office_user)
    old_deadline = cycle.deadline
    new_deadline = (old_deadline + timedelta(days=7)).replace(microsecond=0)
    opens, deadline = _local(cycle.opens_at), _local(new_deadline)

    with Events(CycleEvent) as new:
        response = client.post(
            reverse("admin:scoring_cycle_change", args=[cycle.pk]),
            {
                "opens_at_0": opens["0"],
                "opens_at_1": opens["1"],
                "deadline_0": deadline["0"],
                "deadline_1": deadline["1"],
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Cycle.objects.get(pk=cycle.pk).deadline == new_deadline
    (event,) = new.rows
    assert (event.action, event.actor) == (CycleAction.DEADLINE_CHANGED, office_user)
    change = event.data["deadline"]
    assert datetime.fromisoformat(change["old"]) == old_deadline
    assert datetime.fromisoformat(change["new"]) == new_deadline
    # opens_at is posted to the second, so a fraction of a second also counts as a change.
    assert set(event.data) <= {"deadline", "opens_at"}


def _designate(client, cycle):
    return client.post(
        reverse("admin:scoring_cycledesignation_add"),
        {
            "cycle": cycle.pk,
            "indicator": Indicator.objects.get(number=DESIGNATED_NUMBER).pk,
            "unit": Unit.objects.get(code="zgh").pk,
        },
    )


def test_designation_add_gives_the_unit_its_slot(client, office_user, cycle):
    client.force_login(office_user)

    response = _designate(client, cycle)

    assert response.status_code == 302
    assert CycleDesignation.objects.filter(cycle=cycle, unit__code="zgh").exists()
    assert Slot.objects.filter(
        cycle=cycle, indicator__number=DESIGNATED_NUMBER, unit__code="zgh"
    ).exists()


def test_designation_add(client, office_user, cycle):
    client.force_login(office_user)

    with Events(CycleEvent) as new:
        _designate(client, cycle)

    # The designation, then the slot it gives 区总工会 (slots_sync names the actor too).
    assert [(e.cycle_id, e.action, e.actor) for e in new.rows] == [
        (cycle.pk, CycleAction.DESIGNATION_ADDED, office_user),
        (cycle.pk, CycleAction.SLOT_ADDED, office_user),
    ]
    assert {k: new.rows[1].data[k] for k in ("indicator", "unit", "is_lead")} == {
        "indicator": DESIGNATED_NUMBER,
        "unit": "zgh",
        "is_lead": False,
    }


def test_designation_removal(client, admin_user, cycle):
    """Withdrawing a designation (system administrator: the office may only add) is audited,
    and so is the empty slot it takes away."""
    client.force_login(admin_user)
    _designate(client, cycle)
    designation = CycleDesignation.objects.get(cycle=cycle, unit__code="zgh")

    with Events(CycleEvent) as new:
        response = client.post(
            reverse("admin:scoring_cycledesignation_delete", args=[designation.pk]),
            {"post": "yes"},
        )

    assert response.status_code == 302
    assert not CycleDesignation.objects.filter(pk=designation.pk).exists()
    assert not Slot.objects.filter(
        cycle=cycle, indicator__number=DESIGNATED_NUMBER, unit__code="zgh"
    ).exists()
    assert [(e.action, e.actor, e.data["indicator"], e.data["unit"]) for e in new.rows] == [
        (CycleAction.DESIGNATION_REMOVED, admin_user, DESIGNATED_NUMBER, "zgh"),
        (CycleAction.SLOT_REMOVED, admin_user, DESIGNATED_NUMBER, "zgh"),
    ]


def test_a_catalogue_change_in_the_admin_audits_every_slot_it_adds_relabels_or_removes(
    client, office_user, cycle, rsj_slot
):
    """责任分工 edited in the admin: the open cycle's slots follow, each change naming the user."""
    client.force_login(office_user)
    indicator = Indicator.objects.get(number=GRADE_NUMBER)  # 44: 区人社局 alone
    rsj, zgh = Unit.objects.get(code="rsj"), Unit.objects.get(code="zgh")
    lead = indicator.responsibilities.get(unit=rsj)

    with Events(CycleEvent) as added:
        response = client.post(
            reverse("admin:indicators_responsibility_add"),
            {"indicator": indicator.pk, "unit": zgh.pk, "position": "2"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    with Events(CycleEvent) as relabelled:
        client.post(
            reverse("admin:indicators_responsibility_change", args=[lead.pk]),
            {"indicator": indicator.pk, "unit": rsj.pk, "position": "3"},
        )
    new = Responsibility.objects.get(indicator=indicator, unit=zgh)
    with Events(CycleEvent) as removed:
        client.post(
            reverse("admin:indicators_responsibility_delete", args=[new.pk]), {"post": "yes"}
        )

    def rows(events):
        return [
            (e.cycle_id, e.action, e.actor, e.data["indicator"], e.data["unit"])
            for e in events.rows
        ]

    assert rows(added) == [(cycle.pk, CycleAction.SLOT_ADDED, office_user, 44, "zgh")]
    # 区总工会 (position 2) now leads and 区人社局 (position 3) supports.
    assert sorted(rows(relabelled), key=lambda r: r[-1]) == [
        (cycle.pk, CycleAction.SLOT_RELABELLED, office_user, 44, "rsj"),
        (cycle.pk, CycleAction.SLOT_RELABELLED, office_user, 44, "zgh"),
    ]
    assert {e.data["unit"]: e.data["new"] for e in relabelled.rows} == {
        "rsj": {"is_lead": False},
        "zgh": {"is_lead": True},
    }
    # Removing 区总工会 again drops its empty slot; 区人社局 leads again.
    assert (CycleAction.SLOT_REMOVED, office_user, 44, "zgh") in [r[1:] for r in rows(removed)]
    assert rsj_slot(GRADE_NUMBER).is_lead is True
