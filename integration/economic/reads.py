"""The client's reads of the ledger in e-conomic for the payment import and the reconciliation:
paged collections and filtered entries, each through `EconomicClient.iterate` (this class is
one of its bases and knows nothing of HTTP itself)."""

from __future__ import annotations

from collections.abc import Iterator

from integration.economic import filters
from integration.economic.encoding import encode_id


class LedgerReads:
    """Mixed into EconomicClient, whose `iterate` pages each collection."""

    # -- reconciliation ------------------------------------------------------------------------
    # `references.other` is filterable on drafts and booked invoices (REFERENCE §2.8, §2.10).

    def draft_invoices_referencing(self, text: str) -> Iterator[dict]:
        """Every draft whose references.other contains `text`, 1,000 a call.
        https://restdocs.e-conomic.com/#get-invoices-drafts"""
        return self.iterate("/invoices/drafts", filter=filters.like("references.other", text))

    def booked_invoices_referencing(self, text: str) -> Iterator[dict]:
        """Every booked invoice whose references.other contains `text`, 1,000 a call.
        https://restdocs.e-conomic.com/#get-invoices-booked"""
        return self.iterate("/invoices/booked", filter=filters.like("references.other", text))

    def customers_updated_since(self, stamp: str) -> Iterator[dict]:
        """Every customer card changed at or after `stamp` (`YYYY-MM-DDTHH:MM:SSZ`), the oldest
        change first, 1,000 a call. https://restdocs.e-conomic.com/#get-customers"""
        condition = filters.gte("lastUpdated", stamp)
        return self.iterate("/customers", filter=condition, sort="lastUpdated")

    # -- payments ------------------------------------------------------------------------------
    # Booked invoices have no lastUpdated and `remainder` is not filterable, so payments are
    # found by reading the unpaid collection and confirming what left it by number.

    def unpaid_invoices_iterate(self) -> Iterator[dict]:
        """Every booked invoice with a remainder, 1,000 a call, in booked-number order (the
        caller merges it with its own sorted list).
        https://restdocs.e-conomic.com/#get-invoices-unpaid"""
        return self.iterate("/invoices/unpaid", sort="bookedInvoiceNumber")

    def booked_invoices_by_numbers(self, numbers: list[int]) -> list[dict]:
        """The booked invoices among `numbers` (at most 200, one call); unknown ones are left
        out. https://restdocs.e-conomic.com/#get-invoices-booked"""
        condition = filters.is_in("bookedInvoiceNumber", numbers)
        return list(self.iterate("/invoices/booked", filter=condition))

    def accounting_years_list(self) -> list[dict]:
        """Every accounting year with its `year` name (`2025/2026` for a split year) and dates.
        https://restdocs.e-conomic.com/#get-accounting-years"""
        return list(self.iterate("/accounting-years"))

    def customer_payment_entries(self, year: str, customer_numbers: list[int]) -> list[dict]:
        """The customer-payment entries of these customers (at most 200, one call a page) booked
        in one accounting year. `invoiceNumber` is not filterable (ADDENDUM §4), so the caller
        matches the entries to its invoices by it.
        https://restdocs.e-conomic.com/#get-accounting-years-accountingyear-entries"""
        condition = filters.eq("entryType", "customerPayment") & filters.is_in(
            "customer.customerNumber", customer_numbers
        )
        return list(self.iterate(f"/accounting-years/{encode_id(year)}/entries", filter=condition))

    def customer_payment_entries_after(self, year: str, entry_number: int) -> Iterator[dict]:
        """The customer-payment entries of one accounting year booked after `entry_number`
        (entry numbers only grow), 1,000 a call.
        https://restdocs.e-conomic.com/#get-accounting-years-accountingyear-entries"""
        condition = filters.eq("entryType", "customerPayment") & filters.gt(
            "entryNumber", entry_number
        )
        return self.iterate(f"/accounting-years/{encode_id(year)}/entries", filter=condition)

    def voucher_receivables_open(self, year: str) -> Iterator[dict]:
        """The booked manual customer-invoice entries (the journal's `manualCustomerInvoice`,
        booked as `manualDebtorInvoice`) of one accounting year still owed, 1,000 a call.
        https://restdocs.e-conomic.com/#get-accounting-years-accountingyear-entries"""
        condition = filters.eq("entryType", "manualDebtorInvoice") & filters.ne("remainder", 0)
        return self.iterate(f"/accounting-years/{encode_id(year)}/entries", filter=condition)

    def journal_entries_referencing(self, journal_number: int, text: str) -> Iterator[dict]:
        """The unbooked manual customer-invoice entries of a journal whose text contains
        `text`, 1,000 a call. https://restdocs.e-conomic.com/#get-journals-journalnumber-entries"""
        condition = filters.eq("entryType", "manualCustomerInvoice") & filters.like("text", text)
        return self.iterate(f"/journals/{int(journal_number)}/entries", filter=condition)

    def voucher_receivables_referencing(self, year: str, text: str) -> Iterator[dict]:
        """The booked manual customer-invoice entries of one accounting year on a customer (the
        receivable side of each voucher; its revenue and VAT postings carry no customer) whose
        text contains `text`, 1,000 a call.
        https://restdocs.e-conomic.com/#get-accounting-years-accountingyear-entries"""
        condition = (
            filters.eq("entryType", "manualDebtorInvoice")
            & filters.gt("customer.customerNumber", 0)
            & filters.like("text", text)
        )
        return self.iterate(f"/accounting-years/{encode_id(year)}/entries", filter=condition)
