"""An import says what it did in words: the counts, the money per currency, and the invoices
that need a person (a payment in another currency than the invoice's, a payment on an invoice
never exported from here), which it leaves as they are."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts_app.models import Invoice
from accounts_app.services import payment_register
from integration.models import PaymentImport, SyncedPayment
from integration.services.payments.summary import payment_import_summary
from tests.exports.conftest import make_customer, make_invoice
from tests.payments.conftest import exported, fresh, remote_book, run_import
from tests.sandbox.invoice_api import a_draft, a_line


def test_a_run_sums_what_it_received_per_currency(paying, sandbox):
    _paid, paid_number = exported(paying, sandbox)
    _partly, partly_number = exported(paying, sandbox)
    sandbox.register_payment(paid_number, 250.0)
    sandbox.register_payment(partly_number, 1234.5 / 10)
    run = run_import(paying)
    # A euro payment recorded by the same run (the sandbox books in DKK only), and a credit
    # note settling an invoice, which is no money received.
    eur_invoice = make_invoice(customer=make_customer(currency="EUR"))
    cash = payment_register(invoice=eur_invoice, date=timezone.localdate(), amount=Decimal("200"))
    for kind, payment in (("cash", cash), ("credit_note", None)):
        SyncedPayment.objects.create(
            connection=paying, invoice=eur_invoice, payment=payment, payment_import=run,
            booked_number=999, reference=kind, amount=Decimal("25.00") if payment is None
            else cash.amount, currency="EUR", kind=kind,
        )  # fmt: skip

    assert payment_import_summary(run=run) == (
        "Paid 1, partly paid 1, reversed 0, changed 0 — received DKK 373.45, EUR 200.00."
    )


def test_a_payment_in_another_currency_than_the_invoice_s_waits_for_a_person(paying, sandbox):
    invoice, number = exported(
        paying, sandbox, make_invoice(customer=make_customer(currency="EUR"))
    )  # e-conomic's copy is in DKK
    sandbox.register_payment(number, 100.0)

    run = run_import(paying)

    assert fresh(invoice).amount_paid == Decimal("0.00")
    assert (run.skipped, run.partial) == (1, 0)
    assert f"e-conomic invoice {number} (our {invoice}): a payment in DKK" in run.needs_person
    assert run.needs_person in run.warnings
    assert payment_import_summary(run=run).startswith(
        "Paid 0, partly paid 0, reversed 0, changed 0; 1 invoice needs a person: e-conomic "
        f"invoice {number}"
    )


def test_a_payment_on_an_invoice_never_exported_from_here_waits_for_a_person(paying, sandbox):
    exported(paying, sandbox)
    draft = sandbox.post("/invoices/drafts", json=a_draft(lines=[a_line(quantity=2)])).json()
    foreign = remote_book(sandbox, draft["draftInvoiceNumber"])
    sandbox.register_payment(foreign, 50.0)
    untouched = set(Invoice.objects.values_list("pk", "amount_paid"))

    run = run_import(paying)

    assert set(Invoice.objects.values_list("pk", "amount_paid")) == untouched
    assert run.needs_person == (
        f"e-conomic invoice {foreign}: DKK 50.00 paid on an invoice never exported from here."
    )
    assert "1 invoice needs a person" in payment_import_summary(run=run)


def test_an_invoice_made_in_e_conomic_and_unpaid_is_no_concern(paying, sandbox):
    draft = sandbox.post("/invoices/drafts", json=a_draft(lines=[a_line(quantity=2)])).json()
    remote_book(sandbox, draft["draftInvoiceNumber"])

    assert run_import(paying).needs_person == ""


def test_a_failed_run_says_why_and_what_it_did_before(paying):
    run = PaymentImport.objects.create(
        connection=paying, trigger="daily", state="failed", error="e-conomic answered 503.",
        paid=2,
    )  # fmt: skip

    assert payment_import_summary(run=run) == (
        "Failed: e-conomic answered 503. Before it stopped: Paid 2, partly paid 0, reversed 0, "
        "changed 0."
    )


def test_a_clerk_reads_the_summary_on_the_import_page_and_the_index(client, clerk, paying, sandbox):
    import importlib

    from django.apps import apps

    importlib.import_module("integration.migrations.0006_payment_permissions").grant(apps, None)
    _invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 250.0)
    run = run_import(paying)
    client.force_login(clerk)

    page = client.get(reverse("admin:integration_paymentimport_change", args=[run.pk]))
    index = client.get(reverse("admin:index"))

    sentence = "Paid 1, partly paid 0, reversed 0, changed 0 — received DKK 250.00."
    assert page.status_code == 200 and sentence in page.content.decode()
    assert sentence in index.content.decode()
