"""What a draft journal entry posts when its journal is booked, and whether a voucher balances.

An entry has up to two sides (REFERENCE §2.14, ADDENDUM §2): its own (the customer's group
account for an entry with `customer`, else `account` on a finance voucher) gets `amount`; the
contra side (`contraAccount`, or for a customer payment the journal's default contra account)
gets the opposite. A side with a VAT code is split: the VAT (`vatAmount`/`contraVatAmount`,
derived from the code when the client left it out) goes to the code's account, the rest to the
side's account. A voucher is the set of entries sharing a voucher number; it balances when its
postings sum to zero in base currency (the customer side equals the contra entries with VAT).
An entry with one side only (a customer with no contra account) leaves its voucher unbalanced,
which e-conomic accepts as a draft (201) and refuses to book (ADDENDUM §3).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from economic_sandbox.resources import ledger_entries, reference
from economic_sandbox.state import Agreement

# Booked entries name a manual customer invoice `manualDebtorInvoice` (ADDENDUM §4: the entries
# schema's enum), the journal `manualCustomerInvoice`.
BOOKED_TYPES = {
    "manualCustomerInvoice": "manualDebtorInvoice",
    "customerPayment": "customerPayment",
    "financeVoucher": "financeVoucher",
}


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _number(reference_object: Any, key: str) -> Any:
    return reference_object.get(key) if isinstance(reference_object, dict) else None


def entry_postings(agreement: Agreement, entry: dict, journal: dict) -> list[dict]:
    """The postings of one stored journal entry (debit positive). A stored entry with a VAT code
    carries its VAT amounts (vouchers.stored_entry derives those the client left out)."""
    amount, in_base = _decimal(entry["amount"]), _decimal(entry["amountDefaultCurrency"])
    currency = entry["currency"]["code"]
    postings = []
    own = _own_side(agreement, entry)
    if own is not None:
        account, extra = own
        vat = (_decimal(entry.get("vatAmount")), _decimal(entry.get("vatAmountBaseCurrency")))
        postings += _split(agreement, account, (amount, in_base), currency,
                           _number(entry.get("vatAccount"), "vatCode"), vat, extra)
    contra = _number(entry.get("contraAccount"), "accountNumber") or _default_contra(journal,
                                                                                    entry)
    if contra is not None:
        vat = (-_decimal(entry.get("contraVatAmount")),
               -_decimal(entry.get("contraVatAmountInBaseCurrency")))
        postings += _split(agreement, contra, (-amount, -in_base), currency,
                           _number(entry.get("contraVatAccount"), "vatCode"), vat, {})
    return postings


def _own_side(agreement: Agreement, entry: dict) -> tuple[int, dict] | None:
    customer = _number(entry.get("customer"), "customerNumber")
    if customer is not None:
        extra = {"customerNumber": customer, "remainder": entry.get("remainder", 0.0),
                 "remainderInBaseCurrency": entry.get("remainderDefaultCurrency", 0.0)}
        if entry.get("customerInvoice") is not None:
            extra["invoiceNumber"] = str(entry["customerInvoice"])
        if entry.get("dueDate"):
            extra["dueDate"] = entry["dueDate"]
        return ledger_entries.receivable_account(agreement, customer), extra
    account = _number(entry.get("account"), "accountNumber")
    return None if account is None else (account, {})


def _default_contra(journal: dict, entry: dict) -> int | None:
    """A journal's default contra account applies to customer payments (seed: journal 2,
    5820 Bank), as e-conomic's journal settings `contraAccounts.customerPayments` say."""
    if entry["entryType"] != "customerPayment":
        return None
    contra = journal.get("settings", {}).get("contraAccounts", {}).get("customerPayments")
    return _number(contra, "accountNumber")


def _split(
    agreement: Agreement, account: int, gross: tuple[Decimal, Decimal], currency: str,
    vat_code: str | None, vat: tuple[Decimal, Decimal], extra: dict,
) -> list[dict]:
    """One side: the whole amount on `account`, or with a VAT code the net there and the VAT
    on the code's account. Amounts are (in the entry's currency, in base currency), with the
    side's sign."""
    if not vat_code:
        return [ledger_entries.posting(account, *gross, currency, **extra)]
    vat_account = reference.get_or_404(agreement, "vat-accounts", vat_code)["account"]
    net = (gross[0] - vat[0], gross[1] - vat[1])
    return [
        ledger_entries.posting(account, *net, currency, **extra, vatCode=vat_code),
        ledger_entries.posting(vat_account["accountNumber"], *vat, currency, vatCode=vat_code),
    ]


def imbalance(postings: list[dict]) -> Decimal:
    """What a voucher's postings leave unbalanced in base currency (0 when it balances)."""
    return sum((_decimal(item["amountInBaseCurrency"]) for item in postings), Decimal(0))
