"""Detection reads /invoices/unpaid a page at a time and confirms what left it 200 a call."""

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
    assert paths == ["/invoices/unpaid", "/invoices/booked"]
    assert run.api_calls == 2 == ApiCall.objects.filter(payment_import=run).count()
