from scoring.models.cycle import Cycle, CycleDesignation, CycleStatus
from scoring.models.events import EventAction, SubmissionEvent
from scoring.models.evidence import EvidenceFile
from scoring.models.figures import FigureField, FigureKind, FigureTemplate, FigureValue
from scoring.models.notifications import NoticeKind, Notification
from scoring.models.previews import EvidencePreview, PreviewStatus
from scoring.models.scheme import (
    Adjustment,
    AdjustmentKind,
    CycleAction,
    CycleEvent,
    CycleIndicator,
    GradeLevel,
    ScoringMethod,
)
from scoring.models.slot import (
    Slot,
    SlotGroupObjectPermission,
    SlotStatus,
    SlotUserObjectPermission,
    SubmissionVersion,
)
from scoring.models.summary import CycleFigureSlot, CycleSummary, CycleUnitSummary

__all__ = [
    "Adjustment",
    "AdjustmentKind",
    "CycleAction",
    "CycleEvent",
    "CycleIndicator",
    "GradeLevel",
    "NoticeKind",
    "PreviewStatus",
    "Notification",
    "ScoringMethod",
    "Cycle",
    "CycleDesignation",
    "CycleStatus",
    "CycleFigureSlot",
    "CycleSummary",
    "CycleUnitSummary",
    "EventAction",
    "EvidenceFile",
    "EvidencePreview",
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
