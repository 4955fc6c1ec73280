"""Payment import, measured against the sandbox: API calls, our own work and peak memory of one
import when 5 % of the exported invoices changed since the last one (half paid in full, half
partly paid), for a small and a ten times larger ledger (memory should stay flat).

The ledger is a mix, as finance staff send it: three in four invoices booked, one in four a
journal voucher; one in five in EUR (at 745.50), the rest DKK; one customer for every 50
invoices. Each change is a customer-payment entry naming its invoice, dated within the last
five days, as e-conomic books it, so the import reads the changed invoices' payment entries.
One in ten of the changed invoices was paid in full at an earlier import and has since had only
its payment's date corrected in e-conomic (the entry undone and a new one booked in one voucher,
the remainder left at nothing); the earlier import is as the ledger and the connection's last
entry number read say.

The sandbox runs as its own process (so tracemalloc measures only the import), started from a
state file this script writes: the booked invoices are cloned from one booked through the API,
the vouchers' receivable entries and the payment entries are written straight into the state,
which takes seconds where 50,000 bookings over HTTP would take minutes. Our side is
bulk-inserted: finalized invoices as the last import left them, each with its InvoiceExport and
its customer's link. Each size is measured twice on separate copies of the ledger (each with a
sandbox of its own, since a voucher names our invoice number): once for wall time, once under
tracemalloc (which slows Python down). Prints figures; it is not a test.

    .venv/bin/python bench/payments.py [--sizes 5000 50000] [--changed 0.05]
"""

from __future__ import annotations

import argparse
import copy
import datetime
import math
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="ledger-bench-payments-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from economic_sandbox import persistence  # noqa: E402
from economic_sandbox.pytest_plugin import SandboxClient, free_port, start_in_thread  # noqa: E402
from economic_sandbox.resources import ledger_entries  # noqa: E402
from economic_sandbox.resources.booked import BOOKED  # noqa: E402
from economic_sandbox.resources.ledger_entries import ENTRIES  # noqa: E402

GROSS = Decimal("250.00")
EURO_RATE = Decimal("745.50")
INVOICES_PER_CUSTOMER = 50


def is_voucher(number: int) -> bool:
    return number % 4 == 3


def currency_of(number: int) -> str:
    return "EUR" if number % 5 == 0 else "DKK"


def customer_of(number: int) -> int:
    return 1 + number % 10_000_000 // INVOICES_PER_CUSTOMER


def is_moved(number: int, invoices: int, changed: float) -> bool:
    """Paid in full at the earlier import; only its payment's date corrected since."""
    return number <= invoices * changed and number % 20 in (0, 2)


EARLIER = 10  # days ago the corrected payments were first dated


def in_base(amount: Decimal, currency: str) -> Decimal:
    return (amount * EURO_RATE / 100).quantize(Decimal("0.01")) if currency == "EUR" else amount


def sandbox_state(path: Path, invoices: int, changed: float, offset: int) -> tuple[dict, int]:
    """A state file whose agreement holds `invoices` invoices 1..n: booked invoices numbered n,
    or for every fourth a booked voucher whose receivable names our invoice number offset + n.
    Of the first `changed` share, the even ones are paid in full, the odd ones partly, each by
    one customer-payment entry. Answers the entry number of each corrected invoice's first
    payment, and the last entry number the earlier import read."""
    running = start_in_thread()
    try:
        client = SandboxClient(running.base_url)
        body = {"date": datetime.date.today().isoformat(), "currency": "DKK",
                "customer": {"customerNumber": 1}, "layout": {"layoutNumber": 19},
                "paymentTerms": {"paymentTermsNumber": 1},
                "recipient": {"name": "Bench", "vatZone": {"vatZoneNumber": 1}},
                "lines": [{"product": {"productNumber": "1"}, "quantity": 2,
                           "unitNetPrice": 100}]}  # fmt: skip
        draft = client.post("/invoices/drafts", json=body).json()
        booking = {"draftInvoice": {"draftInvoiceNumber": draft["draftInvoiceNumber"]}}
        number = client.post("/invoices/booked", json=booking).json()["bookedInvoiceNumber"]
        agreement = running.app.world.get(client.agreement_number)
        table, entries = agreement.table(BOOKED), agreement.table(ENTRIES)
        template = table[number]
        table.clear()  # only the bench's invoices, so every unpaid page is ours
        entries.clear()
        earlier = {number: _add_entry(agreement, _payment_entry(agreement, number, offset, GROSS,
                                                                days_ago=EARLIER))
                   for number in range(1, invoices + 1) if is_moved(number, invoices, changed)}
        seen = agreement.counters.get(ENTRIES, 0)
        for number in range(1, invoices + 1):
            remainder = _remainder(number, invoices, changed)
            if is_voucher(number):
                _add_entry(agreement, _receivable(agreement, number, offset, remainder))
            else:
                table[number] = _clone(template, number, remainder)
            if number in earlier:
                for entry in _correction(agreement, number, offset):
                    _add_entry(agreement, entry)
            elif remainder != GROSS:
                _add_entry(agreement, _payment_entry(agreement, number, offset, GROSS - remainder))
        agreement.counters[BOOKED] = invoices
        persistence.save(path, running.app.world, running.app.idempotency.saved)
        return earlier, seen
    finally:
        running.stop()


def _correction(agreement, number: int, offset: int) -> list[dict]:
    """The earlier payment undone on its date and booked again on another, in one voucher."""
    undone = _payment_entry(agreement, number, offset, -GROSS, days_ago=EARLIER)
    again = _payment_entry(agreement, number, offset, GROSS)
    for entry in (undone, again):
        entry["voucherNumber"] = 60000 + number
    return [undone, again]


def _add_entry(agreement, entry: dict) -> int:
    number = agreement.next_number(ENTRIES)
    agreement.table(ENTRIES)[number] = {"entryNumber": number, **entry}
    return number


def _common(agreement, number: int, amount: Decimal, day: datetime.date) -> dict:
    currency = currency_of(number)
    return {"year": ledger_entries.year_of(agreement, day), "date": day.isoformat(),
            "accountNumber": 5600, "customerNumber": customer_of(number),
            "currency": currency, "amount": float(amount),
            "amountInBaseCurrency": float(in_base(amount, currency))}  # fmt: skip


def _receivable(agreement, number: int, offset: int, remainder: Decimal) -> dict:
    """A booked voucher's customer side, as booking journal 1 leaves it."""
    currency = currency_of(number)
    today = datetime.date.today()
    return {**_common(agreement, number, GROSS, today), "entryType": "manualDebtorInvoice",
            "voucherNumber": number, "journalNumber": 1, "text": f"Invoice {offset + number}",
            "invoiceNumber": str(offset + number), "remainder": float(remainder),
            "remainderInBaseCurrency": float(in_base(remainder, currency))}  # fmt: skip


def _payment_entry(agreement, number: int, offset: int, paid: Decimal,
                   days_ago: int | None = None) -> dict:
    """A customer payment booked through journal 2, naming the invoice it settles."""
    day = datetime.date.today() - datetime.timedelta(
        days=number % 5 if days_ago is None else days_ago)
    invoice = offset + number if is_voucher(number) else number
    return {**_common(agreement, number, -paid, day), "entryType": "customerPayment",
            "voucherNumber": 50000 + number, "journalNumber": 2, "text": "Bank",
            "invoiceNumber": str(invoice), "remainder": 0.0,
            "remainderInBaseCurrency": 0.0}  # fmt: skip


def _clone(template: dict, number: int, remainder: Decimal) -> dict:
    booked = copy.deepcopy(template)
    currency = currency_of(number)
    kind = type(template["remainder"])  # stored as the sandbox stores it
    booked.update(bookedInvoiceNumber=number, orderNumber=number, remainder=kind(str(remainder)),
                  remainderInBaseCurrency=kind(str(in_base(remainder, currency))),
                  currency=currency, customer={"customerNumber": customer_of(number)},
                  exchangeRate=kind(str(EURO_RATE if currency == "EUR" else 100)),
                  grossAmountInBaseCurrency=kind(str(in_base(GROSS, currency))),
                  references={"other": f"BENCH-{number}"})  # fmt: skip
    return booked


def _remainder(number: int, invoices: int, changed: float) -> Decimal:
    if number > invoices * changed:
        return GROSS
    return Decimal("0.00") if number % 2 == 0 else Decimal("100.00")


def sandbox_start(state: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "economic_sandbox", "--port", str(port), "--state", str(state),
         "--no-rate-limit", "--daily-cap", "100000000"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(scratch / "sandbox.log", "w"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    client = SandboxClient(url)
    for _ in range(300):
        try:
            client.call_control("GET", "/health")
            return process, url
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.1)
    raise SystemExit("The sandbox did not start.")


def ledger(name: str, invoices: int, offset: int, earlier: dict[int, int], seen: int):
    """A connection and `invoices` finalized invoices numbered offset + 1..n, exported as the
    sandbox state has them (booked number n, or voucher n), their customers linked; those in
    `earlier` paid in full by the entry it names, as an import that read entries to `seen`
    left them."""
    from accounts_app.models import Customer, Invoice, PaymentCondition
    from integration.models import Connection, CustomerLink, InvoiceExport

    condition, _ = PaymentCondition.objects.get_or_create(name="Net 8", kind="net", days=8)
    connection = Connection.objects.create(
        name=name, endpoint="sandbox", grant_token="sandbox-grant-1", payment_sync="partial",
        payments_since=datetime.date.today(), payment_entries_seen=seen,
    )  # fmt: skip
    numbers = range(customer_of(1), customer_of(invoices) + 1)
    Customer.objects.bulk_create(
        [Customer(number=number, name=f"Bench {number}", payment_condition=condition)
         for number in numbers], ignore_conflicts=True)  # fmt: skip
    customers = dict(Customer.objects.filter(number__in=numbers).values_list("number", "pk"))
    CustomerLink.objects.bulk_create(
        CustomerLink(connection=connection, customer_id=pk, state="linked", remote_number=number)
        for number, pk in customers.items()
    )  # fmt: skip
    today = datetime.date.today()
    Invoice.objects.bulk_create(
        Invoice(number=offset + n, state="paid" if n in earlier else "finalized",
                customer_id=customers[customer_of(n)],
                payment_condition=condition, currency=currency_of(n),
                exchange_rate=EURO_RATE / 100 if currency_of(n) == "EUR" else Decimal(1),
                issue_date=today, due_date=today, net_total=Decimal("200.00"),
                vat_total=Decimal("50.00"), gross_total=GROSS,
                amount_paid=GROSS if n in earlier else Decimal("0.00"))
        for n in range(1, invoices + 1)
    )  # fmt: skip
    ids = Invoice.objects.filter(number__gt=offset).order_by("number").values_list("pk", flat=True)
    jobs = _voucher_jobs(connection, list(enumerate(ids, 1)))
    InvoiceExport.objects.bulk_create(
        _export(connection, n, pk, jobs.get(pk)) for n, pk in enumerate(ids, 1)
    )
    _earlier_payments(connection, dict(enumerate(ids, 1)), earlier)
    return connection


def _earlier_payments(connection, ids: dict[int, int], earlier: dict[int, int]) -> None:
    """The payments an earlier import recorded from their entries, as mirror.py records them."""
    from accounts_app.models import Payment
    from integration.models import SyncedPayment
    from integration.services.payments.mirror import entry_reference

    day = datetime.date.today() - datetime.timedelta(days=EARLIER)
    references = {n: entry_reference(connection.pk, entry) for n, entry in earlier.items()}
    payments = Payment.objects.bulk_create(
        Payment(invoice_id=ids[n], date=day, amount=GROSS, source="economic",
                external_reference=references[n]) for n in earlier)  # fmt: skip
    SyncedPayment.objects.bulk_create(
        SyncedPayment(connection=connection, invoice_id=ids[n], payment=payment,
                      booked_number=n, reference=references[n], amount=GROSS,
                      currency=currency_of(n), entry_number=earlier[n], paid_on=day,
                      voucher_number=50000 + n, amount_in_base_currency=in_base(GROSS,
                      currency_of(n)))
        for n, payment in zip(earlier, payments, strict=True)
    )  # fmt: skip


def _voucher_jobs(connection, numbered: list[tuple[int, int]]) -> dict[int, int]:
    """The done export jobs that booked the vouchers (so a voucher gone from the open
    receivables is known to be paid, not unbooked): job id by invoice id."""
    from django.utils import timezone

    from integration.models import ExportJob

    jobs = ExportJob.objects.bulk_create(
        ExportJob(connection=connection, kind="invoice", object_id=pk, method="voucher",
                  key=f"bench-{connection.pk}-{pk}", not_before=timezone.now(), state="done",
                  voucher_number=n, voucher_booked=True)
        for n, pk in numbered if is_voucher(n)
    )  # fmt: skip
    return {job.object_id: job.pk for job in jobs}


def _export(connection, number: int, invoice_id: int, job_id: int | None):
    from integration.models import InvoiceExport

    if is_voucher(number):
        return InvoiceExport(connection=connection, invoice_id=invoice_id, method="voucher",
                             job_id=job_id, voucher_number=number, economic_number=str(number))
    return InvoiceExport(connection=connection, invoice_id=invoice_id, method="booked",
                         booked_number=number, economic_number=str(number))  # fmt: skip


def measure(connection, traced: bool) -> tuple:
    from integration.services.payments import payments_import

    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    run = payments_import(connection=connection, trigger="manual")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    assert run.error == "", run.error
    return run, seconds, peak


def one_size(invoices: int, changed: float) -> None:
    from accounts_app.models import Invoice

    results = []
    for traced in (False, True):
        offset = Invoice.objects.count()  # our numbers go on from the earlier ledgers'
        state = scratch / f"sandbox-{invoices}-{offset}.json"
        earlier, seen = sandbox_state(state, invoices, changed, offset)
        process, url = sandbox_start(state)
        settings.ECONOMIC_ENDPOINTS["sandbox"].update(rest_url=url, openapi_url=url)
        try:
            name = f"{'Traced' if traced else 'Timed'} {invoices}"
            connection = ledger(name, invoices, offset, earlier, seen)
            results.append(measure(connection, traced=traced))
        finally:
            process.terminate()
            process.wait(timeout=10)
    (timed, seconds, _), (_, traced_seconds, peak) = results
    report(invoices, changed, timed, seconds, traced_seconds, peak)


def report(invoices, changed, run, seconds, traced_seconds, peak) -> None:
    from django.db.models import Sum

    from integration.models import SyncedPayment

    remote = run.calls.aggregate(total=Sum("duration_ms"))["total"] / 1000
    changes = int(invoices * changed)
    unpaid = invoices - changes // 2
    goal = math.ceil(unpaid / 1000) + 2 * math.ceil(changes / 200) + 2
    ours_ms = (seconds - remote) * 1000 / invoices
    dated = SyncedPayment.objects.filter(payment_import=run, paid_on__isnull=False).count()
    euro = SyncedPayment.objects.filter(payment_import=run, currency="EUR").count()
    first_day = datetime.date.today() - datetime.timedelta(days=EARLIER)
    moved = SyncedPayment.objects.filter(connection=run.connection, changes__payment_import=run)
    moved = moved.exclude(paid_on=first_day).distinct().count()
    print(
        f"{invoices:>7} invoices, {changes} changed ({run.paid} paid, {run.partial} partial, "
        f"{run.changed} dates corrected, {run.unchanged} unchanged, {run.skipped} skipped; "
        f"{dated} new payments with e-conomic's date, {euro} in EUR; {moved} moved to their "
        f"corrected date): {run.api_calls} API calls (goal <= {goal}); "
        f"{seconds:.1f} s wall, of it {remote:.1f} s waiting for e-conomic, so our own work "
        f"{ours_ms:.3f} ms per invoice ({traced_seconds:.1f} s under tracemalloc); "
        f"peak memory {peak / 1_000_000:.1f} MB"
    )
    if run.warnings:
        print("  warnings:", run.warnings.splitlines()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--changed", type=float, default=0.05)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    for invoices in options.sizes:
        one_size(invoices, options.changed)


if __name__ == "__main__":
    main()
