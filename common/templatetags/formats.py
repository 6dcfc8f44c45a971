"""The formats of common.formats as template filters: {% load formats %} {{ value|num }}."""

from django import template

from common import formats

register = template.Library()

register.filter("num", formats.num)
register.filter("pct", formats.pct)
register.filter("datetime_text", formats.datetime_text)
register.filter("timestamp_text", formats.timestamp_text)
