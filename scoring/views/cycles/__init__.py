"""The office's cycle pages: cycles, transitions, the scheme and its Excel round trip, the
comparison with the previous cycle, and results with overrides, bonuses and vetoes.

Only the office (区产改办) reaches these pages; leadership may read the results and the
comparison. Everyone else gets a 404, and so does leadership on every POST.
"""

from .compare import cycle_compare
from .pages import (
    cycle_create,
    cycle_dates,
    cycle_detail,
    cycle_extend,
    cycle_list,
    cycle_transition,
)
from .results import cycle_adjustment, cycle_override, cycle_results
from .scheme import (
    cycle_grade_levels,
    cycle_scheme,
    cycle_scheme_export,
    cycle_scheme_import,
    cycle_scheme_import_confirm,
    cycle_settings,
)

__all__ = [
    "cycle_adjustment",
    "cycle_compare",
    "cycle_create",
    "cycle_dates",
    "cycle_detail",
    "cycle_extend",
    "cycle_grade_levels",
    "cycle_list",
    "cycle_override",
    "cycle_results",
    "cycle_scheme",
    "cycle_scheme_export",
    "cycle_scheme_import",
    "cycle_scheme_import_confirm",
    "cycle_settings",
    "cycle_transition",
]
