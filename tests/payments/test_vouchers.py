"""Invoices exported as journal vouchers are followed through their receivable entry's remainder
once booked, and their payments recorded with e-conomic's dates and amounts."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts_app.models import Invoice, Payment
from integration.models import CustomerLink, ExportJob, InvoiceExport, SyncedPayment
from integration.models.connection import ExportMethod
from integration.models.mappings import CustomerLinkState
from tests.exports.conftest import make_invoice
from tests.payments.conftest import fresh, run_import
from tests.sandbox.invoice_api import days_from_today

YEAR = str(datetime.date.today().year)


def day(offset: int) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=offset)


def exported_as_voucher(connection, sandbox, *, booked: bool = True) -> Invoice:
    """A 250.00 invoice sent as a balanced voucher to journal 1 (booked unless told), its
    customer linked to the sandbox's customer 1, recorded as the voucher export leaves it."""
    link = CustomerLink.objects.filter(connection=connection, remote_number=1).first()
    invoice = make_invoice(customer=link.customer if link else None)
    entry = {"customer": {"customerNumber": 1}, "customerInvoice": invoice.number,
             "amount": 250, "date": days_from_today(0), "text": f"Invoice {invoice.number}",
             "contraAccount": {"accountNumber": 1010}, "contraVatAccount": {"vatCode": "U25"}}
    body = {"accountingYear": {"year": YEAR}, "entries": {"manualCustomerInvoices": [entry]}}
    answer = sandbox.post("/journals/1/vouchers", json=body)
    assert answer.status_code == 201, answer.text
    voucher = answer.json()[0]["voucherNumber"]
    if booked:
        assert sandbox.post("/journalsapi/v15.0.0/journals/1/book").status_code == 204
    if link is None:
        CustomerLink.objects.create(
            connection=connection, customer=invoice.customer, state=CustomerLinkState.LINKED,
            remote_number=1,
        )  # fmt: skip
    job = ExportJob.objects.create(
        connection=connection, kind="invoice", object_id=invoice.pk, method=ExportMethod.VOUCHER,
        key=f"voucher-{invoice.pk}", not_before=timezone.now(), state="done",
        voucher_number=voucher, voucher_year=YEAR, voucher_booked=booked,
    )  # fmt: skip
    InvoiceExport.objects.create(
        connection=connection, invoice=invoice, job=job, method=ExportMethod.VOUCHER,
        voucher_number=voucher, economic_number=str(voucher),
    )  # fmt: skip
    return invoice


def test_a_booked_voucher_paid_in_full_is_recorded_with_e_conomics_date(paying, sandbox):
    invoice = exported_as_voucher(paying, sandbox)
    sandbox.register_voucher_payment(invoice.number, 250.0, date=days_from_today(-2))

    assert run_import(paying).paid == 1

    invoice = fresh(invoice)
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.PAID, Decimal("250.00"))
    assert Payment.objects.get(invoice=invoice).date == day(-2)
    synced = SyncedPayment.objects.get(invoice=invoice)
    assert (synced.paid_on, synced.amount_in_base_currency) == (day(-2), Decimal("250.00"))
    assert run_import(paying).paid == 0


def test_a_partial_payment_of_a_voucher_is_recorded_and_a_second_run_changes_nothing(
    paying, sandbox
):
    invoice = exported_as_voucher(paying, sandbox)
    sandbox.register_voucher_payment(invoice.number, 100.0)

    assert run_import(paying).partial == 1
    again = run_import(paying)

    assert (again.partial, again.unchanged) == (0, 1)
    assert fresh(invoice).amount_paid == Decimal("100.00")


def test_a_deleted_voucher_payment_reverses_ours(paying, sandbox):
    invoice = exported_as_voucher(paying, sandbox)
    payment = sandbox.register_voucher_payment(invoice.number, 250.0)
    run_import(paying)

    sandbox.delete_payment(payment["id"])
    assert run_import(paying).reversed == 1

    assert fresh(invoice).state == Invoice.State.FINALIZED


def test_a_voucher_not_yet_booked_is_not_taken_for_paid(paying, sandbox):
    invoice = exported_as_voucher(paying, sandbox, booked=False)

    run = run_import(paying)

    assert (run.paid, run.skipped) == (0, 0)
    assert fresh(invoice).state == Invoice.State.FINALIZED


def test_a_payment_of_another_of_our_vouchers_is_no_unknown_invoice(paying, sandbox):
    paid = exported_as_voucher(paying, sandbox)
    waiting = exported_as_voucher(paying, sandbox)
    sandbox.register_voucher_payment(waiting.number, 100.0)
    run_import(paying)
    sandbox.register_voucher_payment(paid.number, 250.0)

    run = run_import(paying)

    assert (run.paid, run.unchanged, run.warnings) == (1, 1, "")


def test_booked_invoices_and_vouchers_are_read_in_few_calls(paying, sandbox):
    from tests.payments.conftest import exported

    _invoice, number = exported(paying, sandbox)
    voucher = exported_as_voucher(paying, sandbox)
    sandbox.register_payment(number, 250.0)
    sandbox.register_voucher_payment(voucher.number, 250.0)
    since = sandbox.last_request_id()

    run = run_import(paying)

    assert run.paid == 2
    paths = [entry["path"] for entry in sandbox.request_log(since)]
    entries = f"/accounting-years/{YEAR}/entries"
    assert paths == [
        "/accounting-years", entries, "/invoices/unpaid", "/invoices/booked", entries, entries
    ]
