"""The local sales ledger.

Reference data (VatCode, PaymentCondition, SalesAccount, ServiceType) describes how to invoice;
Customer and Project say whom; Invoice and InvoiceLine hold the documents and Payment what came
in; LedgerImport keeps a spreadsheet import run in the background. The rules that must never
break live in the database as constraints: an invoice number is unique and present exactly when
the invoice is no longer a draft, gross = net + VAT, an invoice is credited at most once, a
payment from an outside source is recorded once. The rules about change live in the services: a
finalized invoice is immutable and changes only through a credit note. Nothing here knows of
e-conomic; the integration app keeps its own links to these rows.
"""
from accounts_app.models.customers import Customer, Project
from accounts_app.models.imports import LedgerImport
from accounts_app.models.invoices import (
    BUYER_FIELDS,
    Buyer,
    Invoice,
    InvoiceLine,
    InvoiceNumberSeries,
)
from accounts_app.models.payments import Payment
from accounts_app.models.reference import PaymentCondition, SalesAccount, ServiceType, VatCode

__all__ = [
    "BUYER_FIELDS",
    "Buyer",
    "Customer",
    "Invoice",
    "InvoiceLine",
    "InvoiceNumberSeries",
    "LedgerImport",
    "Payment",
    "PaymentCondition",
    "Project",
    "SalesAccount",
    "ServiceType",
    "VatCode",
]
