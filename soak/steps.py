"""The soak's steps inside Django: seed the ledger, connect the sandbox agreement, start the
export run, register payments in the sandbox and import them through the workers. Everything
goes through the product's services and tasks; the sandbox is reached over HTTP only.
Imported after Django is set up."""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from accounts_app.models import Customer, Invoice, PaymentCondition, SalesAccount, VatCode
from accounts_app.services import invoice_create, invoice_finalize, invoice_line_add
from economic_sandbox.pytest_plugin import SandboxClient
from integration.models import (
    Connection,
    ExportRun,
    PaymentImport,
    SalesAccountMapping,
    VatCodePairing,
)
from integration.models.connection import ExportMethod, PaymentSync
from integration.models.payments import ImportState
from integration.models.reference import RemoteKind, RemoteRecord
from integration.services.connections import connection_client, connection_test
from integration.services.exports import export_run_start
from integration.services.mappings import payment_conditions_pair
from integration.services.reference import reference_refresh

CENT = Decimal("0.01")
BATCH = 250  # payments per control call: well inside its timeout on a busy machine
SALES_ACCOUNT = 1010  # the seed's domestic sales account, with U25
CONSULTING_GROUP, CONSULTING_PRODUCT = 3, "1"  # "Ydelser m/moms": 1010 in the domestic zone
EURO_EVERY, EURO_RATE = 5, Decimal("7.45")  # every fifth customer is billed in EUR at our rate


def ledger_seed(*, invoices: int, rng: random.Random) -> int:
    """Customers (one for every ten invoices, every fifth of them billed in EUR at our rate) and
    finalized invoices of one to three lines, through the ledger's services; answers the number
    of customers. Each line is coded as a
    bookkeeper codes domestic consulting: sales account 1010 with S25, which is where and how
    e-conomic books it (product 1, group 3, account 1010 with U25), so the export's booking
    checks pass and the content check can hold revenue per account against ours."""
    condition = PaymentCondition.objects.create(name="Net 14 days", kind="net", days=14)
    vat = VatCode.objects.create(code="S25", name="Danish VAT 25 %", rate=Decimal("25.00"))
    sales = SalesAccount.objects.create(number=SALES_ACCOUNT, name="Domestic sales")
    count = max(invoices // 10, 1)
    with transaction.atomic():
        customers = [
            Customer.objects.create(
                number=1000 + n,
                name=f"Chaos Customer {n} ApS",
                email=f"billing{n}@chaos.example",
                address=f"Kaosvej {n}",
                zip_code="8000",
                city="Aarhus C",
                payment_condition=condition, currency="EUR" if n % EURO_EVERY == 0 else "DKK",
            )  # fmt: skip
            for n in range(1, count + 1)
        ]
        for n in range(invoices):
            customer = customers[n % count]
            rate = EURO_RATE if customer.currency == "EUR" else None
            invoice = invoice_create(customer=customer, exchange_rate=rate)
            for line in range(rng.randint(1, 3)):
                invoice_line_add(
                    invoice=invoice, description=f"Consulting {line + 1}",
                    quantity=Decimal(rng.randint(1, 12)),
                    unit_price=Decimal(rng.randint(100, 150_000)) / 100, vat_code=vat,
                    sales_account=sales,
                )  # fmt: skip
            invoice_finalize(invoice=invoice)
    return count


def connection_make(*, sandbox: SandboxClient, agreement_number: int) -> Connection:
    """A fresh sandbox agreement, connected as a finance team would: tested, reference data
    read, defaults chosen, S25 paired with U25, sales account 1010 mapped to the consulting
    group and product, payment conditions paired; booked invoices, full and partial payments."""
    agreement = sandbox.create_agreement(
        agreementNumber=agreement_number, companyName="Chaos Soak ApS"
    )
    connection = Connection.objects.create(
        name="Chaos soak", endpoint="sandbox",
        grant_token=agreement.get("grantToken") or f"sandbox-grant-{agreement_number}",
        export_method=ExportMethod.BOOKED, payment_sync=PaymentSync.PARTIAL,
        payments_since=timezone.localdate(), default_layout_number=19,
        default_payment_terms_number=2, default_vat_zone_number=1,
        default_customer_group_number=1, default_product_number="1",
    )  # fmt: skip
    if not connection_test(connection=connection):
        raise RuntimeError(f"the sandbox agreement did not answer: {connection.test_error}")
    reference_refresh(
        connection=connection,
        client=connection_client(connection=connection, purpose="reference refresh"),
    )
    u25 = RemoteRecord.objects.get(connection=connection, kind=RemoteKind.VAT_ACCOUNT, number="U25")
    VatCodePairing.objects.create(
        connection=connection, vat_code=VatCode.objects.get(code="S25"), vat_account=u25
    )
    SalesAccountMapping.objects.create(
        connection=connection, sales_account=SalesAccount.objects.get(number=SALES_ACCOUNT),
        product_group_number=CONSULTING_GROUP,
        product=RemoteRecord.objects.get(connection=connection, kind=RemoteKind.PRODUCT,
                                         number=CONSULTING_PRODUCT),
    )  # fmt: skip
    payment_conditions_pair(connection=connection)
    connection.refresh_from_db()
    return connection


def export_start(*, connection: Connection) -> ExportRun:
    """The run a person starts from the invoice list: every finalized invoice, booked; its
    tasks are queued when the jobs are committed."""
    return export_run_start(
        connection=connection, invoices=Invoice.objects.exclude(number=None),
        method=ExportMethod.BOOKED, selection="chaos soak",
    )  # fmt: skip


# -- payments ----------------------------------------------------------------------------------


def _amount(rng: random.Random, most: Decimal) -> Decimal:
    """A partial amount: at least a cent, less than `most`."""
    cents = int(most / CENT)
    return Decimal(rng.randint(1, max(cents - 1, 1))) * CENT


def payments_register(*, sandbox: SandboxClient, rng: random.Random) -> dict[str, int]:
    """One round of payments on the agreement's booked invoices, as customers pay: some in
    full, some partly (once or twice), some not at all; a third of the payments already
    registered are reversed. Sent to the sandbox in batches (one state-file write each, not
    one per payment). Answers counts by kind."""
    agreement = sandbox.agreement_number
    reverse = [
        payment["id"]
        for payment in sandbox.call_control("GET", f"/agreements/{agreement}/payments")
        if not payment.get("reversed") and rng.random() < 1 / 3
    ]
    for start in range(0, len(reverse), BATCH):
        sandbox.payments_batch(reverse=reverse[start : start + BATCH])
    counts = {"full": 0, "partial": 0, "reversed": len(reverse),
              **payments_edit(sandbox=sandbox, rng=rng, spare=set(reverse))}  # fmt: skip
    register = []
    for invoice in _booked(sandbox):
        number = invoice["bookedInvoiceNumber"]
        remainder = Decimal(str(invoice["remainder"])).quantize(CENT)
        chance = rng.random()
        if remainder <= 0 or chance < 0.3:
            continue
        if chance < 0.6 or remainder <= 2 * CENT:
            register.append({"bookedInvoiceNumber": number, "amount": float(remainder),
                             "date": _paid_on(rng), **_days_rate(invoice, rng)})  # fmt: skip
            counts["full"] += 1
            continue
        for _ in range(1 if chance < 0.85 else 2):
            amount = _amount(rng, remainder)
            register.append({"bookedInvoiceNumber": number, "amount": float(amount),
                             "date": _paid_on(rng), **_days_rate(invoice, rng)})  # fmt: skip
            remainder -= amount
            counts["partial"] += 1
    for start in range(0, len(register), BATCH):
        sandbox.payments_batch(register=register[start : start + BATCH])
    return counts


EDITS = 10  # payments changed and deleted a round: one control call (and state write) each


def _days_rate(invoice: dict, rng: random.Random) -> dict:
    """A foreign payment converted at the day's rate (per 100, within a krone of the invoice's),
    so that its amount in base currency differs from the invoice's: an exchange difference."""
    if invoice["currency"] == "DKK":
        return {}
    return {"exchangeRate": float(invoice["exchangeRate"]) + rng.randint(-100, 100) / 100}


def _paid_on(rng: random.Random) -> str:
    """A day in the last fortnight, as customers' transfers arrive: never in the future, nor
    before this accounting year (the import reads the years from the invoice's on)."""
    today = timezone.localdate()
    earliest = max(today - datetime.timedelta(days=13), today.replace(month=1, day=1))
    return (earliest + datetime.timedelta(days=rng.randint(0, (today - earliest).days))).isoformat()


def payments_edit(*, sandbox: SandboxClient, rng: random.Random, spare: set) -> dict[str, int]:
    """A bookkeeper's corrections in e-conomic: a few payments moved to another day only (the
    remainder stays), a few cut to a smaller amount and moved, a few only cut, a few deleted
    (none of them being reversed this round). Corrected as e-conomic does (the entry undone and
    a new one booked) or, for every third, deleted and entered again."""
    agreement = sandbox.agreement_number
    standing = [payment for payment in sandbox.call_control(
        "GET", f"/agreements/{agreement}/payments")
        if not payment.get("reversed") and payment["id"] not in spare
        and Decimal(str(payment["amount"])) > CENT]  # fmt: skip
    chosen = rng.sample(standing, min(len(standing), EDITS * 4))
    for position, payment in enumerate(chosen[: 3 * EDITS]):
        amount = _amount(rng, Decimal(str(payment["amount"])).quantize(CENT))
        change = {"date": _other_day(rng, payment["date"])} if position < 2 * EDITS else {}
        if position >= EDITS:
            change["amount"] = float(amount)
        sandbox.change_payment(payment["id"], rebook=position % 3 == 2, **change)
    for payment in chosen[3 * EDITS :]:
        sandbox.delete_payment(payment["id"])
    return {"changed": min(len(chosen), 3 * EDITS), "deleted": max(len(chosen) - 3 * EDITS, 0)}


def _other_day(rng: random.Random, day: str) -> str:
    for _ in range(20):
        other = _paid_on(rng)
        if other != day:
            return other
    return other


def _booked(sandbox: SandboxClient) -> list[dict]:
    from soak.checks import remote_collection

    return remote_collection(sandbox, "/invoices/booked")


def payments_import_until_clean(
    *, connection: Connection, concurrent: int, attempts: int = 10, timeout: float = 600
) -> list[PaymentImport]:
    """Queue `concurrent` imports at once on the workers and wait for them; again until one of
    a round finished without an error (an injected fault may end an import early, which is
    what the next one is for). Answers every import made."""
    made: list[PaymentImport] = []
    for _ in range(attempts):
        made += _import_round(connection, concurrent, timeout)
        if any(run.state == ImportState.DONE and not run.error for run in made[-concurrent:]):
            return made
    raise RuntimeError(f"no payment import finished cleanly in {attempts} rounds")


def _import_round(connection: Connection, concurrent: int, timeout: float) -> list[PaymentImport]:
    before = PaymentImport.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for _ in range(concurrent):
        async_task("integration.tasks.payments_import_task", connection.pk, "manual",
                   group="chaos soak")  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = list(PaymentImport.objects.filter(connection=connection, id__gt=before))
        if len(runs) >= concurrent and all(run.state != ImportState.RUNNING for run in runs):
            return runs
        time.sleep(0.5)
    raise RuntimeError(f"payment imports still running after {timeout:.0f} s")
