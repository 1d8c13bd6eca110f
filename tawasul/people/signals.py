"""Signals of the registry for the apps built on it."""

from django.dispatch import Signal

# Sent with `person_ids` when persons' PersonMatchKey rows have been rewritten, inside the
# transaction that changed them (duplicates.refresh_match_keys). The cases app keeps its
# cases' name keys (cases.name_keys) from it.
match_keys_refreshed = Signal()
