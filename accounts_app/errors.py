"""Errors the ledger raises when a request breaks one of its rules. Each message names the problem
and the way out, because it is shown as is to finance staff in the admin."""


class LedgerError(Exception):
    """A rule of the ledger refused the request; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvoiceLockedError(LedgerError):
    """A finalized invoice (or its lines) was about to change."""


class InvoiceExchangeRateError(LedgerError):
    """The invoice's exchange rate does not fit its currency."""


class InvoiceFinalizeError(LedgerError):
    """The invoice cannot be finalized as it stands."""


class InvoiceCreditError(LedgerError):
    """The invoice cannot be credited."""


class InvoiceCorrectError(LedgerError):
    """The invoice cannot be corrected."""


class PaymentError(LedgerError):
    """The payment cannot be registered or removed."""


class InvoiceInvalidError(LedgerError):
    """The invoice's header or amounts break a rule of the ledger."""
