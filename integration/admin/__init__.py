"""Screens for finance staff: connections, reference data, mappings, setup check, call log,
export runs and jobs."""

from integration.admin import calls, connections, exports, mappings, reference  # noqa: F401
