"""The soak's content promise: what e-conomic booked for each of our invoices is what our ledger
says, as a bookkeeper would hold the two side by side: the customer, net, VAT and gross, VAT per
e-conomic VAT code (ours through the connection's VAT code pairings) and revenue per account.

The soak books invoices (ExportMethod.BOOKED). A booked invoice in e-conomic's collection has the
customer and the totals but no lines (README_RESOURCES: collection items leave out `lines`); its
ledger postings (`customerInvoice` entries with the booked number as voucher number, REFERENCE
§2.15) have the revenue per account and the VAT per code. So four collections are read, each
whole at 1,000 a page: booked invoices, customers, VAT accounts (which ledger account a code's
VAT is booked on) and the year's customer-invoice entries. Imported after Django is set up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounts_app.models import Invoice
from economic_sandbox.pytest_plugin import SandboxClient
from integration.models import Connection, CustomerLink, InvoiceExport, VatCodePairing
from integration.models.connection import ExportMethod
from integration.services.export_context import sales_account_of
from integration.services.installation import installation_code, invoice_reference
from soak.checks import CENT, remote_collection

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Content:
    """One invoice as a bookkeeper compares it. `revenue_by_account` is None where it cannot be
    compared: on our side a line coded with no sales account."""

    customer: tuple[int | None, str]  # e-conomic's customer number and that card's name
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_by_code: dict[str, Decimal]
    revenue_by_account: dict[int, Decimal] | None

    def differences(self, theirs: Content) -> list[str]:
        """What differs, in words: `self` is ours."""
        found = [
            f"{name} ours {mine} theirs {other}"
            for name, mine, other in (
                ("customer", self.customer, theirs.customer),
                ("net", self.net, theirs.net),
                ("VAT", self.vat, theirs.vat),
                ("gross", self.gross, theirs.gross),
                ("VAT by code", _shown(self.vat_by_code), _shown(theirs.vat_by_code)),
            )
            if mine != other
        ]
        if self.revenue_by_account is None:  # still: all revenue booked is our net
            booked = sum((theirs.revenue_by_account or {}).values(), ZERO)
            if booked != self.net:
                found.append(f"revenue booked ours {self.net} theirs {booked}")
        elif self.revenue_by_account != theirs.revenue_by_account:
            found.append(f"revenue by account ours {_shown(self.revenue_by_account)} theirs "
                         f"{_shown(theirs.revenue_by_account or {})}")  # fmt: skip
        return found


def _shown(amounts: dict) -> str:
    return "{" + ", ".join(f"{key}: {amount}" for key, amount in sorted(amounts.items())) + "}"


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


@dataclass
class ContentFigures:
    invoices: int = 0
    matched: int = 0
    by_account: int = 0  # of the matched, those whose revenue was compared per account
    differing: list[str] = field(default_factory=list)

    def broken(self) -> list[str]:
        if not self.differing:
            return []
        return [f"{len(self.differing)} invoices whose content differs from e-conomic's: "
                + "; ".join(self.differing[:10])]  # fmt: skip


# -- ours --------------------------------------------------------------------------------------


def content_ours(invoice: Invoice, *, customer: tuple[int | None, str],
                 paired: dict[int, str]) -> Content:  # fmt: skip
    """Our ledger's figures: the invoice's stored totals, its lines' VAT per the e-conomic code
    their VAT code is paired with, and their net per sales account (the line's own, else its
    service type's default)."""
    vat_by_code: dict[str, Decimal] = defaultdict(Decimal)
    revenue: dict[int, Decimal] | None = defaultdict(Decimal)
    for line in invoice.lines.all():
        if line.vat_amount:
            vat_by_code[paired.get(line.vat_code_id, f"unpaired {line.vat_code_id}")] += (
                line.vat_amount
            )
        account = sales_account_of(line)
        if account is None:
            revenue = None
        elif revenue is not None:
            revenue[account.number] += line.net_amount
    return Content(
        customer=customer, net=invoice.net_total, vat=invoice.vat_total,
        gross=invoice.gross_total, vat_by_code=dict(vat_by_code),
        revenue_by_account=dict(revenue) if revenue is not None else None,
    )  # fmt: skip


# -- theirs ------------------------------------------------------------------------------------


@dataclass
class Postings:
    """A booked invoice's revenue and VAT postings in e-conomic's ledger (credits, so negated)."""

    vat_by_code: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    revenue_by_account: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


def ledger_postings(sandbox: SandboxClient, *, days: set[str]) -> dict[int, Postings]:
    """The customer-invoice entries of the accounting years holding `days`, by voucher number
    (a booked invoice's number). An entry on the account a VAT code books its VAT to is VAT;
    one on the customer's receivable is the gross, left out; any other is revenue."""
    vat_accounts = {
        document["account"]["accountNumber"]
        for document in remote_collection(sandbox, "/vat-accounts")
        if document.get("account")
    }
    years = [
        year["year"]
        for year in remote_collection(sandbox, "/accounting-years")
        if any(year["fromDate"] <= day <= year["toDate"] for day in days)
    ]
    postings: dict[int, Postings] = defaultdict(Postings)
    for year in years:
        path = f"/accounting-years/{year.replace('/', '_6_')}/entries"  # a split year's `/`
        entries = remote_collection(sandbox, path, filter="entryType$eq:customerInvoice")
        for entry in entries:
            if entry.get("customer"):
                continue  # the receivable: the gross, read from the invoice itself
            booked = postings[entry["voucherNumber"]]
            amount, account = -_money(entry["amount"]), entry["account"]["accountNumber"]
            if account in vat_accounts:
                booked.vat_by_code[(entry.get("vatAccount") or {}).get("vatCode", "none")] += amount
            else:
                booked.revenue_by_account[account] += amount
    return postings


def content_theirs(document: dict, postings: Postings, *, cards: dict[int, str]) -> Content:
    number = document["customer"]["customerNumber"]
    return Content(
        customer=(number, cards.get(number, "(no such card)")),
        net=_money(document["netAmount"]), vat=_money(document["vatAmount"]),
        gross=_money(document["grossAmount"]),
        vat_by_code={code: vat for code, vat in postings.vat_by_code.items() if vat},
        revenue_by_account=dict(postings.revenue_by_account),
    )  # fmt: skip


# -- the promise -------------------------------------------------------------------------------


@dataclass
class Remote:
    """e-conomic's side, read once: booked invoices by our reference, card names by number,
    ledger postings by booked number."""

    booked: dict[str, dict]
    cards: dict[int, str]
    postings: dict[int, Postings]

    @classmethod
    def read(cls, sandbox: SandboxClient) -> Remote:
        booked = {
            (document.get("references") or {}).get("other", ""): document
            for document in remote_collection(sandbox, "/invoices/booked")
        }
        cards = {card["customerNumber"]: card["name"]
                 for card in remote_collection(sandbox, "/customers")}  # fmt: skip
        days = {document["date"] for document in booked.values()}
        return cls(booked, cards, ledger_postings(sandbox, days=days))


def contents_count(*, connection: Connection, sandbox: SandboxClient) -> ContentFigures:
    """For every invoice we numbered, e-conomic's booked invoice of it (found by our reference in
    `references.other`) must have our customer, totals, VAT per code and revenue per account."""
    remote = Remote.read(sandbox)
    links = dict(CustomerLink.objects.filter(connection=connection)
                 .values_list("customer_id", "remote_number"))  # fmt: skip
    paired = dict(VatCodePairing.objects.filter(connection=connection)
                  .values_list("vat_code_id", "vat_account__number"))  # fmt: skip
    methods = dict(InvoiceExport.objects.filter(connection=connection)
                   .values_list("invoice_id", "method"))  # fmt: skip
    invoices = (
        Invoice.objects.exclude(number=None)
        .select_related("customer")
        .prefetch_related("lines__sales_account", "lines__service_type__default_sales_account")
    )
    figures = ContentFigures()
    for invoice in invoices.order_by("number"):
        figures.invoices += 1
        method = methods.get(invoice.pk, ExportMethod.BOOKED)
        if method != ExportMethod.BOOKED:
            figures.differing.append(f"invoice {invoice.number}: exported as {method}, which "
                                     "this check does not read")  # fmt: skip
            continue
        customer = (links.get(invoice.customer_id), invoice.customer.name)
        ours = content_ours(invoice, customer=customer, paired=paired)
        difference = _invoice_compare(invoice, ours, remote)
        if difference:
            figures.differing.append(difference)
        else:
            figures.matched += 1
            figures.by_account += ours.revenue_by_account is not None
    return figures


def _invoice_compare(invoice: Invoice, ours: Content, remote: Remote) -> str:
    """What differs for one invoice, in a sentence; empty when nothing does."""
    document = remote.booked.get(invoice_reference(invoice, installation=installation_code()))
    if document is None:
        return f"invoice {invoice.number}: no booked invoice in e-conomic"
    number = document["bookedInvoiceNumber"]
    theirs = content_theirs(document, remote.postings.get(number, Postings()), cards=remote.cards)
    differences = ours.differences(theirs)
    if not differences:
        return ""
    return f"invoice {invoice.number} (booked {number}): {', '.join(differences)}"
