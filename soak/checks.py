"""What the soak counts, in e-conomic (the sandbox, read over HTTP with its faults off) and in
our database, to tell whether each promise held. Imported after Django is set up."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from accounts_app.models import Customer, Invoice, Payment
from economic_sandbox.pytest_plugin import SandboxClient
from integration.models import (
    Connection,
    ExportJob,
    InvoiceExport,
    JobKind,
    SyncedPayment,
    SyncedPaymentKind,
    SyncedPaymentState,
)
from integration.models.exports import TERMINAL_STATES
from integration.services.installation import installation_code, invoice_reference

CENT = Decimal("0.01")


def remote_collection(sandbox: SandboxClient, path: str, **params: str) -> list[dict]:
    """Every document of a collection, 1,000 a page; `params` such as `filter` go with each."""
    documents, page = [], 0
    while True:
        answer = sandbox.get(path, params={**params, "pagesize": 1000, "skippages": page},
                             timeout=60)  # fmt: skip
        answer.raise_for_status()
        collection = answer.json()["collection"]
        documents.extend(collection)
        if len(collection) < 1000:
            return documents
        page += 1


def _reference(document: dict) -> str:
    return (document.get("references") or {}).get("other", "")


@dataclass
class ExportFigures:
    invoices: int
    once: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    drafts_left: list[str] = field(default_factory=list)
    wrong_number: list[str] = field(default_factory=list)
    customers: int = 0
    customers_once: int = 0
    jobs: Counter = field(default_factory=Counter)

    @property
    def open_jobs(self) -> int:
        return sum(count for state, count in self.jobs.items() if state not in TERMINAL_STATES)

    def broken(self) -> list[str]:
        problems = []
        for label, names in (
            ("missing in e-conomic", self.missing),
            ("booked more than once", self.duplicated),
            ("left as an extra draft", self.drafts_left),
            ("recorded with another booked number", self.wrong_number),
        ):
            if names:
                problems.append(f"{len(names)} invoices {label}: {', '.join(names[:10])}")
        if self.customers_once != self.customers:
            problems.append(f"{self.customers - self.customers_once} customers not in e-conomic "
                            "exactly once")  # fmt: skip
        if self.open_jobs:
            problems.append(f"{self.open_jobs} jobs not in a terminal state: {dict(self.jobs)}")
        return problems


def exports_count(*, connection: Connection, sandbox: SandboxClient) -> ExportFigures:
    """Each of our invoices booked exactly once in e-conomic (found by our reference in
    `references.other`), no draft of it left behind, and our record naming that booked invoice;
    each customer's card made once."""
    documents = remote_collection(sandbox, "/invoices/booked")
    booked = Counter(_reference(document) for document in documents)
    booked_numbers = {
        _reference(document): document["bookedInvoiceNumber"] for document in documents
    }
    drafts = Counter(
        _reference(document) for document in remote_collection(sandbox, "/invoices/drafts")
    )
    recorded = dict(
        InvoiceExport.objects.filter(connection=connection).values_list(
            "invoice__number", "booked_number"
        )
    )
    invoices = list(Invoice.objects.exclude(number=None).order_by("number"))
    figures = ExportFigures(invoices=len(invoices))
    for invoice in invoices:
        reference = invoice_reference(invoice, installation=installation_code())
        if booked[reference] == 0:
            figures.missing.append(reference)
        elif booked[reference] > 1:
            figures.duplicated.append(reference)
        elif drafts[reference]:
            figures.drafts_left.append(reference)
        elif recorded.get(invoice.number) != booked_numbers[reference]:
            figures.wrong_number.append(reference)
        else:
            figures.once += 1
    cards = Counter(card["name"] for card in remote_collection(sandbox, "/customers"))
    names = list(Customer.objects.values_list("name", flat=True))
    figures.customers = len(names)
    figures.customers_once = sum(1 for name in names if cards[name] == 1)
    figures.jobs = Counter(
        ExportJob.objects.filter(connection=connection).values_list("state", flat=True)
    )
    return figures


@dataclass
class PaymentFigures:
    invoices: int = 0
    settled: int = 0
    matched: int = 0
    mismatched: list[str] = field(default_factory=list)
    cash_rows: int = 0
    reversed_rows: int = 0
    dated: int = 0
    foreign: int = 0  # of the dated, those in another currency than the base
    differences: int = 0  # foreign payments with an exchange difference, each as e-conomic's
    misdated: list[str] = field(default_factory=list)

    def broken(self) -> list[str]:
        problems = []
        if self.mismatched:
            problems.append(f"{len(self.mismatched)} invoices whose payments differ from "
                            "e-conomic's: " + "; ".join(self.mismatched[:10]))  # fmt: skip
        if self.misdated:
            problems.append(f"{len(self.misdated)} invoices whose payments' dates, amounts or "
                            "currencies differ from e-conomic's: " + "; ".join(self.misdated[:10]))
        return problems


def payments_count(*, connection: Connection, sandbox: SandboxClient) -> PaymentFigures:
    """For every exported invoice, what e-conomic shows as settled (gross - remainder) must be,
    to the cent, what we hold: the invoice's paid amount, the sum of its ledger payments from
    e-conomic, and the sum of its active synced payments."""
    remote = {
        document["bookedInvoiceNumber"]: Decimal(str(document["grossAmount"]))
        - Decimal(str(document["remainder"]))
        for document in remote_collection(sandbox, "/invoices/booked")
    }
    ledger = _sums(Payment.objects.filter(source=Payment.Source.ECONOMIC), "invoice_id")
    synced = _sums(
        SyncedPayment.objects.filter(connection=connection, kind=SyncedPaymentKind.CASH,
                                     state=SyncedPaymentState.ACTIVE), "invoice_id",
    )  # fmt: skip
    figures = PaymentFigures()
    exports = InvoiceExport.objects.filter(connection=connection).select_related("invoice")
    for export in exports:
        settled = remote.get(export.booked_number, Decimal("0")).quantize(CENT)
        invoice = export.invoice
        held = (
            invoice.amount_paid,
            ledger.get(invoice.pk, Decimal("0")),
            synced.get(invoice.pk, Decimal("0")),
        )
        figures.invoices += 1
        figures.settled += settled != 0
        if all(amount.quantize(CENT) == settled for amount in held):
            figures.matched += 1
        else:
            figures.mismatched.append(
                f"invoice {invoice.number} settled {settled} in e-conomic, ours paid "
                f"{held[0]}, ledger payments {held[1]}, synced {held[2]}"
            )
    rows = SyncedPayment.objects.filter(connection=connection).aggregate(
        cash=Count("id", filter=Q(kind=SyncedPaymentKind.CASH)),
        reversed=Count("id", filter=Q(state=SyncedPaymentState.REVERSED)),
    )
    figures.cash_rows, figures.reversed_rows = rows["cash"], rows["reversed"]
    _dates_compare(connection, sandbox, figures)
    return figures


def _dates_compare(connection: Connection, sandbox: SandboxClient, figures) -> None:
    """Each invoice's standing payments in e-conomic, as (date, amount, currency, amount in base
    currency), must be our active synced payments' and, in date, amount and the invoice's
    currency, their ledger payments' (an edit there changes ours; a reversal or a deletion
    leaves neither); each foreign payment's exchange difference must be its amount in base
    currency less the amount at the rate e-conomic booked the invoice at."""
    theirs = _standing_payments(sandbox)
    rates = {document["bookedInvoiceNumber"]: Decimal(str(document.get("exchangeRate", 100)))
             / 100 for document in remote_collection(sandbox, "/invoices/booked")}  # fmt: skip
    ours: dict[int, list] = {}
    ledger: dict[int, list] = {}
    active = SyncedPayment.objects.filter(
        connection=connection, kind=SyncedPaymentKind.CASH, state=SyncedPaymentState.ACTIVE
    ).select_related("payment", "invoice")
    for synced in active:
        day = synced.paid_on.isoformat() if synced.paid_on else "no date"
        ours.setdefault(synced.booked_number, []).append(
            (day, synced.amount, synced.currency, synced.amount_in_base_currency))
        ledger.setdefault(synced.booked_number, []).append(
            (synced.payment.date.isoformat(), synced.payment.amount, synced.invoice.currency))
        _difference_check(synced, rates.get(synced.booked_number), figures)
    for number in sorted(set(theirs) | set(ours)):
        expected = sorted(theirs.get(number, []))
        in_ledger = sorted(entry[:3] for entry in expected)
        if sorted(ours.get(number, [])) == expected and sorted(ledger.get(number, [])) == in_ledger:
            figures.dated += len(expected)
            figures.foreign += sum(entry[2] != "DKK" for entry in expected)
        else:
            figures.misdated.append(f"e-conomic invoice {number}: {expected} there, "
                                    f"{sorted(ours.get(number, []))} ours")  # fmt: skip


def _standing_payments(sandbox: SandboxClient) -> dict[int, list]:
    """e-conomic's payments not reversed, by booked invoice, with their entries' currency and
    amount in base currency (the entries of every accounting year, a payment's by number)."""
    entries = {}
    for year in remote_collection(sandbox, "/accounting-years"):
        path = f"/accounting-years/{year['year'].replace('/', '_6_')}/entries"
        for entry in remote_collection(sandbox, path, filter="entryType$eq:customerPayment"):
            entries[entry["entryNumber"]] = entry
    theirs: dict[int, list] = {}
    agreement = sandbox.agreement_number
    for payment in sandbox.call_control("GET", f"/agreements/{agreement}/payments"):
        if payment.get("reversed"):
            continue
        entry = entries.get(payment["entryNumber"], {})
        base = -Decimal(str(entry.get("amountInBaseCurrency", "NaN")))
        theirs.setdefault(payment["bookedInvoiceNumber"], []).append(
            (payment["date"], Decimal(str(payment["amount"])).quantize(CENT),
             entry.get("currency", "no entry"), base.quantize(CENT) if base.is_finite() else None))
    return theirs


def _difference_check(synced: SyncedPayment, rate: Decimal | None, figures) -> None:
    if rate is None or synced.amount_in_base_currency is None:
        return
    expected = (synced.amount_in_base_currency - synced.amount * rate).quantize(CENT)
    if synced.exchange_difference != expected:
        figures.misdated.append(
            f"e-conomic invoice {synced.booked_number}: exchange difference "
            f"{synced.exchange_difference}, e-conomic's figures give {expected}")
    elif expected:
        figures.differences += 1


def _sums(queryset, key: str) -> dict[int, Decimal]:
    return {row[key]: row["total"] for row in queryset.values(key).annotate(total=Sum("amount"))}


def invoice_jobs_finished() -> int:
    return ExportJob.objects.filter(kind=JobKind.INVOICE, state__in=TERMINAL_STATES).count()


def jobs_open() -> int:
    return ExportJob.objects.exclude(state__in=TERMINAL_STATES).count()
