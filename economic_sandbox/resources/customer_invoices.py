"""A customer's invoices: `/customers/{n}/invoices`, `/invoices/drafts`, `/invoices/booked`.

https://restdocs.e-conomic.com/#get-customers-customernumber-invoices (REFERENCE §2.1). The
customer document links here; the collections are the customer's part of `/invoices/drafts`
and `/invoices/booked`, with the same filters and paging.
"""

from __future__ import annotations

from economic_sandbox import errors
from economic_sandbox.http import Request, Response, json_response
from economic_sandbox.resources.booked import BOOKED
from economic_sandbox.resources.invoice_render import collection_page, render_booked, render_draft
from economic_sandbox.resources.invoices import DRAFTS
from economic_sandbox.resources.lookups import link
from economic_sandbox.routing import Router

router = Router()


def _customer_or_404(request: Request, number: int) -> None:
    if request.agreement.table("customers").get(number) is None:
        raise errors.not_found()


def _of_customer(table: dict, number: int) -> list[dict]:
    return [
        table[key] for key in sorted(table) if table[key]["customer"]["customerNumber"] == number
    ]


@router.route("GET", "/customers/{number:int}/invoices")
def customer_invoices(request: Request, number: int) -> Response:
    _customer_or_404(request, number)
    base = ("customers", number, "invoices")
    body = {
        "drafts": link(request, *base, "drafts"),
        "booked": link(request, *base, "booked"),
        "self": link(request, *base),
    }
    return json_response(200, body)


@router.route("GET", "/customers/{number:int}/invoices/drafts")
def customer_drafts(request: Request, number: int) -> Response:
    _customer_or_404(request, number)
    drafts = _of_customer(request.agreement.table(DRAFTS), number)
    return collection_page(
        request,
        drafts,
        render_draft,
        schema="customers.customerNumber.invoices.drafts.get",
        path=f"/customers/{number}/invoices/drafts",
    )


@router.route("GET", "/customers/{number:int}/invoices/booked")
def customer_booked(request: Request, number: int) -> Response:
    _customer_or_404(request, number)
    invoices = _of_customer(request.agreement.table(BOOKED), number)
    return collection_page(
        request,
        invoices,
        render_booked,
        schema="customers.customerNumber.invoices.booked.get",
        path=f"/customers/{number}/invoices/booked",
    )
