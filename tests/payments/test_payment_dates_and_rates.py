"""What a payment was worth against the invoice's booked rate, and the date of a payment the
entries do not explain: the entry that settled it, or a visible "date unknown"."""

from decimal import Decimal

from django.urls import reverse

from accounts_app.models import Payment
from accounts_app.services import payment_register
from integration.models import InvoiceExport, PaymentImport, SyncedPayment
from integration.services.payments.ledger import Seen, invoice_payments_sync
from tests.payments.conftest import exported, run_import
from tests.payments.test_payment_entries import day, exported_in_euro
from tests.sandbox.invoice_api import days_from_today


def test_a_euro_payment_at_another_rate_records_its_exchange_difference(
    admin_client, paying, sandbox
):
    invoice, number = exported_in_euro(paying, sandbox)  # booked at 7.455
    sandbox.register_payment(number, 100.0, exchange_rate=750.0)
    kroner, kroner_number = exported(paying, sandbox)
    sandbox.register_payment(kroner_number, 250.0)

    run_import(paying)

    synced = SyncedPayment.objects.get(invoice=invoice)
    assert (synced.amount_in_base_currency, synced.exchange_difference) == (
        Decimal("750.00"), Decimal("4.50"))  # fmt: skip
    assert SyncedPayment.objects.get(invoice=kroner).exchange_difference == Decimal("0.00")
    page = admin_client.get(reverse("admin:integration_syncedpayment_changelist")).content
    assert "exchange difference" in page.decode()


def test_a_payment_the_entries_do_not_explain_is_dated_by_the_entry_that_settled_it(
    admin_client, paying, sandbox
):
    invoice, number = exported(paying, sandbox)
    payment_register(invoice=invoice, date=day(-9), amount=Decimal("100.00"))  # entered here
    remote = sandbox.register_payment(number, 250.0, date=days_from_today(-6))

    run_import(paying)

    synced = SyncedPayment.objects.get(invoice=invoice)
    assert (synced.amount, synced.paid_on) == (Decimal("150.00"), day(-6))
    assert synced.voucher_number == remote["voucherNumber"]
    assert Payment.objects.get(pk=synced.payment_id).date == day(-6)
    page = admin_client.get(reverse("admin:integration_syncedpayment_changelist")).content
    assert "(the entry that settled it, voucher" in page.decode()


def test_a_payment_no_entry_explains_is_shown_as_of_unknown_date(admin_client, paying, sandbox):
    invoice, number = exported(paying, sandbox)
    run = PaymentImport.objects.create(connection=paying, trigger="manual")
    # Reconciled in e-conomic without an invoice number: the remainder moved, no entry names it.
    seen = Seen(booked_number=number, gross=Decimal("250.00"), remainder=Decimal("0.00"),
                currency="DKK")  # fmt: skip

    export = InvoiceExport.objects.select_related("connection").get(invoice=invoice)
    assert invoice_payments_sync(export=export, seen=seen, run=run, entries=[]) == "paid"

    synced = SyncedPayment.objects.get(invoice=invoice)
    assert synced.paid_on is None
    page = admin_client.get(reverse("admin:integration_syncedpayment_changelist")).content
    assert f"date unknown, seen on {day(0):%d %b %Y}" in page.decode()
