"""Reads of the indicator catalogue."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from indicators.models import Indicator, Level1, Level2, MemberScope, Responsibility
from units.models import Unit


@dataclass(frozen=True)
class ResponsibleUnit:
    unit: Unit
    is_lead: bool
    via_scope: bool  # True when the unit comes from 各成员单位 / 相关成员单位, not by name

    @property
    def role_label(self) -> str:
        return "牵头" if self.is_lead else "配合"


def expand_responsibility(
    *,
    named: Sequence[Unit],
    scope: str,
    members: Iterable[Unit] = (),
    designated: Iterable[Unit] = (),
) -> list[ResponsibleUnit]:
    """Turn a responsibility list into concrete units, in order, without duplicates.

    The first named unit leads and the other named units support. 各成员单位 adds every member
    unit not already named; 相关成员单位 adds the designated units. Units added by a scope support
    the named lead; where nobody is named (e.g. indicator 3, "各成员单位"), each member unit leads
    its own part, because no one else answers for it.
    """
    result: list[ResponsibleUnit] = []
    seen: set[int] = set()
    for position, unit in enumerate(named):
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        result.append(ResponsibleUnit(unit=unit, is_lead=position == 0, via_scope=False))
    extra: Iterable[Unit]
    if scope == MemberScope.ALL_MEMBERS:
        extra = members
    elif scope == MemberScope.DESIGNATED:
        extra = designated
    else:
        extra = ()
    scoped_lead = not named
    for unit in extra:
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        result.append(ResponsibleUnit(unit=unit, is_lead=scoped_lead, via_scope=True))
    return result


def member_units() -> list[Unit]:
    return list(Unit.objects.members().order_by("display_order", "id"))


def indicator_named_units(indicator: Indicator) -> list[Unit]:
    """Named units in list order; uses prefetched responsibilities when present."""
    return [r.unit for r in sorted(indicator.responsibilities.all(), key=lambda r: r.position)]


def indicator_responsible_units(
    *,
    indicator: Indicator,
    designated: Iterable[Unit] = (),
    members: Sequence[Unit] | None = None,
) -> list[ResponsibleUnit]:
    """Concrete units responsible for an indicator (pass `members` to avoid a query per call)."""
    return expand_responsibility(
        named=indicator_named_units(indicator),
        scope=indicator.member_scope,
        members=member_units() if members is None else members,
        designated=designated,
    )


def responsibility_text(indicator: Indicator) -> str:
    """The 责任单位 cell as the table writes it, e.g. 区发改委、各成员单位."""
    parts = [u.name for u in indicator_named_units(indicator)]
    if indicator.member_scope:
        parts.append(MemberScope(indicator.member_scope).label)
    return "、".join(parts)


def indicators_with_units() -> QuerySet[Indicator]:
    """Every 三级 indicator with its parents and named units, in table order (3 queries)."""
    return Indicator.objects.select_related("level2__level1").prefetch_related(
        Prefetch(
            "responsibilities",
            queryset=Responsibility.objects.select_related("unit").order_by("position"),
        )
    )


def catalogue_search(*, q: str = "", unit: Unit | None = None) -> QuerySet[Indicator]:
    """Indicators whose text matches `q` and for which `unit` is responsible.

    A unit is responsible by name, or through 各成员单位 when it is an active member unit.
    相关成员单位 depends on a cycle's designations, so here it matches no unit.
    """
    qs = indicators_with_units()
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(content__icontains=q)
            | Q(level2__name__icontains=q)
            | Q(level2__level1__name__icontains=q)
            | Q(responsibilities__unit__name__icontains=q)
        ).distinct()
    if unit is not None:
        by_scope = (
            Q(member_scope=MemberScope.ALL_MEMBERS) if unit.is_member and unit.is_active else Q()
        )
        qs = qs.filter(Q(responsibilities__unit=unit) | by_scope).distinct()
    return qs.order_by("number")


def scoped_units(*, indicator: Indicator, members: Sequence[Unit]) -> list[ResponsibleUnit]:
    """The units 各成员单位 adds to `indicator` (members not already named), in list order."""
    return [
        r for r in indicator_responsible_units(indicator=indicator, members=members) if r.via_scope
    ]


def indicator_with_units(number: int) -> Indicator | None:
    """One 三级 indicator with its named units (2 queries), or None."""
    return indicators_with_units().filter(number=number).first()


def catalogue_tree(
    indicators: Iterable[Indicator],
) -> list[tuple[Level1, list[tuple[Level2, list[Indicator]]]]]:
    """Group indicators (already in table order) under their 一级 and 二级 parents."""
    tree: list[tuple[Level1, list[tuple[Level2, list[Indicator]]]]] = []
    for indicator in indicators:
        level2 = indicator.level2
        level1 = level2.level1
        if not tree or tree[-1][0].pk != level1.pk:
            tree.append((level1, []))
        branches = tree[-1][1]
        if not branches or branches[-1][0].pk != level2.pk:
            branches.append((level2, []))
        branches[-1][1].append(indicator)
    return tree
