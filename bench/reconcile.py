"""The daily reconciliation, measured against the sandbox: API calls and wall time for 10,000
exported documents (half drafts, half booked invoices, one customer card for every 50) of
which 1 % drifted the ways a person makes them drift in e-conomic's screens: a draft's line
re-priced, a draft deleted, a draft booked, a booked invoice partly paid (25 of each), and ten
customer cards renamed. Every drifted one must be found, and nothing else.

The sandbox runs in this process; its documents are cloned from one draft and one booked
invoice made through the API, straight into its state (10,000 writes over HTTP would take
minutes); the drifts go through its control API, as a test makes them. Our side is
bulk-inserted: finalized invoices, each with its InvoiceExport, its customer linked. Prints
figures; it is not a test.

    .venv/bin/python bench/reconcile.py [--documents 10000] [--drifted 0.01]
"""

from __future__ import annotations

import argparse
import copy
import datetime
import math
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="ledger-bench-reconcile-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from economic_sandbox.pytest_plugin import SandboxClient, start_in_thread  # noqa: E402
from economic_sandbox.resources.booked import BOOKED  # noqa: E402
from economic_sandbox.resources.invoices import DRAFTS  # noqa: E402

PER_CUSTOMER = 50
CARDS_RENAMED = 10
DRIFTS = ("totals", "draft_deleted", "draft_booked", "remainder")
BODY = {
    "currency": "DKK",
    "customer": {"customerNumber": 1},
    "layout": {"layoutNumber": 19},
    "paymentTerms": {"paymentTermsNumber": 1},
    "recipient": {"name": "Bench", "vatZone": {"vatZoneNumber": 1}},
    "lines": [{"product": {"productNumber": "1"}, "quantity": 2, "unitNetPrice": 100}],
}


def card_of(number: int) -> int:
    return 1000 + (number - 1) // PER_CUSTOMER


def is_draft(number: int) -> bool:
    return number % 2 == 1


def sandbox_fill(running, documents: int, code: str) -> None:
    """Drafts (odd numbers) and booked invoices (even), numbered as our invoices, each with our
    reference; one card per 50, as our customers are."""
    client = SandboxClient(running.base_url)
    body = {**BODY, "date": datetime.date.today().isoformat()}
    draft = client.post("/invoices/drafts", json=body).json()["draftInvoiceNumber"]
    booked = client.post("/invoices/drafts", json=body).json()["draftInvoiceNumber"]
    booking = {"draftInvoice": {"draftInvoiceNumber": booked}}
    booked = client.post("/invoices/booked", json=booking).json()["bookedInvoiceNumber"]
    agreement = running.app.world.get(client.agreement_number)
    drafts, books, cards = (agreement.table(name) for name in (DRAFTS, BOOKED, "customers"))
    templates = (drafts.pop(draft), books.pop(booked), cards[1])
    drafts.clear()
    books.clear()
    for number in range(1, documents + 1):
        reference = {"other": f"LB-{code}-INV-{number}"}
        customer = {"customerNumber": card_of(number)}
        if is_draft(number):
            drafts[number] = {
                **copy.deepcopy(templates[0]),
                "draftInvoiceNumber": number,
                "references": reference,
                "customer": customer,
            }
        else:
            books[number] = {
                **copy.deepcopy(templates[1]),
                "bookedInvoiceNumber": number,
                "references": reference,
                "customer": customer,
            }
    for number in range(card_of(1), card_of(documents) + 1):
        cards[number] = {
            **copy.deepcopy(templates[2]),
            "customerNumber": number,
            "name": f"Bench {number}",
            "address": "Vejen 1",
            "zip": "8000",
            "city": "Aarhus C",
            "lastUpdated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        for key in ("email", "ean", "corporateIdentificationNumber", "vatNumber"):
            cards[number].pop(key, None)
    agreement.counters[DRAFTS] = agreement.counters[BOOKED] = documents


def ledger(documents: int):
    """A connection and `documents` finalized invoices of 250.00, exported as the sandbox has
    them, their customers linked to the cards."""
    from accounts_app.models import Customer, Invoice, PaymentCondition
    from integration.models import Connection, CustomerLink, InvoiceExport

    condition, _ = PaymentCondition.objects.get_or_create(name="Net 8", kind="net", days=8)
    connection = Connection.objects.create(
        name="Bench",
        endpoint="sandbox",
        grant_token="sandbox-grant-1",
        payment_sync="partial",
        payments_since=datetime.date.today(),
    )
    cards = range(card_of(1), card_of(documents) + 1)
    Customer.objects.bulk_create(
        Customer(
            number=card,
            name=f"Bench {card}",
            address="Vejen 1",
            zip_code="8000",
            city="Aarhus C",
            payment_condition=condition,
        )
        for card in cards
    )
    customers = dict(Customer.objects.values_list("number", "pk"))
    CustomerLink.objects.bulk_create(
        CustomerLink(
            connection=connection, customer_id=customers[card], state="linked", remote_number=card
        )
        for card in cards
    )
    today = datetime.date.today()
    Invoice.objects.bulk_create(
        Invoice(
            number=n,
            state="finalized",
            customer_id=customers[card_of(n)],
            payment_condition=condition,
            currency="DKK",
            exchange_rate=Decimal(1),
            issue_date=today,
            due_date=today,
            net_total=Decimal("200.00"),
            vat_total=Decimal("50.00"),
            gross_total=Decimal("250.00"),
            amount_paid=Decimal("0.00"),
        )
        for n in range(1, documents + 1)
    )
    invoices = dict(Invoice.objects.values_list("number", "pk"))
    InvoiceExport.objects.bulk_create(
        InvoiceExport(
            connection=connection,
            invoice_id=invoices[n],
            economic_number=str(n),
            method="draft" if is_draft(n) else "booked",
            **({"draft_number": n} if is_draft(n) else {"booked_number": n}),
        )
        for n in range(1, documents + 1)
    )
    return connection, invoices


def drift(sandbox: SandboxClient, documents: int, share: float) -> dict[str, set[str]]:
    """Drift `share` of the documents, a quarter each way, and rename ten cards; answer the
    findings that must come out, by kind."""
    each = math.ceil(documents * share) // len(DRIFTS)
    drafts = [n for n in range(1, documents + 1) if is_draft(n)]
    booked = [n for n in range(1, documents + 1) if not is_draft(n)]
    agreement = f"/agreements/{sandbox.agreement_number}"
    expected: dict[str, set[int]] = {kind: set() for kind in (*DRIFTS, "card_changed")}
    step = len(drafts) // (3 * each)  # spread over the ledger
    for position, kind in enumerate(("totals", "draft_deleted", "draft_booked")):
        for number in drafts[position::step][:each]:
            path = f"{agreement}/drafts/{number}"
            if kind == "totals":
                sandbox.call_control("PUT", f"{path}/lines/1", {"unitNetPrice": 120})
            elif kind == "draft_deleted":
                sandbox.call_control("DELETE", path)
            else:
                sandbox.call_control("POST", f"{path}/book")
            expected[kind].add(number)
    for number in booked[:: len(booked) // each][:each]:
        sandbox.call_control(
            "POST", f"{agreement}/payments", {"bookedInvoiceNumber": number, "amount": 100}
        )
        expected["remainder"].add(number)
    for card in range(card_of(1), card_of(1) + CARDS_RENAMED):
        sandbox.call_control("PUT", f"{agreement}/customers/{card}", {"name": f"Renamed {card}"})
        expected["card_changed"].add(card)
    return expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--drifted", type=float, default=0.01)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)

    from integration.models import ApiCall, ReconcileFinding
    from integration.services.installation import installation_code
    from integration.services.reconcile import reconcile_connection

    running = start_in_thread()
    try:
        sandbox = SandboxClient(running.base_url)
        settings.ECONOMIC_ENDPOINTS["sandbox"].update(
            rest_url=running.base_url, openapi_url=running.base_url
        )
        sandbox_fill(running, options.documents, installation_code())
        connection, invoices = ledger(options.documents)
        expected = drift(sandbox, options.documents, options.drifted)
        started = time.perf_counter()
        run = reconcile_connection(connection=connection)
        seconds = time.perf_counter() - started
    finally:
        running.stop()
    assert run.error == "", run.error
    report(run, seconds, expected, invoices, ApiCall, ReconcileFinding)


def report(run, seconds, expected, invoices, api_call, finding_model) -> None:
    numbers = {pk: number for number, pk in invoices.items()}
    found: dict[str, set[int]] = {}
    for finding in finding_model.objects.filter(connection=run.connection, state="open"):
        number = numbers.get(finding.invoice_id) if finding.invoice_id else finding.remote_number
        found.setdefault(finding.kind, set()).add(number)
    missed = sum(len(wanted - found.get(kind, set())) for kind, wanted in expected.items())
    extra = sum(len(got - expected.get(kind, set())) for kind, got in found.items())
    calls = api_call.objects.filter(purpose="reconciliation")
    waited = sum(calls.values_list("duration_ms", flat=True)) / 1000
    drifted = sum(len(wanted) for kind, wanted in expected.items() if kind != "card_changed")
    kinds = ", ".join(f"{kind} {len(got)}" for kind, got in sorted(found.items()))
    print(
        f"{run.documents} documents, {drifted} drifted and {CARDS_RENAMED} cards renamed: "
        f"{run.api_calls} API calls (budget {run.budget}); {seconds:.2f} s wall, of it "
        f"{waited:.2f} s waiting for e-conomic (the sandbox, in this process); found "
        f"{run.found} ({kinds}); missed {missed}, flagged wrongly {extra}"
    )
    if missed or extra:
        raise SystemExit("The reconciliation did not find exactly the drifted documents.")


if __name__ == "__main__":
    main()
