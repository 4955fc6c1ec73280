"""Detection reads /invoices/unpaid a page at a time and confirms what left it 200 a call; the
changed invoices' payment entries are read for 200 invoices a call, after the accounting years
once."""

import datetime

from integration.models import ApiCall
from tests.payments.conftest import exported, run_import


def test_one_unpaid_page_and_one_confirmation_call_cover_many_invoices(paying, sandbox):
    numbers = [exported(paying, sandbox)[1] for _ in range(6)]
    for number in numbers[::2]:
        sandbox.register_payment(number, 250.0)
    sandbox.register_payment(numbers[1], 10.0)
    since = sandbox.last_request_id()

    run = run_import(paying)

    assert (run.checked, run.paid, run.partial, run.unchanged) == (6, 3, 1, 2)
    paths = [entry["path"] for entry in sandbox.request_log(since)]
    year = f"/accounting-years/{datetime.date.today().year}/entries"
    # The years and the payment entries booked since the last import (what a remainder alone
    # hides), then detection, then the changed invoices' entries.
    assert paths == ["/accounting-years", year, "/invoices/unpaid", "/invoices/booked", year]
    assert run.api_calls == 5 == ApiCall.objects.filter(payment_import=run).count()


def test_an_import_where_nothing_changed_reads_no_invoices_entries(paying, sandbox):
    for _ in range(3):
        exported(paying, sandbox)
    since = sandbox.last_request_id()

    run = run_import(paying)

    assert run.unchanged == 3
    year = f"/accounting-years/{datetime.date.today().year}/entries"
    paths = [entry["path"] for entry in sandbox.request_log(since)]
    assert paths == ["/accounting-years", year, "/invoices/unpaid"]
