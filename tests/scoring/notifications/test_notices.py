"""Who is told what, in the app and by e-mail, when a submission or a cycle moves on.

E-mail leaves only after the transaction commits: a rolled-back change sends nothing.
"""

import pytest
from django.core import mail
from django.db import transaction

from scoring.cycles.services import cycle_transition
from scoring.models import NoticeKind, Notification
from scoring.review.services import submission_approve, submission_return
from scoring.submissions.services import submission_forward, submission_unit_return
from units.roles import Role

from ..conftest import slot_submit_with_pdf

pytestmark = pytest.mark.django_db

NUMBER = 44  # 技能表彰奖项: 区人社局 alone


@pytest.fixture
def people(make_user, with_email, rsj_reporter, rsj_approver, zgh_reporter, office_user):
    """区人社局's reporter and approver with addresses, a colleague without one, and others."""
    for user in (rsj_reporter, rsj_approver, zgh_reporter, office_user):
        with_email(user)
    quiet = make_user("rsj_2", unit="rsj", roles={Role.REPORTER})
    gone = with_email(make_user("rsj_old", unit="rsj", roles={Role.REPORTER}))
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return {"quiet": quiet, "gone": gone}


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def _mail_to() -> list[str]:
    return sorted(address for m in mail.outbox for address in m.to)


def test_a_submit_waiting_for_the_unit_approver_tells_the_approvers_only(
    django_capture_on_commit_callbacks,
    people,
    unit_slot,
    rsj_reporter,
    rsj_approver,
    zgh_reporter,
    office_user,
):
    slot = unit_slot("rsj", NUMBER)

    with django_capture_on_commit_callbacks(execute=True):
        slot_submit_with_pdf(slot, rsj_reporter)
        assert mail.outbox == []  # not before the commit

    notice = rsj_approver.notifications.get()
    assert notice.kind == NoticeKind.PENDING_APPROVAL
    assert notice.title == "待审核：2026年度 · 44. 技能表彰奖项"
    assert notice.url == f"/tasks/{slot.pk}/"
    for user in (rsj_reporter, people["quiet"], zgh_reporter, office_user):
        assert _kinds(user) == []
    assert _mail_to() == ["rsj_sh@fengtai.gov.cn"]
    assert mail.outbox[0].subject == "待审核：2026年度 · 44. 技能表彰奖项"
    assert f"/tasks/{slot.pk}/" in mail.outbox[0].body


def test_a_return_by_the_office_tells_every_member_of_the_unit(
    django_capture_on_commit_callbacks,
    people,
    unit_slot,
    rsj_reporter,
    rsj_approver,
    zgh_reporter,
    office_user,
):
    slot = unit_slot("rsj", NUMBER)
    slot_submit_with_pdf(slot, rsj_reporter)
    submission_forward(slot=slot, actor=rsj_approver)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        submission_return(slot=slot, actor=office_user, reason="请补充获奖文件扫描件。")
        assert mail.outbox == []

    for user in (rsj_reporter, rsj_approver, people["quiet"]):
        assert _kinds(user) == [NoticeKind.RETURNED]
    for user in (people["gone"], zgh_reporter, office_user):
        assert _kinds(user) == []
    notice = rsj_reporter.notifications.get()
    assert notice.title == "区产改办退回：2026年度 · 44. 技能表彰奖项"
    assert notice.body == "退回原因：请补充获奖文件扫描件。"
    # rsj_2 has no address: the notice in the app is all they get.
    assert _mail_to() == ["rsj@fengtai.gov.cn", "rsj_sh@fengtai.gov.cn"]
    assert "请补充获奖文件扫描件。" in mail.outbox[0].body


def test_a_return_by_the_unit_approver_tells_the_unit(
    django_capture_on_commit_callbacks, people, unit_slot, rsj_reporter, rsj_approver
):
    slot = unit_slot("rsj", NUMBER)
    slot_submit_with_pdf(slot, rsj_reporter)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        submission_unit_return(slot=slot, actor=rsj_approver, reason="数据口径不一致。")

    assert rsj_reporter.notifications.get().title == "单位审核人退回：2026年度 · 44. 技能表彰奖项"
    assert _mail_to() == ["rsj@fengtai.gov.cn", "rsj_sh@fengtai.gov.cn"]


def test_an_approval_tells_every_member_of_the_unit(
    django_capture_on_commit_callbacks,
    people,
    unit_slot,
    rsj_reporter,
    rsj_approver,
    zgh_reporter,
    office_user,
):
    slot = unit_slot("rsj", NUMBER)
    slot_submit_with_pdf(slot, rsj_reporter)
    submission_forward(slot=slot, actor=rsj_approver)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        submission_approve(slot=slot, actor=office_user)
        assert mail.outbox == []

    for user in (rsj_reporter, rsj_approver, people["quiet"]):
        assert _kinds(user) == [NoticeKind.APPROVED]
    assert _kinds(zgh_reporter) == _kinds(office_user) == []
    assert rsj_reporter.notifications.get().body == "第 1 版已由区产改办审核通过。"
    assert _mail_to() == ["rsj@fengtai.gov.cn", "rsj_sh@fengtai.gov.cn"]


def test_publishing_tells_each_unit_about_its_own_results(
    django_capture_on_commit_callbacks,
    people,
    cycle_2026,
    rsj_reporter,
    zgh_reporter,
    office_user,
):
    cycle_transition(cycle=cycle_2026, action="start_review", actor=office_user)

    with django_capture_on_commit_callbacks(execute=True):
        cycle_transition(
            cycle=cycle_2026, action="publish", actor=office_user, override_reason="测试：提前发布"
        )
        assert mail.outbox == []

    rsj_notice = rsj_reporter.notifications.get()
    zgh_notice = zgh_reporter.notifications.get()
    assert (rsj_notice.kind, rsj_notice.title) == (NoticeKind.PUBLISHED, "2026年度考核结果已发布")
    assert rsj_notice.body == "区人社局各项任务的得分与评语现已可查看。"
    assert zgh_notice.body == "区总工会各项任务的得分与评语现已可查看。"
    assert rsj_notice.url == "/tasks/"
    assert _kinds(office_user) == []
    assert _mail_to() == [
        "rsj@fengtai.gov.cn",
        "rsj_sh@fengtai.gov.cn",
        "zgh@fengtai.gov.cn",
    ]


def test_a_change_that_rolls_back_sends_no_mail_and_leaves_no_notice(
    django_capture_on_commit_callbacks, people, unit_slot, rsj_reporter, rsj_approver, office_user
):
    slot = unit_slot("rsj", NUMBER)
    slot_submit_with_pdf(slot, rsj_reporter)
    submission_forward(slot=slot, actor=rsj_approver)
    Notification.objects.all().delete()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submission_approve(slot=slot, actor=office_user)
        raise RuntimeError("a later step of the same request failed")

    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()
