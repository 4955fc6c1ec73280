"""The ledger's business logic: every write goes through these functions (keyword-only,
named `<entity>_<action>`); the admin, the importers and the commands only call them."""
from accounts_app.services.corrections import (
    Correction,
    invoice_correct,
    invoice_correct_problem,
)
from accounts_app.services.invoices import (
    drafts_totals_recompute,
    invoice_create,
    invoice_credit,
    invoice_draft_save,
    invoice_due_date,
    invoice_finalize,
    invoice_line_add,
    invoice_line_amounts,
    invoice_totals_recompute,
    invoices_external_numbers_set,
)
from accounts_app.services.payments import (
    invoice_payments_refresh,
    payment_check,
    payment_correct,
    payment_delete,
    payment_register,
)
from accounts_app.services.pdf import invoice_render_pdf, seller_missing_settings

__all__ = [
    "Correction",
    "drafts_totals_recompute",
    "invoice_create",
    "invoice_correct",
    "invoice_correct_problem",
    "invoice_credit",
    "invoice_draft_save",
    "invoice_due_date",
    "invoice_finalize",
    "invoice_line_add",
    "invoice_line_amounts",
    "invoice_payments_refresh",
    "invoice_render_pdf",
    "invoice_totals_recompute",
    "invoices_external_numbers_set",
    "payment_check",
    "payment_correct",
    "payment_delete",
    "payment_register",
    "seller_missing_settings",
]
