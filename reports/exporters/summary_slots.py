"""明细 and 填报数据: one row per submission, and one per figure a unit reported.

Both are data sheets rather than print layouts: no merged cells, a filter on the header row.
"""

from __future__ import annotations

from collections.abc import Iterator

from reports.exporters import reads
from reports.exporters.base import Column
from reports.exporters.context import SummarySheet, slot_score, user_display
from reports.exporters.styles import CENTER, DATETIME, INTEGER, NUMBER, PERCENT, POINTS
from scoring.submissions.figures import figure_rows


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
        for chunk in reads.slot_chunks(cycle, reads.cycle_slots_in_table_order(cycle)):
            ids = [slot.pk for slot in chunk]
            versions = reads.current_versions(ids)
            approved_by = reads.approvers(ids)
            files = reads.current_files(ids)
            for slot in chunk:
                item = self.context.items[slot.indicator_id]
                version = versions.get(slot.pk)
                # The approver, and the scorer when someone else scored.
                reviewers = dict.fromkeys(
                    name
                    for name in (
                        user_display(approved_by.get(slot.pk)),
                        user_display(slot.scored_by),
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
                    version.submitted_at if version else None,
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
        """Submitted figures (the current version), or the draft's before a first submit."""
        cycle = self.context.cycle
        for chunk in reads.slot_chunks(cycle, reads.cycle_slots_with_figures(cycle)):
            versions = reads.current_versions([slot.pk for slot in chunk])
            for slot in chunk:
                item = self.context.items[slot.indicator_id]
                version = versions.get(slot.pk)
                figures = figure_rows(slot=slot, version=version)
                if all(f.value is None for f in figures):
                    continue
                source = f"第 {version.number} 版" if version else "草稿"
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
