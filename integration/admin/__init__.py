"""Screens for finance staff: connections, reference data, mappings, setup check, call log,
export runs and jobs, payment imports."""

from integration.admin import (  # noqa: F401
    calls,
    connections,
    exports,
    mappings,
    payments,
    reference,
)
