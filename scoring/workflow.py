"""The one table of allowed slot transitions."""

from .errors import DomainError
from .models import SlotStatus

S = SlotStatus

# action -> (statuses it may start from, human name used in error messages)
ALLOWED: dict[str, tuple[frozenset[str], str]] = {
    "save": (frozenset({S.NOT_STARTED, S.DRAFT, S.RETURNED}), "保存"),
    "submit": (frozenset({S.NOT_STARTED, S.DRAFT, S.RETURNED}), "提交"),
    "forward": (frozenset({S.PENDING_APPROVAL}), "单位审核通过"),
    "unit_return": (frozenset({S.PENDING_APPROVAL}), "单位审核退回"),
    "return": (frozenset({S.SUBMITTED}), "退回修改"),
    "approve": (frozenset({S.SUBMITTED}), "审核通过"),
}


def check_allowed(action: str, status: str) -> str | None:
    """None when `action` may start from `status`, else a message a user can read."""
    sources, name = ALLOWED[action]
    if status in sources:
        return None
    return f"当前状态为“{SlotStatus(status).label}”，不能{name}。"


def ensure_allowed(action: str, status: str) -> None:
    """Raise DomainError with a readable message unless `action` may start from `status`."""
    message = check_allowed(action, status)
    if message:
        raise DomainError(message)
