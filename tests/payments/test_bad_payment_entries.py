"""A payment entry e-conomic answers that we cannot take (an invoice we never exported, another
currency than the invoice's, a date in the future) is shown on the import and changes nothing."""

import datetime

import pytest

from accounts_app.models import Invoice, Payment
from integration.models import SyncedPayment
from tests.payments.conftest import exported, fresh, run_import
from tests.sandbox.invoice_api import days_from_today

YEAR = str(datetime.date.today().year)


def book_payment_voucher(sandbox, **entry) -> None:
    """A customer payment booked through the payments journal (journal 2), as a bookkeeper
    enters one: it names an invoice but is not matched to a booked invoice's remainder."""
    payment = {"customer": {"customerNumber": 1}, "amount": -100, "date": days_from_today(0),
               "text": "Bank transfer", **entry}
    body = {"accountingYear": {"year": YEAR}, "entries": {"customerPayments": [payment]}}
    answer = sandbox.post("/journals/2/vouchers", json=body)
    assert answer.status_code == 201, answer.text
    booked = sandbox.post("/journalsapi/v15.0.0/journals/2/book")
    assert booked.status_code == 204, booked.text


def test_a_payment_entry_naming_an_invoice_we_never_exported_is_shown_and_changes_nothing(
    paying, sandbox
):
    invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 250.0)
    book_payment_voucher(sandbox, customerInvoice=99999)

    run = run_import(paying)

    assert run.paid == 1
    assert "names invoice 99999, not one we exported: nothing recorded" in run.warnings
    assert Payment.objects.count() == 1


def test_a_payment_entry_in_another_currency_than_the_invoices_is_shown_and_changes_nothing(
    paying, sandbox
):
    invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 100.0)
    book_payment_voucher(sandbox, customerInvoice=number, currency={"code": "SEK"},
                         exchangeRate=65)

    run = run_import(paying)

    assert (run.partial, run.skipped) == (0, 1)
    assert "is in SEK, the invoice in DKK: nothing recorded" in run.warnings
    assert fresh(invoice).state == Invoice.State.FINALIZED
    assert not SyncedPayment.objects.exists()


def test_a_payment_dated_in_the_future_is_shown_and_changes_nothing(paying, sandbox):
    invoice, number = exported(paying, sandbox)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    if tomorrow.year != datetime.date.today().year:
        pytest.skip("On 31 December tomorrow is in next year's accounting year, not read yet.")
    sandbox.register_payment(number, 250.0, date=tomorrow.isoformat())

    run = run_import(paying)

    assert run.skipped == 1
    assert "in the future: nothing recorded" in run.warnings
    assert not Payment.objects.exists()
