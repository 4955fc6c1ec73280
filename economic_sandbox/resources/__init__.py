"""The e-conomic resources the app mounts.

`ALL_ROUTERS` are product-API routers (authenticated, rate limited, faulted); `CONTROL_ROUTERS`
are mounted under the control prefix `/_sandbox` (no e-conomic auth, never faulted or limited).
A control route whose pattern holds `{agreementNumber:int}` gets `request.agreement` set and runs
under that agreement's lock. Add a module's router to the list to mount it.
"""
from __future__ import annotations

from economic_sandbox.resources import (
    accounting,
    booked,
    chart_control,
    customer_invoices,
    customers,
    invoices,
    journal_booking,
    journals,
    ledger_entries,
    payments,
    person_control,
    products,
    projects,
    reference,
    voucher_attachments,
)
from economic_sandbox.routing import Router

ALL_ROUTERS: list[Router] = [
    reference.router,
    accounting.router,
    customers.router,
    products.router,
    invoices.router,
    booked.router,
    journals.router,
    journal_booking.router,
    voucher_attachments.router,
    projects.router,
    customer_invoices.router,
    ledger_entries.router,
]
CONTROL_ROUTERS: list[Router] = [payments.router, chart_control.router, person_control.router]
