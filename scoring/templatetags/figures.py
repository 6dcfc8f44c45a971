"""Template access to the one definition of each figure (scoring.results.figures)."""

from django import template

from scoring.results.figures import DEFINITIONS

register = template.Library()


@register.filter
def figure_definition(name: str) -> str:
    """The Chinese definition of figure `name`; an unknown name is a programming error."""
    return DEFINITIONS[name]


@register.filter
def words(value: str) -> list[str]:
    return value.split()
