"""Seed the demo company: reference data, ~25 customers, projects and ~200 invoices over the
three months before an anchor date, in mixed states. Deterministic (one seeded random.Random)
and idempotent: rows are keyed on natural keys and every invoice on an import reference, so a
second run finds everything in place and changes nothing."""
import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from accounts_app import demo_data
from accounts_app.models import (
    Customer,
    Invoice,
    PaymentCondition,
    Project,
    SalesAccount,
    ServiceType,
    VatCode,
)
from accounts_app.services.invoices import (
    invoice_create,
    invoice_credit,
    invoice_finalize,
    invoice_line_add,
)
from accounts_app.services.payments import payment_register

SEED = 20260101
INVOICE_COUNT = 200
DAYS_BACK = 91
REFERENCE_PREFIX = "DEMO-"


@dataclass
class DemoSeedResult:
    created_invoices: int = 0
    skipped_invoices: int = 0
    credit_notes: int = 0
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class InvoicePlan:
    reference: str
    customer_number: int
    issue_date: datetime.date
    lines: list[tuple[str, Decimal]]  # (service type name, quantity)
    outcome: str  # draft, open, partly_paid, paid
    paid_after_days: int


def demo_seed(*, anchor: datetime.date) -> DemoSeedResult:
    """Create what is missing of the demo company; leave whatever exists untouched."""
    result = DemoSeedResult()
    with transaction.atomic():
        _reference_data_seed()
        _customers_seed()
        _projects_seed()
        for plan in sorted(_invoice_plans(anchor), key=lambda p: (p.issue_date, p.reference)):
            if Invoice.objects.filter(import_reference=plan.reference).exists():
                result.skipped_invoices += 1
                continue
            _invoice_seed(plan, anchor)
            result.created_invoices += 1
        result.credit_notes = _credit_notes_seed()
    return result


def _reference_data_seed() -> None:
    for code, name, rate in demo_data.VAT_CODES:
        VatCode.objects.get_or_create(code=code, defaults={"name": name, "rate": rate})
    for name, kind, days in demo_data.PAYMENT_CONDITIONS:
        PaymentCondition.objects.get_or_create(name=name, defaults={"kind": kind, "days": days})
    for number, name in demo_data.SALES_ACCOUNTS:
        SalesAccount.objects.get_or_create(number=number, defaults={"name": name})
    for name, account_number, _price in demo_data.SERVICE_TYPES:
        ServiceType.objects.get_or_create(
            name=name,
            defaults={"default_sales_account": SalesAccount.objects.get(number=account_number)},
        )


def _customers_seed() -> None:
    for row in demo_data.customer_rows():
        if Customer.objects.filter(number=row["number"]).exists():
            continue
        values = dict(row)
        values["payment_condition"] = PaymentCondition.objects.get(name=values["payment_condition"])
        customer = Customer(**values)
        customer.full_clean()  # the demo's registration numbers pass the same checks as the forms
        customer.save()


def _projects_seed() -> None:
    customers = list(Customer.objects.filter(kind=Customer.Kind.COMPANY).order_by("number"))
    for index, name in enumerate(demo_data.PROJECT_NAMES * 2):
        customer = customers[(index * 5) % len(customers)]
        Project.objects.get_or_create(
            number=5001 + index,
            defaults={"name": f"{name} for {customer.name}", "customer": customer},
        )


def _invoice_plans(anchor: datetime.date) -> list[InvoicePlan]:
    rng = random.Random(SEED)
    numbers = [row["number"] for row in demo_data.customer_rows()]
    services = [name for name, _account, _price in demo_data.SERVICE_TYPES]
    return [_invoice_plan(rng, index, anchor, numbers, services) for index in range(INVOICE_COUNT)]


def _invoice_plan(rng, index, anchor, customer_numbers, services) -> InvoicePlan:
    days_ago = rng.randint(0, DAYS_BACK)
    lines = []
    for _ in range(rng.randint(1, 4)):
        service = rng.choice(services)
        quantity = Decimal(rng.randint(20, 400) if service == "Travel" else rng.randint(1, 80)) / 2
        lines.append((service, quantity.quantize(Decimal("0.01"))))
    roll = rng.random()
    if days_ago < 10 and roll < 0.35:
        outcome = "draft"
    else:
        outcome = "paid" if roll < 0.55 else "partly_paid" if roll < 0.7 else "open"
    return InvoicePlan(
        reference=f"{REFERENCE_PREFIX}{index + 1:04d}",
        customer_number=rng.choice(customer_numbers),
        issue_date=anchor - datetime.timedelta(days=days_ago),
        lines=lines,
        outcome=outcome,
        paid_after_days=rng.randint(3, 30),
    )


def _invoice_seed(plan: InvoicePlan, anchor: datetime.date) -> None:
    customer = Customer.objects.get(number=plan.customer_number)
    invoice = invoice_create(
        customer=customer,
        issue_date=plan.issue_date,
        project=customer.projects.order_by("number").first(),
        exchange_rate=demo_data.EXCHANGE_RATES[customer.currency],
        import_reference=plan.reference,
        their_reference=f"PO {plan.reference[-4:]}",
    )
    for service_name, quantity in plan.lines:
        _demo_line_add(invoice, customer, service_name, quantity)
    if plan.outcome == "draft":
        return
    invoice = invoice_finalize(invoice=invoice)
    _demo_payments_seed(invoice, plan, anchor)


def _demo_line_add(invoice, customer, service_name, quantity) -> None:
    service = ServiceType.objects.get(name=service_name)
    price = next(p for name, _a, p in demo_data.SERVICE_TYPES if name == service_name)
    account = demo_data.SITUATION_ACCOUNT[customer.vat_situation]
    if service_name == "Travel" and customer.vat_situation == "domestic":
        account = demo_data.TRAVEL_ACCOUNT
    invoice_line_add(
        invoice=invoice,
        description=f"{service_name} ({'km' if service_name == 'Travel' else 'hours'})",
        quantity=quantity,
        unit_price=(price / invoice.exchange_rate).quantize(Decimal("0.01")),
        vat_code=VatCode.objects.get(code=demo_data.SITUATION_VAT_CODE[customer.vat_situation]),
        sales_account=SalesAccount.objects.get(number=account),
        service_type=service,
    )  # fmt: skip


def _demo_payments_seed(invoice: Invoice, plan: InvoicePlan, anchor: datetime.date) -> None:
    paid_on = min(plan.issue_date + datetime.timedelta(days=plan.paid_after_days), anchor)
    amounts = {"paid": invoice.gross_total, "partly_paid": (invoice.gross_total / 2).quantize(
        Decimal("0.01"))}  # fmt: skip
    if plan.outcome not in amounts:
        return
    payment_register(
        invoice=invoice,
        date=paid_on,
        amount=amounts[plan.outcome],
        source="demo",
        external_reference=f"{plan.reference}-P1",
    )


def _credit_notes_seed() -> int:
    """Credit the two oldest open demo invoices, once: the second run finds them credited."""
    if Invoice.objects.filter(credited_invoice__import_reference__startswith=REFERENCE_PREFIX,
                              ).count() >= 2:  # fmt: skip
        return 0
    open_invoices = Invoice.objects.filter(
        import_reference__startswith=REFERENCE_PREFIX, state=Invoice.State.FINALIZED
    ).order_by("number")[:2]
    for invoice in open_invoices:
        invoice_credit(invoice=invoice, issue_date=invoice.issue_date + datetime.timedelta(days=3))
    return len(open_invoices)
