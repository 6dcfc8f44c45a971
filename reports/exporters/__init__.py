"""Excel exporters: small classes declaring a sheet, rendered by one base (see base.py)."""

from reports.exporters.base import Column, Exporter, Formula, Row, XlsxFile, render_workbook
from reports.exporters.summary import (
    SUMMARY_SHEETS,
    summary_allowed,
    summary_filename,
    summary_workbook,
)

__all__ = [
    "SUMMARY_SHEETS",
    "Column",
    "Exporter",
    "Formula",
    "Row",
    "XlsxFile",
    "render_workbook",
    "summary_allowed",
    "summary_filename",
    "summary_workbook",
]
