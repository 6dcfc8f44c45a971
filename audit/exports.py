"""The auditors' workbook of the security audit log.

The log sits below reports, so it cannot use reports' exporter base; it writes with openpyxl
and common.xlsx, whose cell_value escapes every user string against formula injection.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook

from audit.models import SecurityEvent
from common import xlsx

COLUMNS = [
    ("时间", 26),
    ("操作人", 16),
    ("单位", 18),
    ("操作", 16),
    ("结果", 8),
    ("对象类型", 18),
    ("对象编号", 10),
    ("对象", 30),
    ("原值", 30),
    ("新值", 30),
    ("详情", 40),
    ("IP 地址", 16),
    ("浏览器标识", 40),
]


def _json(value) -> str:
    if value in (None, {}, []):
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def event_row(event: SecurityEvent) -> list:
    return [
        timezone.localtime(event.at).isoformat(timespec="seconds"),
        event.actor_username,
        event.unit_name,
        event.get_action_display(),
        event.get_outcome_display(),
        event.object_type,
        event.object_id,
        event.object_repr,
        _json(event.before),
        _json(event.after),
        _json(event.detail),
        event.ip_address or "",
        event.user_agent,
    ]


def events_workbook(events: Iterable[SecurityEvent]) -> Workbook:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("安全审计记录")
    for index, (_, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    ws.freeze_panes = "A2"
    ws.append([header for header, _ in COLUMNS])
    for event in events:
        ws.append([xlsx.cell_value(value) for value in event_row(event)])
    return wb
