"""Control endpoints that register and reverse customer payments on booked invoices.

e-conomic has no such endpoint: a payment is a customer-payment entry booked in a journal and
matched to the invoice, after which the invoice's `remainder` drops (REFERENCE §7). Tests need
to make that happen on demand, so the sandbox offers, under its control prefix:

* `POST /_sandbox/agreements/{agreementNumber}/payments` with
  `{"bookedInvoiceNumber": 31, "amount": 100.00, "date": "2026-03-02"}` (date optional, today)
  → 201 with the payment. Full or partial; more than the remainder is refused (400).
* `POST /_sandbox/agreements/{agreementNumber}/payments/{id}/reverse` → 200; the amount is owed
  again, so the invoice reappears in `/invoices/unpaid` (REFERENCE §7.5). A second reversal
  answers 409.
* `GET /_sandbox/agreements/{agreementNumber}/payments` → the payments registered.
* `POST /_sandbox/agreements/{agreementNumber}/payments/batch` with
  `{"reverse": [7, 9], "register": [{"bookedInvoiceNumber": 31, "amount": 100.00}, ...]}` →
  200 with `{"reversed": [...], "registered": [...]}`: reversals first, then registrations, in
  order, all or none (the first refusal answers as its single call would and changes nothing).
  One call and one write of the state file for a whole round of payments, where a soak over
  thousands of invoices would otherwise rewrite a large state file once per payment.

Each registration or reversal is recorded as a booked customer-payment entry
(`/accounting-years/{year}/entries`, ledger_entries.py) in the "Indbetalinger" journal's voucher
range (journal 2 in the seed, or the first journal restricted
to customer payments), the customer's balance follows, and the "Day book booked" webhook fires
with that journal and voucher number.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from economic_sandbox import errors, webhooks
from economic_sandbox.http import Request, Response, created, json_response
from economic_sandbox.resources import invoice_math, ledger_entries, vouchers
from economic_sandbox.resources.booked import BOOKED
from economic_sandbox.routing import Router

router = Router()

PAYMENTS = "payments"
BASE = "/agreements/{agreementNumber:int}/payments"


def _bad(message: str, detail: str) -> errors.ApiError:
    return errors.bad_request(message, [detail], "Register at most the invoice's remainder.")


def _payment_input(request: Request, body) -> tuple[dict, Decimal, datetime.date]:
    if not isinstance(body, dict):
        raise _bad("Invalid payment.", "The body must be a JSON object.")
    invoice = request.agreement.table(BOOKED).get(body.get("bookedInvoiceNumber"))
    if invoice is None:
        raise errors.bad_request(
            "Invalid payment.",
            [f"Booked invoice '{body.get('bookedInvoiceNumber')}' does not exist."],
            "Give the bookedInvoiceNumber of a booked invoice.",
        )
    try:
        amount = Decimal(str(body["amount"]))
        day = invoice_math.parse_date(body.get("date") or datetime.date.today().isoformat())
    except (KeyError, ArithmeticError, ValueError):
        raise _bad(
            "Invalid payment.", "amount (a number) and date (YYYY-MM-DD) are needed."
        ) from None
    if amount != invoice_math.money(amount):
        raise _bad("Invalid payment.", "amount must not have more than 2 decimals.")
    return invoice, amount, day


def _check_amount(invoice: dict, amount: Decimal) -> None:
    """Same sign as the remainder (a credit note is refunded with a negative amount), and not
    more than what is owed."""
    remainder = Decimal(str(invoice["remainder"]))
    if remainder == 0:
        raise _bad("Invalid payment.", "The invoice is already paid.")
    if amount == 0 or (amount > 0) != (remainder > 0):
        raise _bad("Invalid payment.", f"amount must have the sign of the remainder {remainder}.")
    if abs(amount) > abs(remainder):
        raise _bad(
            "Overpayment refused.",
            f"amount {amount} exceeds the remainder {remainder} of invoice "
            f"{invoice['bookedInvoiceNumber']}.",
        )


def _apply(request: Request, invoice: dict, amount: Decimal) -> None:
    """Lower the remainder (and its base-currency twin) and the customer's balance."""
    remainder = invoice_math.money(invoice["remainder"]) - amount
    invoice["remainder"] = float(remainder)
    if remainder == 0:
        invoice["remainderInBaseCurrency"] = 0.0
    else:
        base = invoice_math.in_base_currency(amount, invoice.get("exchangeRate", 100))
        invoice["remainderInBaseCurrency"] = float(
            invoice_math.money(invoice["remainderInBaseCurrency"]) - base
        )
    customer = request.agreement.table("customers").get(invoice["customer"]["customerNumber"])
    if customer is not None:
        base = invoice_math.in_base_currency(amount, invoice.get("exchangeRate", 100))
        for key in ("balance", "dueAmount"):
            customer[key] = float(invoice_math.money(customer.get(key, 0)) - base)


def _payments_journal(request: Request) -> dict:
    journals = request.agreement.table("journals")
    for number in sorted(journals):
        restricted = journals[number].get("settings", {}).get("entryTypeRestrictedTo")
        if restricted == "customerPayment":
            return journals[number]
    return journals[min(journals)]


def _book_entry(request: Request, invoice: dict, amount: Decimal, day: datetime.date, text: str):
    """Record the booked customer-payment entry and fire "Day book booked"."""
    agreement = request.agreement
    journal = _payments_journal(request)
    number = journal["journalNumber"]
    year = ledger_entries.year_of(agreement, day)
    voucher = vouchers.next_voucher_number(agreement, journal, year, set())
    ledger_entries.record_payment(
        agreement,
        invoice=invoice,
        amount=amount,
        day=day,
        journal_number=number,
        voucher=voucher,
        text=text,
    )
    webhooks.notify(
        agreement, "Day book booked", DAYBOOKNO=number, FROMSERIALNO=voucher, TOSERIALNO=voucher
    )
    return voucher


def _present(request: Request, payment: dict) -> dict:
    path = f"/_sandbox/agreements/{request.agreement.number}/payments/{payment['id']}"
    return {**payment, "self": request.url(path)}


def _register(request: Request, invoice: dict, amount: Decimal, day: datetime.date) -> dict:
    _apply(request, invoice, amount)
    voucher = _book_entry(
        request, invoice, amount, day, f"Payment of invoice {invoice['bookedInvoiceNumber']}"
    )
    number = request.agreement.next_number(PAYMENTS)
    payment = {
        "id": number,
        "bookedInvoiceNumber": invoice["bookedInvoiceNumber"],
        "amount": float(amount),
        "date": day.isoformat(),
        "voucherNumber": voucher,
        "remainder": invoice["remainder"],
    }
    request.agreement.table(PAYMENTS)[number] = payment
    return _present(request, payment)


def _reversible(request: Request, payment_id) -> dict:
    payment = request.agreement.table(PAYMENTS).get(payment_id)
    if payment is None:
        raise errors.not_found()
    if payment.get("reversed"):
        raise errors.ApiError(
            409,
            errors.error_body(
                409, "The payment is already reversed.", "A payment can be reversed once."
            ),
        )
    return payment


def _reverse(request: Request, payment: dict) -> dict:
    invoice = request.agreement.table(BOOKED)[payment["bookedInvoiceNumber"]]
    amount = Decimal(str(payment["amount"]))
    _apply(request, invoice, -amount)
    _book_entry(
        request, invoice, -amount, datetime.date.today(), f"Reversal of payment {payment['id']}"
    )
    payment.update(reversed=True, remainder=invoice["remainder"])
    return _present(request, payment)


@router.route("POST", BASE)
def payment_register(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    invoice, amount, day = _payment_input(request, request.json())
    _check_amount(invoice, amount)
    answer = _register(request, invoice, amount, day)
    return created(answer, answer["self"])


@router.route("POST", BASE + "/{payment_id:int}/reverse")
def payment_reverse(request: Request, agreementNumber: int, payment_id: int) -> Response:  # noqa: N803
    return json_response(200, _reverse(request, _reversible(request, payment_id)))


@router.route("POST", BASE + "/batch")
def payments_batch(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    body = request.json()
    if not isinstance(body, dict) or not all(
        isinstance(body.get(name, []), list) for name in ("reverse", "register")
    ):
        raise _bad("Invalid batch.", 'Send {"reverse": [ids], "register": [payments]}.')
    reversals = _batch_reversals(request, body.get("reverse", []))
    registrations = _batch_registrations(request, body.get("register", []), reversals)
    return json_response(200, {
        "reversed": [_reverse(request, payment) for payment in reversals],
        "registered": [_register(request, *entry) for entry in registrations],
    })  # fmt: skip


def _batch_reversals(request: Request, ids: list) -> list[dict]:
    """The payments to reverse, every one checked before anything changes."""
    payments = [_reversible(request, payment_id) for payment_id in ids]
    if len({payment["id"] for payment in payments}) != len(payments):
        raise _bad("Invalid batch.", "A payment is named twice in reverse.")
    return payments


def _batch_registrations(request: Request, bodies: list, reversals: list[dict]) -> list[tuple]:
    """Each registration checked against the remainder it will meet: the reversals before it
    and the earlier registrations of the batch on the same invoice."""
    remainders: dict[int, Decimal] = {}
    for payment in reversals:
        number = payment["bookedInvoiceNumber"]
        invoice = request.agreement.table(BOOKED)[number]
        remainders[number] = remainders.get(
            number, invoice_math.money(invoice["remainder"])
        ) + Decimal(str(payment["amount"]))
    checked = []
    for body in bodies:
        invoice, amount, day = _payment_input(request, body)
        number = invoice["bookedInvoiceNumber"]
        remainder = remainders.get(number, invoice_math.money(invoice["remainder"]))
        _check_amount({"bookedInvoiceNumber": number, "remainder": remainder}, amount)
        remainders[number] = remainder - amount
        checked.append((invoice, amount, day))
    return checked


@router.route("GET", BASE)
def payments_list(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    table = request.agreement.table(PAYMENTS)
    return json_response(200, [_present(request, table[key]) for key in sorted(table)])
