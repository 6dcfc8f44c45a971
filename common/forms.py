"""Form helpers shared by every page."""

from django.contrib import messages


def form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
