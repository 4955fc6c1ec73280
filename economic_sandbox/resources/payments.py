"""Control endpoints that register and reverse customer payments on booked invoices.

e-conomic has no such endpoint: a payment is a customer-payment entry booked in a journal and
matched to the invoice, after which the invoice's `remainder` drops (REFERENCE §7). Tests need
to make that happen on demand, so the sandbox offers, under its control prefix:

* `POST /_sandbox/agreements/{agreementNumber}/payments` with
  `{"bookedInvoiceNumber": 31, "amount": 100.00, "date": "2026-03-02"}` (date optional, today)
  → 201 with the payment; `{"invoiceNumber": "1001", ...}` instead pays the invoice a booked
  journal voucher carries (its `manualDebtorInvoice` entry). Full or partial; more than the
  remainder is refused (400).
* `POST /_sandbox/agreements/{agreementNumber}/payments/{id}/reverse` → 200; the amount is owed
  again, so the invoice reappears in `/invoices/unpaid` (REFERENCE §7.5). A second reversal
  answers 409.
  An optional `{"date": "2026-03-09"}` dates the reversal's entry (default today).
  A registration may carry `"exchangeRate": 750.0` (per 100, the day's rate): the entry's
  amount in base currency is then at that rate, not the invoice's (an exchange difference).
* `PATCH /_sandbox/agreements/{agreementNumber}/payments/{id}` with `{"amount": 80.00}` and/or
  `{"date": "2026-03-01"}` → 200: the payment is corrected as e-conomic corrects a booked
  entry, which is never edited: one voucher with the opposite of the old entry (on its date)
  and a new entry with the new amount and date, both under new entry numbers. With
  `"as": "rebook"` the old entry is removed instead and the new one booked on a voucher of its
  own (a payment un-matched, deleted and entered again). Either way the payment's
  `entryNumber` is the new entry's and the remainder follows (at most what the invoice owes
  with this payment undone). A reversed payment answers 409.
* `DELETE /_sandbox/agreements/{agreementNumber}/payments/{id}` → 204: the payment's entry (and
  its reversal's, if reversed) leaves the ledger and the remainder is what it was before it.
* `GET /_sandbox/agreements/{agreementNumber}/payments` → the payments registered.
* `POST /_sandbox/agreements/{agreementNumber}/payments/batch` with
  `{"reverse": [7, 9], "register": [{"bookedInvoiceNumber": 31, "amount": 100.00}, ...]}` →
  200 with `{"reversed": [...], "registered": [...]}`: reversals first, then registrations, in
  order, all or none (the first refusal answers as its single call would and changes nothing).
  One call and one write of the state file for a whole round of payments, where a soak over
  thousands of invoices would otherwise rewrite a large state file once per payment.

Each registration or reversal is recorded as a booked customer-payment entry
(`/accounting-years/{year}/entries`, payment_items.py) in the "Indbetalinger" journal's voucher
range (journal 2 in the seed, or the first journal restricted to customer payments): date,
amount (negative, a credit), amount in base currency, currency, customer and the
`invoiceNumber` it settles. The customer's balance follows, and the "Day book booked" webhook
fires with that journal and voucher number, as it does for a change or a deletion.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from economic_sandbox import errors
from economic_sandbox.http import Request, Response, created, json_response
from economic_sandbox.resources import invoice_math
from economic_sandbox.resources.payment_items import (
    OpenItem,
    bad,
    check_amount,
    entry_book,
    entry_correct,
    entry_delete,
    item_find,
    item_of,
)
from economic_sandbox.routing import Router

router = Router()

PAYMENTS = "payments"
BASE = "/agreements/{agreementNumber:int}/payments"


def _payment_input(request: Request, body) -> tuple[OpenItem, Decimal, datetime.date]:
    if not isinstance(body, dict):
        raise bad("Invalid payment.", "The body must be a JSON object.")
    item = item_find(request.agreement, body)
    if item is None:
        raise errors.bad_request(
            "Invalid payment.",
            [f"Booked invoice '{body.get('bookedInvoiceNumber', body.get('invoiceNumber'))}' "
             "does not exist."],
            "Give the bookedInvoiceNumber of a booked invoice, or the invoiceNumber of a "
            "booked voucher.",
        )
    try:
        amount = _amount(body["amount"])
    except KeyError:
        raise bad("Invalid payment.", "amount (a number) and date (YYYY-MM-DD) are needed.") \
            from None
    return item, amount, _date(body)


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise bad("Invalid payment.", "amount must be a number.") from None
    if not amount.is_finite() or amount != invoice_math.money(amount):
        raise bad("Invalid payment.", "amount must be a number with at most 2 decimals.")
    return amount


def _date(body: dict) -> datetime.date:
    try:
        return invoice_math.parse_date(body.get("date") or datetime.date.today().isoformat())
    except (ValueError, TypeError):
        raise bad("Invalid payment.", "date must be YYYY-MM-DD.") from None


def _optional_body(request: Request) -> dict:
    """A body where one is optional (the reversal's date)."""
    if not request.body:
        return {}
    body = request.json()
    if not isinstance(body, dict):
        raise bad("Invalid payment.", "The body must be a JSON object.")
    return body


def _present(request: Request, payment: dict) -> dict:
    path = f"/_sandbox/agreements/{request.agreement.number}/payments/{payment['id']}"
    return {**payment, "self": request.url(path)}


def _rate(body: dict) -> Decimal | None:
    if body.get("exchangeRate") is None:
        return None
    try:
        rate = Decimal(str(body["exchangeRate"]))
    except ArithmeticError:
        rate = Decimal(0)
    if not rate.is_finite() or rate <= 0:
        raise bad("Invalid payment.", "exchangeRate must be a number above 0 (per 100).")
    return rate


def _register(request: Request, item: OpenItem, amount: Decimal, day: datetime.date,
              rate: Decimal | None = None) -> dict:
    item.settle(amount)
    voucher, entry_number = entry_book(item, amount, day,
                                       f"Payment of invoice {item.invoice_number}", rate)
    number = request.agreement.next_number(PAYMENTS)
    payment = {
        "id": number,
        **item.key(),
        "amount": float(amount),
        "date": day.isoformat(),
        "voucherNumber": voucher,
        "entryNumber": entry_number,
        "remainder": float(item.remainder),
        **({} if rate is None else {"exchangeRate": float(rate)}),
    }
    request.agreement.table(PAYMENTS)[number] = payment
    return _present(request, payment)


def _payment(request: Request, payment_id) -> dict:
    payment = request.agreement.table(PAYMENTS).get(payment_id)
    if payment is None:
        raise errors.not_found()
    return payment


def _reversible(request: Request, payment_id) -> dict:
    payment = _payment(request, payment_id)
    if payment.get("reversed"):
        raise errors.ApiError(
            409,
            errors.error_body(
                409, "The payment is already reversed.", "A payment can be reversed once."
            ),
        )
    return payment


def _reverse(request: Request, payment: dict, day: datetime.date | None = None) -> dict:
    item = item_of(request.agreement, payment)
    amount = Decimal(str(payment["amount"]))
    item.settle(-amount)
    _, entry_number = entry_book(item, -amount, day or datetime.date.today(),
                                 f"Reversal of payment {payment['id']}", _rate(payment))
    payment.update(reversed=True, reversalEntryNumber=entry_number,
                   remainder=float(item.remainder))
    return _present(request, payment)


@router.route("POST", BASE)
def payment_register(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    item, amount, day = _payment_input(request, request.json())
    check_amount(item, amount)
    answer = _register(request, item, amount, day, _rate(request.json()))
    return created(answer, answer["self"])


@router.route("POST", BASE + "/{payment_id:int}/reverse")
def payment_reverse(request: Request, agreementNumber: int, payment_id: int) -> Response:  # noqa: N803
    payment = _reversible(request, payment_id)
    day = _date(_optional_body(request))
    return json_response(200, _reverse(request, payment, day))


@router.route("PATCH", BASE + "/{payment_id:int}")
def payment_change(request: Request, agreementNumber: int, payment_id: int) -> Response:  # noqa: N803
    """A payment edited in e-conomic: another amount or date on its entry."""
    payment = _reversible(request, payment_id)
    body = request.json()
    if not isinstance(body, dict) or not ({"amount", "date"} & set(body)):
        raise bad("Invalid change.", 'Send {"amount": ...} and/or {"date": "YYYY-MM-DD"}.')
    item = item_of(request.agreement, payment)
    old = Decimal(str(payment["amount"]))
    amount = _amount(body["amount"]) if "amount" in body else old
    day = _date(body) if "date" in body else invoice_math.parse_date(payment["date"])
    how = body.get("as", "correction")
    if how not in ("correction", "rebook"):
        raise bad("Invalid change.", '"as" is "correction" (the default) or "rebook".')
    check_amount(item, amount, remainder=item.remainder + old)
    item.settle(amount - old)
    text = f"Payment of invoice {item.invoice_number}"
    if how == "rebook":
        entry_delete(request.agreement, payment["entryNumber"])
        voucher, entry_number = entry_book(item, amount, day, text, _rate(payment))
    else:
        voucher, entry_number, _ = entry_correct(item, payment["entryNumber"], amount, day, text)
    payment.update(amount=float(amount), date=day.isoformat(), remainder=float(item.remainder),
                   entryNumber=entry_number, voucherNumber=voucher)
    return json_response(200, _present(request, payment))


@router.route("DELETE", BASE + "/{payment_id:int}")
def payment_delete(request: Request, agreementNumber: int, payment_id: int) -> Response:  # noqa: N803
    """A payment deleted in e-conomic: its entry gone, what it paid owed again."""
    payment = _payment(request, payment_id)
    if payment.get("reversed"):
        entry_delete(request.agreement, payment["reversalEntryNumber"])
    else:
        item_of(request.agreement, payment).settle(-Decimal(str(payment["amount"])))
    entry_delete(request.agreement, payment["entryNumber"])
    del request.agreement.table(PAYMENTS)[payment_id]
    return json_response(204, None)


@router.route("POST", BASE + "/batch")
def payments_batch(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    body = request.json()
    if not isinstance(body, dict) or not all(
        isinstance(body.get(name, []), list) for name in ("reverse", "register")
    ):
        raise bad("Invalid batch.", 'Send {"reverse": [ids], "register": [payments]}.')
    reversals = _batch_reversals(request, body.get("reverse", []))
    registrations = _batch_registrations(request, body.get("register", []), reversals)
    day = _date(body)
    return json_response(200, {
        "reversed": [_reverse(request, payment, day) for payment in reversals],
        "registered": [_register(request, *entry) for entry in registrations],
    })  # fmt: skip


def _batch_reversals(request: Request, ids: list) -> list[dict]:
    """The payments to reverse, every one checked before anything changes."""
    payments = [_reversible(request, payment_id) for payment_id in ids]
    if len({payment["id"] for payment in payments}) != len(payments):
        raise bad("Invalid batch.", "A payment is named twice in reverse.")
    return payments


def _batch_registrations(request: Request, bodies: list, reversals: list[dict]) -> list[tuple]:
    """Each registration checked against the remainder it will meet: the reversals before it
    and the earlier registrations of the batch on the same item."""
    remainders: dict[str, Decimal] = {}
    for payment in reversals:
        item = item_of(request.agreement, payment)
        remainders[item.invoice_number] = remainders.get(
            item.invoice_number, item.remainder) + Decimal(str(payment["amount"]))
    checked = []
    for body in bodies:
        item, amount, day = _payment_input(request, body)
        remainder = remainders.get(item.invoice_number, item.remainder)
        check_amount(item, amount, remainder=remainder)
        remainders[item.invoice_number] = remainder - amount
        checked.append((item, amount, day, _rate(body)))
    return checked


@router.route("GET", BASE)
def payments_list(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    table = request.agreement.table(PAYMENTS)
    return json_response(200, [_present(request, table[key]) for key in sorted(table)])
