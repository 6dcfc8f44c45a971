"""Reads for the office's review: the queue with its filters, and a slot's neighbours in it."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString

from indicators.models import Level2
from scoring.access import slots_visible_to
from scoring.calculations import CENT
from scoring.models import (
    Cycle,
    CycleIndicator,
    EventAction,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.results import figures
from scoring.results.figures import slot_is_overdue
from scoring.review.diff import text_diff_html
from scoring.review.forms import ALL_STATUSES, QueueFilterForm, default_status, queue_filter_form

# A slot waits for the office from its latest submit (no unit approver) or sign-off (approver).
WAITING_SINCE = (EventAction.SUBMITTED, EventAction.FORWARDED)


@dataclass
class Queue:
    """The filters as applied: the cycle, the status ("all" for any) and the rest as a Q."""

    form: QueueFilterForm
    cycle: Cycle | None
    status: str
    others: Q
    overdue: bool
    query: str  # the canonical query string, carried to the review page and back

    def status_q(self) -> Q:
        return Q() if self.status == ALL_STATUSES else Q(status=self.status)

    def query_with(self, **changes) -> str:
        params = QueryDict(self.query, mutable=True)
        for key, value in changes.items():
            params.pop(key, None)
            if value not in (None, ""):
                params[key] = value
        return params.urlencode()


def queue_from_params(params: QueryDict, *, default_cycle: Cycle | None) -> Queue:
    form = queue_filter_form(params, default_cycle=default_cycle)
    form.is_valid()  # an invalid filter is dropped, the others still apply
    data = form.cleaned_data
    cycle = data.get("cycle") or default_cycle
    overdue = bool(data.get("overdue"))
    status = data.get("status") or default_status(overdue=overdue)
    others = Q()
    query = {"cycle": cycle.pk if cycle else "", "status": status}
    if data.get("unit"):
        others &= Q(unit=data["unit"])
        query["unit"] = data["unit"].pk
    if data.get("level1"):
        others &= Q(indicator__level2__level1=data["level1"])
        query["level1"] = data["level1"].pk
    if data.get("level2"):
        others &= Q(indicator__level2=data["level2"])
        query["level2"] = data["level2"].pk
    if overdue:
        others &= figures.overdue_q(timezone.now())
        query["overdue"] = "1"
    return Queue(
        form=form,
        cycle=cycle,
        status=status,
        others=others,
        overdue=overdue,
        query=urlencode({k: v for k, v in query.items() if v != ""}),
    )


def queue_slots(user, cycle: Cycle) -> QuerySet[Slot]:
    """The cycle's slots annotated for the queue, oldest wait first (never-submitted last)."""
    waiting_since = (
        SubmissionEvent.objects.filter(slot=OuterRef("pk"), action__in=WAITING_SINCE)
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    points = CycleIndicator.objects.filter(
        cycle_id=OuterRef("cycle_id"), indicator_id=OuterRef("indicator_id")
    ).values("points")[:1]
    return (
        slots_visible_to(user)
        .filter(cycle=cycle)
        .annotate(
            waiting_since=Subquery(waiting_since),
            points=Subquery(points),
            deadline_at=figures.effective_deadline_expression(),
        )
        .order_by(
            F("waiting_since").asc(nulls_last=True),
            "indicator__number",
            "unit__display_order",
            "pk",
        )
    )


def queue_neighbours(user, slot: Slot, queue: Queue) -> tuple[int | None, int | None, int]:
    """(position of the slot in the queue or None, the next slot's pk, queue length).

    The slot keeps its place in the ordering even after it has left the filter (approved a
    moment ago), so 下一项 continues from where the reviewer is.
    """
    if queue.cycle is None:
        return None, None, 0
    listed = queue.status_q() & queue.others
    rows = list(
        queue_slots(user, queue.cycle)
        .filter(listed | Q(pk=slot.pk))
        .annotate(listed=ExpressionWrapper(listed, output_field=BooleanField()))
        .values_list("pk", "listed")
    )
    pks = [pk for pk, _ in rows]
    size = sum(1 for _, is_listed in rows if is_listed)
    if slot.pk not in pks:
        return None, (pks[0] if pks else None), size
    index = pks.index(slot.pk)
    position = index + 1 if rows[index][1] else None
    return position, (pks[index + 1] if index + 1 < len(pks) else None), size


def queue_status_counts(slots: QuerySet[Slot]) -> dict[str, int]:
    """How many of the queue's slots are in each status (statuses with none are left out)."""
    return {
        row["status"]: row["n"] for row in slots.order_by().values("status").annotate(n=Count("pk"))
    }


# What one row of the queue's table reads, fetched as values(): no model instances, no long
# texts (工作情况说明, 指标内涵) carried for the fifty rows of a page.
QUEUE_ROW_FIELDS = (
    "pk",
    "status",
    "is_lead",
    "current_version",
    "self_score",
    "score",
    "not_applicable",
    "returned_by_office",
    "waiting_since",
    "points",
    "deadline_at",
    "indicator__number",
    "indicator__name",
    "indicator__level2__number",
    "indicator__level2__name",
    "unit__name",
)


@dataclass
class QueueRow:
    """One slot as the queue lists it, with the attributes figures.slot_is_overdue reads."""

    pk: int
    status: str
    is_lead: bool
    current_version: int
    self_score: Decimal | None
    score: Decimal | None
    not_applicable: bool
    returned_by_office: bool
    waiting_since: datetime | None
    points: Decimal | None
    deadline_at: datetime
    number: int
    name: str
    level2_label: str
    unit_name: str
    is_overdue: bool = False

    def get_status_display(self) -> str:
        return SlotStatus(self.status).label


def queue_rows(slots: QuerySet[Slot], *, now: datetime) -> list[QueueRow]:
    """The rows of one page of queue_slots (annotated with waiting_since, points and
    deadline_at), each with its 逾期 (figures.slot_is_overdue) and its points at 0.01."""
    rows = []
    for v in slots.values(*QUEUE_ROW_FIELDS):
        row = QueueRow(
            pk=v["pk"],
            status=v["status"],
            is_lead=v["is_lead"],
            current_version=v["current_version"],
            self_score=v["self_score"],
            score=v["score"],
            not_applicable=v["not_applicable"],
            returned_by_office=v["returned_by_office"],
            waiting_since=v["waiting_since"],
            # SQLite returns a subquery's decimal unquantized (1.18000000000000).
            points=None if v["points"] is None else v["points"].quantize(CENT),
            deadline_at=v["deadline_at"],
            number=v["indicator__number"],
            name=v["indicator__name"],
            # The label as the model writes it: （一）顶层设计.
            level2_label=Level2(
                number=v["indicator__level2__number"], name=v["indicator__level2__name"]
            ).label,
            unit_name=v["unit__name"],
        )
        row.is_overdue = slot_is_overdue(row, now, deadline=row.deadline_at)  # type: ignore[arg-type]
        rows.append(row)
    return rows


def review_versions(slot: Slot) -> list[SubmissionVersion]:
    """The slot's versions, newest first, for their texts and dates (the review page lists
    the current version's files only, read on their own)."""
    return list(slot.versions.select_related("submitted_by").order_by("-number"))


@dataclass
class VersionView:
    version: SubmissionVersion
    previous: SubmissionVersion | None
    diff: SafeString | None
    changed: bool


def version_views(versions: list[SubmissionVersion]) -> list[VersionView]:
    """Newest first, each with its text compared to the version before it."""
    by_number = {v.number: v for v in versions}
    views = []
    for version in versions:
        previous = by_number.get(version.number - 1)
        diff = text_diff_html(previous.text, version.text) if previous else None
        views.append(
            VersionView(
                version=version,
                previous=previous,
                diff=diff,
                changed=previous is not None and previous.text != version.text,
            )
        )
    return views
