"""The audit trail as people read it: status labels, Beijing time, `字段：旧值 → 新值` lines.

One place for the admin's 操作记录 (lists, detail pages, inlines) and the cycle page timeline,
so no page shows a status code, a raw JSON blob or "None".
"""

from common.formats import iso_datetime_text
from scoring.cycles.selectors import cycle_event_summary, status_label
from scoring.models import CycleEvent, EventAction, SlotStatus, SubmissionEvent

EMPTY = "—"


def slot_status_label(value: str) -> str:
    if not value:
        return EMPTY
    return SlotStatus(value).label if value in SlotStatus.values else value


def cycle_status_label(value: str) -> str:
    return status_label(value) if value else EMPTY


def _shown(value) -> str:
    if value is None or value == "":
        return EMPTY
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def _score_basis(inputs: dict) -> str:
    if inputs.get("grade"):
        return f"档次 {inputs['grade']}"
    if inputs.get("direct") is not None:
        return f"直接打分 {inputs['direct']}"
    rows = inputs.get("deductions") or []
    if rows:
        return "扣分 " + "；".join(f"{r}（−{a}）" for r, a in rows)
    return "扣分 无" if inputs.get("method") == "deduct" else EMPTY


def _correction_line(data: dict) -> list[str]:
    if not data.get("correction"):
        return []
    return [f"更正：第 {data.get('after_publication')} 次发布后的修改"]


def slot_event_lines(event: SubmissionEvent) -> list[str]:
    data = event.data or {}
    lines = _correction_line(data)
    old, new = data.get("old") or {}, data.get("new") or {}
    if event.action == EventAction.SCORED:
        was = "不适用" if old.get("not_applicable") else _shown(old.get("score"))
        lines.append(f"得分：{was} → {_shown(new.get('score'))}")
        if data.get("inputs"):
            lines.append(f"评分依据：{_score_basis(data['inputs'])}")
    elif event.action == EventAction.MARKED_NA:
        lines.append(f"得分：{_shown(old.get('score'))} → 不适用")
    elif event.action == EventAction.DEADLINE_EXTENDED:
        was = iso_datetime_text(data.get("from")) if data.get("from") else "未延期"
        lines.append(f"延期至：{was} → {iso_datetime_text(data.get('to'))}")
    elif data.get("file"):
        lines.append(f"材料：{data['file']}")
    return lines


def cycle_event_lines(event: CycleEvent) -> list[str]:
    summary = cycle_event_summary(event)
    lines = [part for part in summary.split("；") if part] if summary else []
    if event.from_status or event.to_status:
        lines[0:1] = [f"状态：{lines[0]}"] if lines else []
    return lines


def event_lines(event) -> list[str]:
    """`字段：旧值 → 新值` lines for a slot or cycle event (nothing for an event without details)."""
    if isinstance(event, CycleEvent):
        return cycle_event_lines(event)
    return slot_event_lines(event)
