"""Signals of the gis app for other apps to follow, without gis knowing them."""

from django.dispatch import Signal

# Sent after a write that bypasses model signals (bulk SQL of imports, a municipality reassignment) and may change
# what the public sees of records; ``sender`` is the module that wrote. The page cache (content.signals) listens.
public_data_changed = Signal()
