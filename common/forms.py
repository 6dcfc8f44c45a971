"""Form helpers shared by every page."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest


def form_error_lines(form: forms.BaseForm) -> list[str]:
    """A bound form's errors as lines for django.contrib.messages, each line once."""
    return list(dict.fromkeys(str(e) for errors in form.errors.values() for e in errors))


def form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """Show a refused form's errors as messages (the page redirects and shows them)."""
    for line in form_error_lines(form):
        messages.error(request, line)
