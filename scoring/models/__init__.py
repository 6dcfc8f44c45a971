from .cycle import Cycle, CycleDesignation, CycleStatus
from .events import EventAction, SubmissionEvent
from .evidence import EvidenceFile
from .figures import FigureField, FigureKind, FigureTemplate, FigureValue
from .slot import (
    Slot,
    SlotGroupObjectPermission,
    SlotStatus,
    SlotUserObjectPermission,
    SubmissionVersion,
)

__all__ = [
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
