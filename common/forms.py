"""Form helpers shared by every page."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def form_error_lines(form: forms.BaseForm) -> list[str]:
    """A bound form's errors as lines for django.contrib.messages, each line once."""
    return list(dict.fromkeys(str(e) for errors in form.errors.values() for e in errors))


def form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """Show a refused form's errors as messages (the page redirects and shows them)."""
    for line in form_error_lines(form):
        messages.error(request, line)


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html in Python (True: the bare name; False: left out)."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A Select written in Python: the same HTML as Django's select.html, without a template
    include per option (a unit select has one option per unit, 212 at city scale, and drawing
    them through templates cost more than the rest of the page).
    tests/scoring/review/test_queue_form.py holds the two renderings equal."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>'
        ]
        for group_name, group_choices, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs_html(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
