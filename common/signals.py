"""Signals by which a lower layer tells a higher one that something changed.

Dependencies point one way (common ← units ← indicators ← scoring ← reports): the catalogue
and the units never import scoring, so when the office edits them they send a signal and
scoring, which listens, brings its open cycles in step.
"""

from django.dispatch import Signal

# Sent after units, indicators or responsibilities were written in the admin (form, inline,
# delete or Excel import). Arguments: actor (the user who made the change).
catalogue_changed = Signal()

# Sent when a lower layer hands a user a workbook (the catalogue export). reports listens and
# writes the export log. Arguments: kind (an ExportKind value), user, ip.
export_made = Signal()
