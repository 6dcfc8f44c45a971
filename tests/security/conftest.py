"""What every hostile-input test checks afterwards: nothing changed."""

import pytest
from django.apps import apps


def database_state() -> dict[str, int]:
    """The row count of every model, and of every audit and file row by kind.

    A refused request must leave all of them as they were. Sessions and the login record
    (django-axes) change with logging in, which is not a change of the data.
    """
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.label not in NOT_DATA
    }


NOT_DATA = {"sessions.Session", "axes.AccessLog"}


# Tables that record requests rather than hold the data a request may change.
RECORDS_OF_REQUESTS = ("audit.SecurityEvent",)


@pytest.fixture
def unchanged():
    """unchanged() -> a check; calling the check asserts no table gained or lost a row.

    The security audit log is left out: it records the refused request itself (and the log-in
    the test makes), which is what it is for, not a change the hostile input made.
    """

    def snapshot():
        before = database_state()

        def check(*, allow: tuple[str, ...] = ()):
            after = database_state()
            changed = {
                label: (before[label], after[label])
                for label in before
                if before[label] != after[label] and label not in (*allow, *RECORDS_OF_REQUESTS)
            }
            assert changed == {}

        return check

    return snapshot
