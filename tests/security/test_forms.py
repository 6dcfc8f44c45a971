"""Hostile form input: odd numbers, over-long text and forged fields.

Each is posted through the page a user would use and must get a Chinese message and change no
row. (The everyday refusals, such as "abc" for a count or 101 for a self-score, are in
tests/scoring/submissions/test_slot_detail.py.)
"""

import pytest
from django.urls import reverse

from scoring.demo.files import pdf_bytes
from scoring.models import EvidenceFile, SlotStatus
from tests.scoring.pages import errors_shown
from tests.scoring.support import figure_ids, open_cycle_create, save, slot_of, submit, upload
from units.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(db):
    return open_cycle_create()


@pytest.fixture
def rsj(client, make_user):
    user = make_user("rsj", unit="rsj", roles={Role.REPORTER})
    client.force_login(user)
    return user


def _draft(slot, **fields):
    slot.refresh_from_db()
    return {
        "action": "save",
        "text": "说明。",
        "self_score": "",
        "revision": str(slot.revision),
        "token": "t1",
        **fields,
    }


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "phrase"),
    [
        ("self_score", "NaN", "输入一个数字"),
        ("self_score", "Infinity", "输入一个数字"),
        ("self_score", "-0.01", "自评分不能小于 0 分"),
        ("self_score", "9.999", "小数不超过 2 位"),
        ("self_score", "1e3", "自评分不能超过本指标分值"),
        ("self_score", "9" * 400, "自评分不能超过本指标分值"),
        ("industrial_workers", "NaN", "整数"),
        ("industrial_workers", "1e20", "整数"),
        ("industrial_workers", "10000000000001", "小于或等于"),
        ("industrial_workers", "3.5", "整数"),
        ("industrial_workers", "0x10", "整数"),
    ],
)
def test_a_bad_number_is_refused_in_chinese(client, rsj, cycle, unchanged, field, value, phrase):
    slot = slot_of(cycle, 47, "rsj")  # 区产业工人数量: an integer figure
    data = _draft(slot)
    key = f"fig_{figure_ids(slot)[field]}" if field == "industrial_workers" else field
    data[key] = value
    check = unchanged()

    page = _page(client.post(reverse("scoring:slot_detail", args=[slot.pk]), data))

    assert phrase in page
    check()


# --- over-long text --------------------------------------------------------------------------


def _long_description(client, cycle):
    slot = slot_of(cycle, 63, "rsj")
    return client.post(
        reverse("scoring:slot_detail", args=[slot.pk]), _draft(slot, text="字" * 5001)
    )


def _long_reason(client, cycle):
    slot = slot_of(cycle, 63, "rsj")
    save(slot, slot.unit.memberships.first().user)
    submit(slot, slot.unit.memberships.first().user)
    client.force_login(_office())
    slot.refresh_from_db()
    return client.post(
        reverse("scoring:review_return", args=[slot.pk]),
        {"reason": "退" * 2001, "expected_status": slot.status, "expected_version": "1"},
        follow=True,
    )


def _long_cycle_name(client, cycle):
    client.force_login(_office())
    return client.post(
        reverse("scoring:cycle_create"),
        {
            "name": "年" * 51,
            "year": "2027",
            "opens_at": "2027-01-01T09:00",
            "deadline": "2027-06-30T18:00",
        },
        follow=True,
    )


def _long_unit_name(client, cycle):
    client.force_login(_office())
    return client.post(
        reverse("admin:units_unit_add"),
        {"name": "单" * 101, "code": "longname", "is_member": "on", "is_active": "on",
         "display_order": "0"},
    )  # fmt: skip


def _office():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="office")


@pytest.mark.parametrize(
    ("post", "phrase"),
    [
        (_long_description, "不超过 5000 字符"),
        (_long_reason, "不超过 2000 字符"),
        (_long_cycle_name, "不超过 50 字符"),
        (_long_unit_name, "不超过 100 字符"),
    ],
    ids=["工作情况说明", "退回原因", "考核周期名称", "单位名称"],
)
def test_over_long_text_is_refused_in_chinese(
    client, rsj, cycle, office_user, unchanged, post, phrase
):
    # The reason case submits first (that is its setup), so it checks the slot itself.
    check = unchanged() if post is not _long_reason else None

    response = post(client, cycle)

    assert response.status_code == 200
    assert phrase in response.content.decode()
    if check is not None:
        check()
    else:
        slot = slot_of(cycle, 63, "rsj")
        assert slot.status == SlotStatus.SUBMITTED and slot.return_reason == ""
        assert not slot.events.filter(action="returned").exists()


# --- forged fields ---------------------------------------------------------------------------


def test_forged_status_score_and_unit_fields_are_ignored(client, rsj, cycle):
    slot = slot_of(cycle, 63, "rsj")
    data = _draft(
        slot,
        status=SlotStatus.APPROVED,
        score="100",
        not_applicable="on",
        unit=str(slot_of(cycle, 17, "zgh").unit_id),
        cycle="999",
        current_version="7",
    )

    client.post(reverse("scoring:slot_detail", args=[slot.pk]), data)

    slot.refresh_from_db()
    assert (slot.status, slot.score, slot.not_applicable, slot.unit.code) == (
        SlotStatus.DRAFT,
        None,
        False,
        "rsj",
    )
    assert slot.cycle_id == cycle.pk and slot.current_version == 0


def _other_units_slot(cycle):
    return slot_of(cycle, 17, "zgh")  # 区总工会's slot


@pytest.mark.parametrize(
    "action",
    ["save", "submit", "upload", "remove_file", "forward", "unit_return", "version"],
)
def test_another_units_slot_id_is_a_404_and_changes_nothing(
    client, rsj, cycle, make_user, unchanged, action
):
    zgh_user = make_user("zgh", unit="zgh", roles={Role.REPORTER})
    other = _other_units_slot(cycle)
    evidence = upload(other, zgh_user, "工会经费.pdf", pdf_bytes("工会经费"))
    save(other, zgh_user)
    posts = {
        "save": (reverse("scoring:slot_detail", args=[other.pk]), _draft(other)),
        "submit": (reverse("scoring:slot_detail", args=[other.pk]), _draft(other, action="submit")),
        "upload": (reverse("scoring:evidence_upload", args=[other.pk]), {"revision": "1"}),
        "remove_file": (reverse("scoring:evidence_delete", args=[other.pk, evidence.pk]), {}),
        "forward": (reverse("scoring:slot_forward", args=[other.pk]), {}),
        "unit_return": (reverse("scoring:slot_unit_return", args=[other.pk]), {"reason": "伪造"}),
        "version": (reverse("scoring:version_detail", args=[other.pk, 1]), None),
    }
    url, data = posts[action]
    check = unchanged()

    response = client.get(url) if data is None else client.post(url, data)

    assert response.status_code == 404
    assert "工会" not in response.content.decode()  # nothing of 区总工会's slot on the page
    check()
    assert EvidenceFile.objects.filter(pk=evidence.pk, in_draft=True).exists()


def test_extending_for_a_unit_without_slots_in_this_cycle_is_refused(
    client, cycle, office_user, make_user, unchanged
):
    """The unit list is the cycle's own: a unit id from elsewhere is refused by name."""
    from units.models import Unit

    stranger = Unit.objects.create(name="外区单位", code="outsider", is_member=False)
    client.force_login(office_user)
    check = unchanged()

    response = client.post(
        reverse("scoring:cycle_extend", args=[cycle.pk]),
        {"unit": str(stranger.pk), "until": "2099-01-01T09:00", "reason": "伪造"},
        follow=True,
    )

    assert "请选择本周期有填报任务的单位。" in [m for m in errors_shown(response)]
    check()
