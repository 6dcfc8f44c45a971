"""Reads about a cycle's scheme: items in table order, totals, the 一级/二级 tree, comparison with
the previous cycle."""

from dataclasses import dataclass, field
from decimal import Decimal

from common.formats import num
from scoring.models import Cycle, CycleIndicator, FigureField, ScoringMethod, Slot


def scheme_items(cycle: Cycle) -> list[CycleIndicator]:
    return list(CycleIndicator.objects.filter(cycle=cycle).order_by("number"))


def scheme_row_for_slot(slot: Slot) -> CycleIndicator | None:
    """The slot's row of its cycle's scheme (分值, 评分方法), or None if the scheme lacks it."""
    return CycleIndicator.objects.filter(
        cycle_id=slot.cycle_id, indicator_id=slot.indicator_id
    ).first()


@dataclass
class Comparison:
    scheme: list = field(default_factory=list)  # (old item, new item) with points/method changed
    texts: list = field(default_factory=list)  # (item, [(label, old, new)])
    added: list = field(default_factory=list)  # items only in this cycle
    removed: list = field(default_factory=list)  # items only in the previous cycle
    level1: list = field(default_factory=list)  # (number, label, old, new, difference)
    total: tuple = ()
    settings: list = field(default_factory=list)  # (label, old, new)
    figures_added: list = field(default_factory=list)
    figures_removed: list = field(default_factory=list)
    figures_changed: list = field(default_factory=list)  # (field, [(label, old, new)])
    designations_added: list = field(default_factory=list)  # (number, unit name)
    designations_removed: list = field(default_factory=list)


TEXT_FIELDS = [("name", "三级指标"), ("content", "指标具体内涵"), ("responsibility", "责任单位")]


FIGURE_FIELDS = [
    ("label", "名称"),
    ("kind", "类型"),
    ("measure", "计量单位"),
    ("required", "必填"),
    ("numerator_code", "分子代码"),
    ("denominator_code", "分母代码"),
]


def _figure_value(spec: FigureField, name: str) -> str:
    if name == "kind":
        return spec.get_kind_display()
    if name == "required":
        return "是" if spec.required else "否"
    return getattr(spec, name) or "—"


def scheme_compare(cycle: Cycle, previous: Cycle) -> Comparison:
    result = Comparison()
    new_items = {i.indicator_id: i for i in scheme_items(cycle)}
    old_items = {i.indicator_id: i for i in scheme_items(previous)}
    for key, new in new_items.items():
        old = old_items.get(key)
        if old is None:
            result.added.append(new)
            continue
        if old.points != new.points or old.method != new.method:
            result.scheme.append((old, new))
        texts = [
            (label, getattr(old, name), getattr(new, name))
            for name, label in TEXT_FIELDS
            if getattr(old, name) != getattr(new, name)
        ]
        if texts:
            result.texts.append((new, texts))
    result.removed = [i for key, i in old_items.items() if key not in new_items]

    new_totals = scheme_totals(cycle, list(new_items.values()))
    old_totals = scheme_totals(previous, list(old_items.values()))
    labels = {i.level1_number: i.level1_label for i in old_items.values()}
    labels.update({i.level1_number: i.level1_label for i in new_items.values()})
    for number in sorted(labels):
        old_points = old_totals.level1.get(number, Decimal(0))
        new_points = new_totals.level1.get(number, Decimal(0))
        result.level1.append(
            (number, labels[number], old_points, new_points, new_points - old_points)
        )
    result.total = (old_totals.total, new_totals.total, new_totals.total - old_totals.total)

    settings: list[tuple[str, Decimal | str | None, Decimal | str | None]] = [
        ("总分", previous.total_points, cycle.total_points),
        ("加分上限", previous.bonus_cap, cycle.bonus_cap),
        ("牵头单位权重", previous.lead_weight, cycle.lead_weight),
        (
            "评分档次",
            "、".join(str(g) for g in previous.grade_levels.all()),
            "、".join(str(g) for g in cycle.grade_levels.all()),
        ),
    ]
    for label, old_value, new_value in settings:
        if old_value != new_value:
            shown = [
                v if isinstance(v, str) else ("未设置" if v is None else num(v))
                for v in (old_value, new_value)
            ]
            result.settings.append((label, *shown))

    def figures(c: Cycle) -> dict:
        return {
            (f.indicator_id, f.code): f
            for f in FigureField.objects.filter(cycle=c).select_related("indicator")
        }

    new_figures, old_figures = figures(cycle), figures(previous)
    result.figures_added = [f for k, f in new_figures.items() if k not in old_figures]
    result.figures_removed = [f for k, f in old_figures.items() if k not in new_figures]
    for key, new in new_figures.items():
        old = old_figures.get(key)
        if old is None:
            continue
        changes = [
            (label, _figure_value(old, name), _figure_value(new, name))
            for name, label in FIGURE_FIELDS
            if getattr(old, name) != getattr(new, name)
        ]
        if changes:
            result.figures_changed.append((new, changes))
    for lst in (result.figures_added, result.figures_removed):
        lst.sort(key=lambda f: (f.indicator.number, f.order, f.code))
    result.figures_changed.sort(key=lambda pair: (pair[0].indicator.number, pair[0].order))

    def designations(c: Cycle) -> dict:
        return {
            (d.indicator_id, d.unit_id): (d.indicator.number, d.unit.name)
            for d in c.designations.select_related("indicator", "unit")
        }

    new_designations, old_designations = designations(cycle), designations(previous)
    result.designations_added = sorted(
        v for k, v in new_designations.items() if k not in old_designations
    )
    result.designations_removed = sorted(
        v for k, v in old_designations.items() if k not in new_designations
    )
    return result


def method_label(value: str) -> str:
    return ScoringMethod(value).label if value in ScoringMethod.values else value


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


@dataclass
class SchemeTotals:
    level2: dict[int, Decimal]
    level1: dict[int, Decimal]
    total: Decimal
    expected: Decimal

    @property
    def balanced(self) -> bool:
        return self.total == self.expected


def scheme_totals(cycle: Cycle, items: list[CycleIndicator] | None = None) -> SchemeTotals:
    items = items if items is not None else list(CycleIndicator.objects.filter(cycle=cycle))
    level2: dict[int, Decimal] = {}
    level1: dict[int, Decimal] = {}
    for item in items:
        level2[item.level2_number] = level2.get(item.level2_number, Decimal(0)) + item.points
        level1[item.level1_number] = level1.get(item.level1_number, Decimal(0)) + item.points
    return SchemeTotals(
        level2=level2,
        level1=level1,
        total=sum((i.points for i in items), Decimal(0)),
        expected=cycle.total_points,
    )
