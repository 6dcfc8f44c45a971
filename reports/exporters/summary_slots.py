"""明细 and 填报数据: one row per submission, and one per figure a unit reported.

Both are data sheets rather than print layouts: no merged cells, a filter on the header row.
"""

from __future__ import annotations

from collections.abc import Iterator

from reports.exporters import reads
from reports.exporters.base import Column
from reports.exporters.context import SummarySheet, slot_score, user_display
from reports.exporters.styles import CENTER, DATETIME, INTEGER, NUMBER, PERCENT, POINTS
from scoring.submissions.figures import (
    cycle_draft_values,
    cycle_figure_fields,
    cycle_previous_values,
    figure_rows_from,
    stored_values,
)


class DetailSheet(SummarySheet):
    name = "summary_detail"
    sheet_title = "明细"
    columns = (
        Column("序号", 6, CENTER),
        Column("三级指标", 24),
        Column("责任单位", 14),
        Column("牵头/配合", 8, CENTER),
        Column("状态", 12, CENTER),
        Column("版本", 6, INTEGER),
        Column("提交时间", 17, DATETIME),
        Column("审核人", 14),
        Column("得分", 8, POINTS),
        Column("评语", 36),
        Column("佐证材料", 36),
    )
    auto_filter = True

    def rows(self) -> Iterator[list]:
        cycle = self.context.cycle
        submitted = reads.submitted_at(cycle)
        approved_by = reads.approvers(cycle)
        users = reads.reviewers(cycle)
        files = reads.current_files(cycle)
        for slot in self.context.table_order:
            item = self.context.items[slot.indicator_id]
            # The approver, and the scorer when someone else scored.
            reviewers = dict.fromkeys(
                name
                for name in (
                    user_display(users.get(approved_by.get(slot.pk))),
                    user_display(users.get(slot.scored_by_id)),
                )
                if name
            )
            yield [
                item.number,
                item.name,
                slot.unit.name,
                slot.role_label,
                slot.get_status_display(),
                slot.current_version or None,
                submitted.get(slot.pk),
                "、".join(reviewers),
                slot_score(slot),
                slot.score_comment,
                "\n".join(files.get(slot.pk, ())),
            ]


class FigureSheet(SummarySheet):
    name = "summary_figures"
    sheet_title = "填报数据"
    columns = (
        Column("序号", 6, CENTER),
        Column("三级指标", 22),
        Column("责任单位", 14),
        Column("数据项", 24),
        Column("计量单位", 8, CENTER),
        Column("本年数值", 12, NUMBER),
        Column("上年数值", 12, NUMBER),
        Column("同比增长", 10, PERCENT),
        Column("来源", 10, CENTER),
    )
    auto_filter = True

    def rows(self) -> Iterator[list]:
        """Submitted figures (the current version), or the draft's before a first submit,
        beside the same unit's values of last cycle, as figure_rows gives them."""
        cycle = self.context.cycle
        fields = cycle_figure_fields(cycle.pk)
        if not fields:
            return
        versions = reads.current_figures(cycle, fields)
        drafts = cycle_draft_values(cycle.pk)
        previous = cycle_previous_values(cycle, fields)
        # Slots of indicators with figure fields that hold a submitted version or a draft's values.
        slots = (
            s
            for s in self.context.table_order
            if s.indicator_id in fields and (s.current_version > 0 or s.pk in drafts)
        )
        for slot in slots:
            item = self.context.items[slot.indicator_id]
            version = versions.get(slot.pk)
            values = stored_values(version[1]) if version else drafts.get(slot.pk, {})
            figures = figure_rows_from(
                fields[slot.indicator_id],
                values,
                previous.get((slot.indicator_id, slot.unit_id), {}),
            )
            if all(f.value is None for f in figures):
                continue
            source = f"第 {version[0]} 版" if version else "草稿"
            for figure in figures:
                growth = figure.growth
                yield [
                    item.number,
                    item.name,
                    slot.unit.name,
                    figure.field.label,
                    figure.field.measure,
                    figure.value,
                    figure.previous,
                    None if growth is None else growth / 100,
                    source,
                ]
