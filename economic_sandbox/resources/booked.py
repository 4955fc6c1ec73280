"""Booking drafts and reading booked invoices.

https://restdocs.e-conomic.com/#post-invoices-booked (REFERENCE §2.9, §2.10, §7).
`POST /invoices/booked` with `draftInvoice` (and optionally `bookWithNumber`) or
`PUT /invoices/booked/{bookWithNumber}` turns a draft into a booked invoice: the draft is
consumed, `orderNumber` is the draft's number (as recorded), `remainder` starts at the gross
amount. Booked invoices are read at `/invoices/booked[/{n}]` and through the views
`/invoices/paid` (remainder 0), `/invoices/unpaid` (remainder ≠ 0), `/invoices/overdue`
(unpaid, due date passed) and `/invoices/not-due` (unpaid, due today or later).

Refusals (the sandbox's wording and codes, README_RESOURCES.md): a draft that does not exist or
was already booked → E06000 on `draftInvoice`; a `bookWithNumber` already used → E04220 on
`bookWithNumber`; a URL number that differs from the body's → E04230; a draft dated in a barred
period or a closed year → E04870 on `date`, the draft kept (ADDENDUM §9).
"""

from __future__ import annotations

import datetime

from economic_sandbox import errors, schemas, webhooks
from economic_sandbox.http import Request, Response, created, json_response
from economic_sandbox.resources import documents, invoice_math, invoice_postings, lookups
from economic_sandbox.resources.invoice_render import collection_page, render_booked
from economic_sandbox.resources.invoices import DRAFTS, validated_body
from economic_sandbox.routing import Router

router = Router()

BOOKED = "invoices-booked"
CONSUMED = "invoices-drafts-booked"  # draft number -> booked number, to explain a second booking
NUMBER_IN_USE = "E04220"
NUMBER_MISMATCH = "E04230"
BARRED_PERIOD = "E04870"  # booking a draft dated in a barred period (ADDENDUM §9)
BOOKED_KEYS = (
    "date",
    "currency",
    "exchangeRate",
    "netAmount",
    "netAmountInBaseCurrency",
    "grossAmount",
    "grossAmountInBaseCurrency",
    "vatAmount",
    "roundingAmount",
)
COPIED_KEYS = (
    "dueDate",
    "paymentTerms",
    "customer",
    "recipient",
    "deliveryLocation",
    "delivery",
    "notes",
    "references",
    "layout",
    "project",
)
LINE_KEYS = (
    "lineNumber",
    "sortKey",
    "description",
    "quantity",
    "unitNetPrice",
    "discountPercentage",
    "unitCostPrice",
    "vatRate",
    "vatAmount",
    "totalNetAmount",
    "deliveryDate",
    "product",
    "unit",
    "departmentalDistribution",
)


def _refuse(name: str, message: str, code: str, value) -> errors.ApiError:
    return errors.validation_failed(
        {name: {"errors": [errors.property_error(name, message, code, value)]}}
    )


def _draft_to_book(request: Request, body: dict) -> dict:
    number = lookups.reference_number(body["draftInvoice"], "draftInvoiceNumber")
    draft = request.agreement.table(DRAFTS).get(number)
    if draft is not None:
        return draft
    booked_as = request.agreement.table(CONSUMED).get(number)
    if booked_as is not None:
        message = f"Draft invoice '{number}' has already been booked as invoice {booked_as}."
    else:
        message = f"Draft invoice '{number}' does not exist."
    raise _refuse("draftInvoice", message, lookups.DOES_NOT_EXIST, number)


def _invoice_number(request: Request, wanted: int | None) -> int:
    table = request.agreement.table(BOOKED)
    if wanted is None:
        number = request.agreement.next_number(BOOKED)
        while number in table:  # a number chosen earlier by a client
            number = request.agreement.next_number(BOOKED)
        return number
    if wanted in table:
        raise _refuse(
            "bookWithNumber", f"Invoice number {wanted} is already in use.", NUMBER_IN_USE, wanted
        )
    return wanted


def booked_from_draft(draft: dict, number: int) -> dict:
    """The stored booked invoice for a draft."""
    booked = {"bookedInvoiceNumber": number, "orderNumber": draft["draftInvoiceNumber"]}
    booked |= {key: draft[key] for key in BOOKED_KEYS}
    booked["remainder"] = draft["grossAmount"]
    booked["remainderInBaseCurrency"] = draft["grossAmountInBaseCurrency"]
    booked |= {key: draft[key] for key in COPIED_KEYS if key in draft}
    booked["lines"] = [
        {key: line[key] for key in LINE_KEYS if key in line} for line in draft.get("lines", [])
    ]
    return booked


def book(request: Request, body: dict, wanted: int | None) -> Response:
    agreement = request.agreement
    draft = _draft_to_book(request, body)
    if lookups.barred_period(agreement, invoice_math.parse_date(draft["date"])):
        raise _refuse("date", f"The invoice date {draft['date']} is in a barred period.",
                      BARRED_PERIOD, draft["date"])
    number = _invoice_number(request, wanted)
    if wanted is not None:
        agreement.reserve_number(BOOKED, number)
    agreement.table(BOOKED)[number] = booked_from_draft(draft, number)
    invoice_postings.record_invoice(agreement, agreement.table(BOOKED)[number],
                                    draft.get("lines", []))
    del agreement.table(DRAFTS)[draft["draftInvoiceNumber"]]
    agreement.table(CONSUMED)[draft["draftInvoiceNumber"]] = number
    _add_to_customer_balance(agreement, draft)
    notify(request, "Invoice booked", INVOICENO=number)
    answer = render_booked(request, agreement.table(BOOKED)[number])
    return created(answer, answer["self"])


def _add_to_customer_balance(agreement, draft: dict) -> None:
    customer = agreement.table("customers").get(draft["customer"]["customerNumber"])
    if customer is not None:
        for key in ("balance", "dueAmount"):
            total = invoice_math.money(customer.get(key, 0)) + invoice_math.money(
                draft["grossAmountInBaseCurrency"]
            )
            customer[key] = float(total)


def notify(request: Request, event: str, **merge_fields) -> None:
    """Fire a classic webhook through the app's webhooks module (REFERENCE §6.5)."""
    webhooks.notify(request.agreement, event, **merge_fields)


@router.route("POST", "/invoices/booked")
def booked_create(request: Request) -> Response:
    body = validated_body(request, "invoices.booked.post")
    return book(request, body, body.get("bookWithNumber"))


@router.route("PUT", "/invoices/booked/{number:int}")
def booked_create_with_number(request: Request, number: int) -> Response:
    body = validated_body(request, "invoices.booked.bookWithNumber.put")
    if body.get("bookWithNumber", number) != number:
        raise _refuse(
            "bookWithNumber",
            f"The number in the URL ({number}) differs from bookWithNumber.",
            NUMBER_MISMATCH,
            body["bookWithNumber"],
        )
    if "draftInvoice" not in body:
        raise _refuse("draftInvoice", "Property is required.", schemas.REQUIRED, None)
    return book(request, body, number)


def stored_booked(request: Request, number: int) -> dict:
    invoice = request.agreement.table(BOOKED).get(number)
    if invoice is None:
        raise errors.not_found()
    return invoice


@router.route("GET", "/invoices/booked/{number:int}")
def booked_get(request: Request, number: int) -> Response:
    return json_response(200, render_booked(request, stored_booked(request, number)))


@router.route("GET", "/invoices/booked/{number:int}/pdf")
def booked_pdf(request: Request, number: int) -> Response:
    invoice = render_booked(request, stored_booked(request, number))
    return documents.pdf_response(documents.invoice_pdf(f"Invoice {number}", invoice))


def _today() -> str:
    return datetime.date.today().isoformat()


def _is_open(invoice: dict) -> bool:
    return invoice.get("remainder", 0) != 0


VIEWS = {
    "booked": lambda invoice: True,
    "paid": lambda invoice: not _is_open(invoice),
    "unpaid": _is_open,
    "overdue": lambda invoice: _is_open(invoice) and invoice["dueDate"] < _today(),
    "not-due": lambda invoice: _is_open(invoice) and invoice["dueDate"] >= _today(),
}


def _view(name: str):
    def handler(request: Request) -> Response:
        table = request.agreement.table(BOOKED)
        chosen = [table[key] for key in sorted(table) if VIEWS[name](table[key])]
        return collection_page(
            request, chosen, render_booked, schema=f"invoices.{name}.get", path=f"/invoices/{name}"
        )

    handler.__name__ = f"invoices_{name.replace('-', '_')}"
    handler.__doc__ = f"GET /invoices/{name} (REFERENCE §2.10)."
    return handler


for _name in VIEWS:
    router.add("GET", f"/invoices/{_name}", _view(_name))
