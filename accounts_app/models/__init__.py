"""The local sales ledger.

Reference data (VatCode, PaymentCondition, SalesAccount, ServiceType) describes how to invoice;
Customer and Project say whom; Invoice and InvoiceLine hold the documents and Payment what came
in; LedgerImport keeps a spreadsheet import run in the background. The rules that must never
break live in the database as constraints: an invoice number is unique and present exactly when
the invoice is no longer a draft, gross = net + VAT, an invoice is credited at most once, a
payment from an outside source is recorded once, states are known ones, nothing paid is below
zero, an issued invoice (other than a credit note) is not. A finalized invoice is immutable and
changes only through a credit note: the services refuse the change with the reason, and
triggers (migration 0012) refuse it in the database whatever writes. Nothing here knows of
e-conomic; the integration app keeps its own links to these rows.
"""
from accounts_app.models.buyer import BUYER_FIELDS, Buyer
from accounts_app.models.customers import Customer, Project
from accounts_app.models.imports import LedgerImport
from accounts_app.models.invoices import Invoice
from accounts_app.models.lines import InvoiceLine
from accounts_app.models.payments import Payment
from accounts_app.models.reference import PaymentCondition, SalesAccount, ServiceType, VatCode
from accounts_app.models.series import InvoiceNumberSeries

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
