"""Driving the admin as the browser does: action posts and the messages they leave."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

SLOTS = reverse("admin:scoring_slot_changelist")


def slot_change_url(slot) -> str:
    return reverse("admin:scoring_slot_change", args=[slot.pk])


def score_url(slot) -> str:
    return reverse("admin:scoring_slot_score", args=[slot.pk])


def na_url(slot) -> str:
    return reverse("admin:scoring_slot_not_applicable", args=[slot.pk])


def action_choose(client, action: str, slots, url: str = SLOTS):
    """Pick an action on the change list with these rows ticked (the first POST)."""
    return client.post(
        url, {"action": action, "index": "0", ACTION_CHECKBOX_NAME: [s.pk for s in slots]}
    )


def action_apply(client, action: str, slots, url: str = SLOTS, **data):
    """Confirm an action's intermediate form (the second POST)."""
    return client.post(
        url,
        {"action": action, "apply": "1", ACTION_CHECKBOX_NAME: [s.pk for s in slots], **data},
    )


def messages_of(response) -> list[tuple[str, str]]:
    """[(level tag, text)] the request left for the next page."""
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def seen(slot) -> dict[str, str]:
    """The hidden page state a form drawn now for `slot` carries (the stale-page check)."""
    slot.refresh_from_db()
    return {"expected_status": slot.status, "expected_version": str(slot.current_version or 0)}
