"""Signals other apps (the e-conomic integration) listen to, so that this app never imports them.
Each is sent inside the transaction that makes the change, so a receiver that writes its own rows
(an outbox job) commits or rolls back together with the change."""
from django.dispatch import Signal

# kwargs: invoice (the finalized Invoice, numbered; a credit note too)
invoice_finalized = Signal()
# kwargs: payment, invoice (with amount_paid and state already updated)
payment_registered = Signal()
# kwargs: customers (the Customers a spreadsheet import created or changed; written in bulk,
# so no post_save is sent for them)
customers_imported = Signal()
