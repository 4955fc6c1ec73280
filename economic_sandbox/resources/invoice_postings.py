"""The ledger postings of a booked invoice: what e-conomic's books show once a draft is booked.

Three kinds, all `customerInvoice` entries with the invoice number as voucher number (as the
recorded entries show, REFERENCE §2.15): the gross amount debited to the customer's group
account (the open item, with the customer, `invoiceNumber`, `dueDate` and a live remainder); the
net amount credited to each sales account, per VAT code, carrying that code; the VAT credited to
each VAT code's own account. VAT per code follows the agreement's rounding model
(invoice_math), so the ledger's VAT sums to the invoice's `vatAmount`.

The sandbox's choices: a line without a product (or whose group has no sales account for the
zone) is booked on product group 1's sales account for the zone, else on the lowest
profit-and-loss account, without a VAT code; amounts in base currency are converted per posting,
and the øre left over (by converting, or by the document model rounding VAT per code where two
codes share a rate) land on the largest credit, so the voucher balances as a ledger must.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from economic_sandbox.resources import invoice_math, ledger_entries, lookups, reference
from economic_sandbox.resources.draft_build import SALES_ACCOUNT, VAT_CODE
from economic_sandbox.state import Agreement

FALLBACK_GROUP = 1


def record_invoice(agreement: Agreement, invoice: dict, lines: list[dict]) -> None:
    """Book the invoice's postings; `lines` are the draft's stored lines."""
    zone = invoice["recipient"]["vatZone"]["vatZoneNumber"]
    postings = [_receivable(agreement, invoice), *_revenue_and_vat(agreement, invoice, lines,
                                                                   zone)]
    _settle_conversion(postings)
    number = invoice["bookedInvoiceNumber"]
    ledger_entries.record(agreement, postings, entry_type="customerInvoice", voucher=number,
                          text=f"Faktura {number}",
                          day=invoice_math.parse_date(invoice["date"]))


def _receivable(agreement: Agreement, invoice: dict) -> dict:
    customer = invoice["customer"]["customerNumber"]
    return ledger_entries.posting(
        ledger_entries.receivable_account(agreement, customer),
        Decimal(str(invoice["grossAmount"])), Decimal(str(invoice["grossAmountInBaseCurrency"])),
        invoice["currency"], customerNumber=customer,
        bookedInvoiceNumber=invoice["bookedInvoiceNumber"])


def _revenue_and_vat(agreement: Agreement, invoice: dict, lines: list[dict], zone: int) -> list:
    """Credits (negative): net per (account, VAT code), then VAT per code."""
    nets: dict[tuple[int, str | None], Decimal] = {}
    vat_lines: dict[str, list[dict]] = {}
    for line in lines:
        account, code = _line_account(agreement, line, zone)
        nets[account, code] = nets.get((account, code), Decimal(0)) + _decimal(
            line["totalNetAmount"])
        if code and line.get("vatRate"):
            vat_lines.setdefault(code, []).append(line)
    rate, currency = invoice["exchangeRate"], invoice["currency"]
    postings = [_credit(account, net, rate, currency, code)
                for (account, code), net in sorted(nets.items(), key=str)]
    for code, coded in sorted(vat_lines.items()):
        vat = invoice_math.vat_total(coded, agreement.vat_rounding)
        vat_account = reference.get_or_404(agreement, "vat-accounts", code)["account"]
        postings.append(_credit(vat_account["accountNumber"], vat, rate, currency, code))
    return postings


def _line_account(agreement: Agreement, line: dict, zone: int) -> tuple[int, str | None]:
    if line.get(SALES_ACCOUNT) is not None:
        return line[SALES_ACCOUNT], line.get(VAT_CODE)
    account, _, _ = lookups.sales_posting(agreement, FALLBACK_GROUP, zone)
    if account is None:
        accounts = agreement.table("accounts")
        account = min(number for number, document in accounts.items()
                      if document.get("accountType") == "profitAndLoss")
    return account, None


def _credit(account: int, amount: Decimal, rate: Any, currency: str, code: str | None) -> dict:
    extra = {"vatCode": code} if code else {}
    return ledger_entries.posting(account, -amount, -invoice_math.in_base_currency(amount, rate),
                                  currency, remainder=0.0, remainderInBaseCurrency=0.0, **extra)


def _settle_conversion(postings: list[dict]) -> None:
    """Put the øre the postings leave over on the largest credit, in both currencies."""
    credits = postings[1:]
    if not credits:
        return
    largest = max(credits, key=lambda item: abs(item["amount"]))
    for key in ("amount", "amountInBaseCurrency"):
        left_over = sum((_decimal(item[key]) for item in postings), Decimal(0))
        largest[key] = float(_decimal(largest[key]) - left_over)


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))
