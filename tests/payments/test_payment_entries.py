"""Payments recorded as e-conomic booked them: its date, the amount in the invoice's currency and
in base currency, the voucher; its edits and deletions mirrored, each as one row in words."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts_app.models import Invoice, Payment
from integration.models import InvoiceExport, PaymentChange, SyncedPayment
from integration.models.connection import ExportMethod
from integration.services.installation import installation_code, invoice_reference
from integration.services.payments.entries import PaymentEntry, settlement_of
from tests.exports.conftest import make_customer, make_invoice
from tests.payments.conftest import exported, fresh, remote_book, run_import
from tests.sandbox.invoice_api import a_draft, a_line, days_from_today


def day(offset: int) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=offset)


def exported_in_euro(connection, sandbox) -> tuple[Invoice, int]:
    """A 250.00 EUR invoice at 7.455, booked in the sandbox at 745.5 and recorded as exported."""
    invoice = make_invoice(customer=make_customer(currency="EUR"), exchange_rate=Decimal("7.455"))
    body = a_draft(
        currency="EUR", exchangeRate=745.5, lines=[a_line(quantity=2, unitNetPrice=100)],
        references={"other": invoice_reference(invoice, installation=installation_code())},
    )  # fmt: skip
    number = remote_book(sandbox, sandbox.post("/invoices/drafts", json=body).json()[
        "draftInvoiceNumber"])
    InvoiceExport.objects.create(
        connection=connection, invoice=invoice, method=ExportMethod.BOOKED,
        booked_number=number, economic_number=str(number),
    )  # fmt: skip
    return invoice, number


def test_a_payment_is_recorded_on_e_conomics_date_not_the_imports(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    remote = sandbox.register_payment(number, 250.0, date=days_from_today(-9))

    assert run_import(paying).paid == 1

    synced = SyncedPayment.objects.get(invoice=invoice)
    assert (synced.paid_on, synced.voucher_number) == (day(-9), remote["voucherNumber"])
    assert synced.entry_number == remote["entryNumber"]
    assert Payment.objects.get(invoice=invoice).date == day(-9)


def test_two_payments_between_imports_are_recorded_with_their_own_dates(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 100.0, date=days_from_today(-5))
    sandbox.register_payment(number, 150.0, date=days_from_today(-2))

    run_import(paying)

    dates = Payment.objects.filter(invoice=invoice).order_by("date").values_list("date", "amount")
    assert list(dates) == [(day(-5), Decimal("100.00")), (day(-2), Decimal("150.00"))]


def test_a_euro_payment_is_recorded_in_euro_and_in_base_currency(paying, sandbox):
    invoice, number = exported_in_euro(paying, sandbox)
    sandbox.register_payment(number, 100.0)

    assert run_import(paying).partial == 1

    synced = SyncedPayment.objects.get(invoice=invoice)
    assert (synced.amount, synced.currency) == (Decimal("100.00"), "EUR")
    assert synced.amount_in_base_currency == Decimal("745.50")


def test_a_changed_amount_updates_our_payment_with_one_row_in_words(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    remote = sandbox.register_payment(number, 100.0, date=days_from_today(-3))
    run_import(paying)

    sandbox.change_payment(remote["id"], amount=80.0)
    assert run_import(paying).checked == 1

    assert fresh(invoice).amount_paid == Decimal("80.00")
    assert Payment.objects.get(invoice=invoice).amount == Decimal("80.00")
    [change] = PaymentChange.objects.all()
    assert change.kind == "changed"
    assert "DKK 100.00, changed in e-conomic to" in change.description
    assert "DKK 80.00" in change.description
    run_import(paying)
    assert PaymentChange.objects.count() == 1


@pytest.mark.parametrize("rebook", [False, True], ids=["corrected", "rebooked"])
def test_a_changed_date_alone_moves_our_payment_at_the_next_import(paying, sandbox, rebook):
    invoice, number = exported(paying, sandbox)
    remote = sandbox.register_payment(number, 250.0, date=days_from_today(-2))
    run_import(paying)

    sandbox.change_payment(remote["id"], date=days_from_today(-20), rebook=rebook)
    run = run_import(paying)  # the remainder did not move; the new entries say what did

    assert (run.changed, run.api_calls) == (1, 5)  # unpaid, years, new entries, confirm, entries
    assert Payment.objects.get(invoice=invoice).date == day(-20)
    assert SyncedPayment.objects.get(invoice=invoice).paid_on == day(-20)
    [change] = PaymentChange.objects.all()
    assert change.description.startswith(f"payment of {day(-2):%d %b %Y}, DKK 250.00,")
    assert f"changed in e-conomic to payment of {day(-20):%d %b %Y}" in change.description
    assert run_import(paying).changed == 0


def test_a_correction_is_paired_whichever_of_its_entries_is_numbered_first():
    def entry(number, amount, voucher, offset):
        return PaymentEntry(number, day(offset), Decimal(amount), Decimal(amount), "DKK",
                            voucher, "7")  # fmt: skip

    paid, new, undone = entry(1, 250, 10, -2), entry(2, 250, 11, -20), entry(3, -250, 11, -2)

    settlement = settlement_of([paid, new, undone])

    assert (settlement.standing, settlement.replaced_by) == ([new], {1: new})


def test_a_deleted_payment_reverses_ours_and_says_so(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    remote = sandbox.register_payment(number, 250.0, date=days_from_today(-4))
    run_import(paying)

    sandbox.delete_payment(remote["id"])
    assert run_import(paying).reversed == 1

    invoice = fresh(invoice)
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.FINALIZED, Decimal("0.00"))
    assert SyncedPayment.objects.get(invoice=invoice).state == "reversed"
    [change] = PaymentChange.objects.all()
    assert change.kind == "deleted"
    assert change.description.startswith(f"payment of {day(-4):%d %b %Y}, DKK 250.00")
    assert change.description.endswith(f"deleted in e-conomic on {day(0):%d %b %Y}")
    assert run_import(paying).unchanged == 1


def test_a_reversal_is_dated_by_its_entry(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    remote = sandbox.register_payment(number, 250.0, date=days_from_today(-6))
    run_import(paying)

    sandbox.reverse_payment(remote["id"], date=days_from_today(-1))
    run_import(paying)

    back = Payment.objects.get(invoice=invoice, amount__lt=0)
    assert back.date == day(-1)
    assert PaymentChange.objects.get().kind == "reversed"


def test_payments_of_several_invoices_are_read_in_one_entries_call(paying, sandbox):
    numbers = [exported(paying, sandbox)[1] for _ in range(4)]
    for number in numbers:
        sandbox.register_payment(number, 250.0)
    since = sandbox.last_request_id()

    run_import(paying)

    paths = [entry["path"] for entry in sandbox.request_log(since)]
    assert sum(path.endswith("/entries") for path in paths) == 2  # new since last, the batch's


def test_the_payments_page_shows_e_conomics_date_and_each_change_in_words(
    admin_client, paying, sandbox
):
    invoice, number = exported(paying, sandbox)
    remote = sandbox.register_payment(number, 250.0, date=days_from_today(-4))
    run_import(paying)
    sandbox.delete_payment(remote["id"])
    run_import(paying)
    synced = SyncedPayment.objects.get(invoice=invoice)

    page = admin_client.get(
        reverse("admin:integration_syncedpayment_change", args=[synced.pk])
    ).content.decode()

    assert PaymentChange.objects.get().description in page


def test_a_payment_reversed_and_paid_again_at_the_same_remainder_is_found(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    first = sandbox.register_payment(number, 250.0, date=days_from_today(-8))
    run_import(paying)
    sandbox.reverse_payment(first["id"])
    again = sandbox.register_payment(number, 250.0, date=days_from_today(-1))

    run = run_import(paying)  # the remainder is 0 before and after

    assert run.paid == 1
    active = SyncedPayment.objects.get(invoice=invoice, state="active")
    assert (active.entry_number, active.paid_on) == (again["entryNumber"], day(-1))
    assert fresh(invoice).amount_paid == Decimal("250.00")
    assert PaymentChange.objects.get().kind == "reversed"


def test_an_import_reads_only_the_payment_entries_booked_since_the_last(paying, sandbox):
    _invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 100.0)
    run_import(paying)
    paying.refresh_from_db()
    seen = paying.payment_entries_seen
    assert seen > 0
    since = sandbox.last_request_id()

    run_import(paying)

    [feed] = [entry for entry in sandbox.request_log(since) if entry["path"].endswith("/entries")]
    assert f"entryNumber$gt:{seen}" in feed["query"]["filter"]
