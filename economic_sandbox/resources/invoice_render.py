"""Stored invoices as e-conomic answers them: absolute links, expanded references, no nulls.

Link shapes follow the recorded answers (REFERENCE §2.8, §2.9; fixtures `create_draft_invoice.json`,
`create_booked_invoice.json`): `pdf.download`, `attachment`, `templates`, `sent`, `self`, and a
`self` on every referenced resource. Payment terms and the recipient's VAT zone are expanded with
their names, as recorded.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from economic_sandbox.collections import collection_response
from economic_sandbox.http import Request, Response
from economic_sandbox.resources.lookups import (
    customer_reference,
    find,
    layout_reference,
    link,
    payment_terms_reference,
    product_reference,
    vat_zone_reference,
    without_empty,
)

DRAFT_DROPPED_LINE_KEYS = ("vatRate", "vatAmount", "salesAccountNumber", "vatCode")
BOOKED_DROPPED_LINE_KEYS = ("marginInBaseCurrency", "marginPercentage")


def _expand_header(request: Request, document: dict) -> None:
    agreement = request.agreement
    terms = find(agreement, "payment-terms", document["paymentTerms"]["paymentTermsNumber"])
    document["paymentTerms"] = payment_terms_reference(request, terms or document["paymentTerms"])
    document["customer"] = customer_reference(request, document["customer"]["customerNumber"])
    document["layout"] = layout_reference(request, document["layout"]["layoutNumber"])
    zone_number = document["recipient"]["vatZone"]["vatZoneNumber"]
    zone = find(agreement, "vat-zones", zone_number) or {"vatZoneNumber": zone_number}
    document["recipient"]["vatZone"] = vat_zone_reference(request, zone)
    location = document.get("deliveryLocation")
    if isinstance(location, dict) and "deliveryLocationNumber" in location:
        customer = document["customer"]["customerNumber"]
        location["self"] = link(
            request, "customers", customer, "delivery-locations", location["deliveryLocationNumber"]
        )
    if "project" in document:
        number = document["project"].get("projectNumber")
        document["project"] = {"projectNumber": number, "self": link(request, "projects", number)}
    _expand_references(request, document)


def _expand_references(request: Request, document: dict) -> None:
    references = document.get("references") or {}
    for key in ("salesPerson", "vendorReference"):
        if isinstance(references.get(key), dict) and "employeeNumber" in references[key]:
            references[key]["self"] = link(request, "employees", references[key]["employeeNumber"])
    contact = document["recipient"].get("attention")
    customer_number = document["customer"]["customerNumber"]
    for holder in (references.get("customerContact"), contact):
        if isinstance(holder, dict) and "customerContactNumber" in holder:
            holder["self"] = link(
                request, "customers", customer_number, "contacts", holder["customerContactNumber"]
            )


def _expand_lines(request: Request, lines: list[dict], drop: tuple[str, ...]) -> list[dict]:
    expanded = []
    for line in lines:
        line = {key: value for key, value in line.items() if key not in drop}
        if "product" in line:
            line["product"] = product_reference(request, line["product"]["productNumber"])
        if "unit" in line:
            unit = find(request.agreement, "units", line["unit"]["unitNumber"]) or line["unit"]
            line["unit"] = {
                **_pick(unit, "unitNumber", "name"),
                "self": link(request, "units", unit["unitNumber"]),
            }
        expanded.append(line)
    return expanded


def _pick(document: dict, *keys: str) -> dict:
    return {key: document[key] for key in keys if key in document}


def _working_copy(stored: dict) -> dict:
    """A copy safe to expand: the nested objects that expanding changes are copied, the rest
    (and `lines`, which are rebuilt) shared. Cheaper than a deep copy on large collections."""
    document = dict(stored)
    for key in ("recipient", "references", "deliveryLocation"):
        if key in document:
            document[key] = copy.deepcopy(document[key])
    return document


def render_draft(request: Request, stored: dict, *, with_lines: bool = True) -> dict:
    """A draft invoice (GET /invoices/drafts/{n}); collection items leave out `lines`."""
    document = _working_copy(stored)
    number = document["draftInvoiceNumber"]
    base = ("invoices", "drafts", number)
    _expand_header(request, document)
    stored_lines = document.pop("lines", [])
    lines = _expand_lines(request, stored_lines, DRAFT_DROPPED_LINE_KEYS) if with_lines else []
    if lines:  # no lines, no `lines` (create_draft_invoice.json)
        document["lines"] = lines
    document["templates"] = {
        "bookingInstructions": link(request, *base, "templates", "booking-instructions"),
        "self": link(request, *base, "templates"),
    }
    document["attachment"] = link(request, *base, "attachment")
    document["pdf"] = {"download": link(request, *base, "pdf")}
    document["self"] = link(request, *base)
    return without_empty(document)


def render_booked(request: Request, stored: dict, *, with_lines: bool = True) -> dict:
    """A booked invoice (GET /invoices/booked/{n}); collection items leave out `lines`."""
    document = _working_copy(stored)
    number = document["bookedInvoiceNumber"]
    _expand_header(request, document)
    stored_lines = document.pop("lines", [])
    lines = _expand_lines(request, stored_lines, BOOKED_DROPPED_LINE_KEYS) if with_lines else []
    if lines:  # no lines, no `lines` (create_draft_invoice.json)
        document["lines"] = lines
    document["pdf"] = {"download": link(request, "invoices", "booked", number, "pdf")}
    document["sent"] = link(request, "invoices", "booked", number, "sent")
    document["self"] = link(request, "invoices", "booked", number)
    return without_empty(document)


def collection_page(
    request: Request, stored: list[dict], render: Callable[..., dict], *, schema: str, path: str
) -> Response:
    """A collection answer that filters, sorts and pages the stored documents (their filterable
    properties are the answered ones) and renders only the page: answering 1000 of 10,000
    invoices renders 1000."""
    without_lines = [{key: value for key, value in doc.items() if key != "lines"} for doc in stored]
    response = collection_response(request, without_lines, schema=schema, path=path)
    response.body["collection"] = [
        render(request, document, with_lines=False) for document in response.body["collection"]
    ]
    return response


def delete_body(request: Request, number: int) -> dict[str, Any]:
    """DELETE /invoices/drafts/{n} answers a status body, not 204 (REFERENCE §2.8)."""
    return {
        "message": "Deleted invoice.",
        "deletedCount": 1,
        "deletedItems": [
            {"draftInvoiceNumber": number, "self": link(request, "invoices", "drafts", number)}
        ],
    }
