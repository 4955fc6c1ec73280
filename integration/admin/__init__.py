"""Screens for finance staff: connections, reference data, mappings, setup check, call log."""

from integration.admin import calls, connections, mappings, reference  # noqa: F401
