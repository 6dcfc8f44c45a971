"""What every cycle page shares: the access check, number formatting, the 一级/二级 tree."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404

from units.permissions import user_is_office, user_reads_everything

from ...models import Cycle, CycleStatus, ScoringMethod

NOT_FOUND = "未找到该考核周期，或您无权访问。"


# --- access -----------------------------------------------------------------------------------


def require_office(request) -> None:
    if not user_is_office(request.user):
        raise Http404(NOT_FOUND)


def office_cycle(request, pk: int) -> Cycle:
    """A cycle for the office's pages and every change: the office only, else 404."""
    require_office(request)
    return get_object_or_404(Cycle.objects.select_related("previous"), pk=pk)


def reader_cycle(request, pk: int) -> Cycle:
    """A cycle whose results and comparison may be read: the office and leadership."""
    if not user_reads_everything(request.user):
        raise Http404(NOT_FOUND)
    return get_object_or_404(Cycle.objects.select_related("previous"), pk=pk)


def form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# --- formatting -------------------------------------------------------------------------------


def num(value) -> str:
    """Decimal("5.00") → "5", "2.50" → "2.5"; None → "—"."""
    if value is None:
        return "—"
    return format(Decimal(value).normalize(), "f")


def pct(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate * 100:.2f}%"


def status_label(value: str) -> str:
    return CycleStatus(value).label if value in CycleStatus.values else value


def method_label(value: str) -> str:
    return ScoringMethod(value).label if value in ScoringMethod.values else value


# --- grouping by 一级 / 二级 ------------------------------------------------------------------


@dataclass
class Branch:
    number: int
    label: str
    total: object
    rows: list = field(default_factory=list)


@dataclass
class Trunk:
    number: int
    label: str
    total: object
    branches: list[Branch] = field(default_factory=list)


def tree(rows, item_of, level1_totals, level2_totals) -> list[Trunk]:
    """Rows (in table order) under their 一级 and 二级, each with its total."""
    tree: list[Trunk] = []
    for row in rows:
        item = item_of(row)
        if not tree or tree[-1].number != item.level1_number:
            tree.append(
                Trunk(item.level1_number, item.level1_label, level1_totals[item.level1_number])
            )
        branches = tree[-1].branches
        if not branches or branches[-1].number != item.level2_number:
            branches.append(
                Branch(item.level2_number, item.level2_label, level2_totals[item.level2_number])
            )
        branches[-1].rows.append(row)
    return tree
