"""The audit trail of the ledger (django-auditlog): who changed which customer, invoice
(finalized, credited, corrected: each a change of its row) or payment, and when. The entries
are read-only in the admin; nothing in them can be applied back to a row, so an issued invoice
stays as it was issued."""

from __future__ import annotations

from auditlog.registry import auditlog

# Timestamps every save touches: a change of them alone is no change anyone made.
NOISE = ["updated_at", "created_at"]


def audit_register() -> None:
    from accounts_app.models import Customer, Invoice, InvoiceLine, Payment

    auditlog.register(Customer, exclude_fields=NOISE)
    auditlog.register(Invoice, exclude_fields=NOISE)
    auditlog.register(InvoiceLine, exclude_fields=NOISE)
    # Payments entered by hand; an import's are kept as synced payments and their changes.
    auditlog.register(Payment, exclude_fields=NOISE)
