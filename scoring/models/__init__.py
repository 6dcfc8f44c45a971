from .cycle import Cycle, CycleDesignation, CycleStatus
from .events import EventAction, SubmissionEvent
from .evidence import EvidenceFile
from .figures import FigureField, FigureKind, FigureTemplate, FigureValue
from .notifications import NoticeKind, Notification
from .scheme import (
    Adjustment,
    AdjustmentKind,
    CycleAction,
    CycleEvent,
    CycleIndicator,
    GradeLevel,
    ScoringMethod,
)
from .slot import (
    Slot,
    SlotGroupObjectPermission,
    SlotStatus,
    SlotUserObjectPermission,
    SubmissionVersion,
)

__all__ = [
    "Adjustment",
    "AdjustmentKind",
    "CycleAction",
    "CycleEvent",
    "CycleIndicator",
    "GradeLevel",
    "NoticeKind",
    "Notification",
    "ScoringMethod",
    "Cycle",
    "CycleDesignation",
    "CycleStatus",
    "EventAction",
    "EvidenceFile",
    "FigureField",
    "FigureKind",
    "FigureTemplate",
    "FigureValue",
    "Slot",
    "SlotGroupObjectPermission",
    "SlotStatus",
    "SlotUserObjectPermission",
    "SubmissionEvent",
    "SubmissionVersion",
]
