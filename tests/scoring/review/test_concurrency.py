"""Two reviewers decide the same submission at the same moment (PostgreSQL only).

The row lock in the services serialises them: the first decision wins, the second is told in
Chinese that the submission changed, and the audit trail holds exactly one decision.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from common.errors import DomainError
from scoring.models import EventAction, Slot, SlotStatus, SubmissionEvent
from scoring.review.services import ConcurrentChange, submission_approve, submission_return
from tests.scoring.support import open_cycle_create
from units.roles import Role

from .conftest import submitted

RUNS = 5

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks (select_for_update is a no-op there)",
)


@pytest.fixture(scope="module", autouse=True)
def _catalogue_after_flush(django_db_blocker):
    """The transactional test flushes the database, catalogue included: put it back for any
    test that runs later in the session."""
    yield
    with django_db_blocker.unblock():
        call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_approve_and_return_at_the_same_moment(make_user):
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    reporter = make_user("rsj", unit="rsj", roles={Role.REPORTER})
    first = make_user("office1", roles={Role.OFFICE})
    second = make_user("office2", roles={Role.OFFICE})
    cycle = open_cycle_create()
    # Several rounds on several slots: a race that passes once by luck rarely passes five times.
    slots = [submitted(cycle, number, "rsj", reporter) for number in (63, 44, 73, 74, 68)[:RUNS]]

    for slot in slots:
        barrier = threading.Barrier(2, timeout=30)
        outcomes: dict[str, object] = {}

        def decide(name, action, slot=slot, barrier=barrier, outcomes=outcomes):
            try:
                stale = Slot.objects.get(pk=slot.pk)  # each reviewer's own copy, 待审核
                barrier.wait()
                if action == "approve":
                    submission_approve(
                        slot=stale,
                        actor=first,
                        expected_status=SlotStatus.SUBMITTED,
                        expected_version=1,
                        ip="10.0.0.1",
                    )
                else:
                    submission_return(
                        slot=stale,
                        actor=second,
                        reason="请补充材料。",
                        expected_status=SlotStatus.SUBMITTED,
                        expected_version=1,
                        ip="10.0.0.2",
                    )
                outcomes[name] = "ok"
            except DomainError as exc:
                outcomes[name] = exc
            except Exception as exc:  # noqa: BLE001 - reported by the assertions below
                outcomes[name] = exc
            finally:
                connection.close()

        threads = [
            threading.Thread(target=decide, args=("approve", "approve")),
            threading.Thread(target=decide, args=("return", "return")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not any(t.is_alive() for t in threads), "a reviewer is still waiting"

        winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
        losers = [outcome for outcome in outcomes.values() if outcome != "ok"]
        assert len(winners) == 1, outcomes
        [error] = losers
        assert isinstance(error, ConcurrentChange | DomainError), repr(error)
        assert "该提交已被他人处理或已更新" in error.message
        winner = winners[0]
        slot.refresh_from_db()
        expected = SlotStatus.APPROVED if winner == "approve" else SlotStatus.RETURNED
        assert slot.status == expected
        assert expected.label in error.message
        decisions = SubmissionEvent.objects.filter(
            slot=slot, action__in=[EventAction.APPROVED, EventAction.RETURNED]
        )
        assert decisions.count() == 1
        assert decisions.get().action == (
            EventAction.APPROVED if winner == "approve" else EventAction.RETURNED
        )
