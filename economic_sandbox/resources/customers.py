"""Customers (REFERENCE §2.1): GET collection and single, POST (number assigned when omitted),
PUT (replaces the whole document), PATCH (only `eInvoicingDisabledByDefault`), DELETE (204),
and `/customer-groups/{n}/customers`. Creating or changing a customer fires the classic
"Customer updated" webhook with `[NEWNUMBER]` and `[OLDNUMBER]` (both the customer's number).

Requests are validated against e-conomic's schemas (`schemas.check`, E04300 envelope); then
references are checked against the agreement's data, all errors reported together:
customer group → `E07140` "CustomerGroup '9' not found." (recorded live); currency, payment
terms, VAT zone, layout → `E06000` "<x> '9' does not exist." (REFERENCE §4.1). A customer
number that is taken answers `E06010` (a sandbox choice; e-conomic's code is not recorded).
"""
from __future__ import annotations

import datetime
from typing import Any

from economic_sandbox import errors, schemas, webhooks
from economic_sandbox.collections import collection_response
from economic_sandbox.http import Request, Response, created, json_response
from economic_sandbox.resources.reference import get_or_404, reference
from economic_sandbox.routing import Router

router = Router()

# (property, key, table, error code, name in the message)
REFERENCES = (
    ("customerGroup", "customerGroupNumber", "customer-groups", "E07140", "CustomerGroup"),
    ("paymentTerms", "paymentTermsNumber", "payment-terms", "E06000", "PaymentTerms"),
    ("vatZone", "vatZoneNumber", "vat-zones", "E06000", "VatZone"),
    ("layout", "layoutNumber", "layouts", "E06000", "Layout"),
)
NUMBER_TAKEN = "E06010"
READ_ONLY = ("balance", "dueAmount", "lastUpdated")


def now_stamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def reference_key(value: Any, key: str) -> Any:
    """The identifier of a reference given by number (`{"layoutNumber": 19}`) or by `self`
    link, which e-conomic accepts equally (REFERENCE §2)."""
    if not isinstance(value, dict):
        return None
    if key in value:
        return value[key]
    last = str(value.get("self", "")).rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else (last or None)


def present_customer(request: Request, document: dict) -> dict:
    number = document["customerNumber"]
    base = f"/customers/{number}"
    answer = dict(document)
    for name, key, collection, *_ in REFERENCES:
        answer[name] = reference(request, document.get(name), key, collection)
    url = request.url
    answer.update({
        "contacts": url(f"{base}/contacts"),
        "templates": {"invoice": url(f"{base}/templates/invoice"),
                      "invoiceLine": url(f"{base}/templates/invoiceline"),
                      "self": url(f"{base}/templates")},
        "totals": {"drafts": url(f"/invoices/totals/drafts/customers/{number}"),
                   "booked": url(f"/invoices/totals/booked/customers/{number}"),
                   "self": url(f"{base}/totals")},
        "deliveryLocations": url(f"{base}/delivery-locations"),
        "invoices": {"drafts": url(f"{base}/invoices/drafts"),
                     "booked": url(f"{base}/invoices/booked"), "self": url(f"{base}/invoices")},
        "metaData": _meta_data(url(base), "customer"),
        "self": url(base),
    })
    return answer


def _meta_data(href: str, noun: str) -> dict:
    return {"delete": {"description": f"Delete this {noun}.", "href": href, "httpMethod": "delete"},
            "replace": {"description": f"Replace this {noun}.", "href": href, "httpMethod": "put"}}


def _stored_form(body: dict, schema_name: str) -> dict:
    """The writable properties of the body, references reduced to their number."""
    writable = schemas.item_schema(schema_name)["properties"]
    document = {name: value for name, value in body.items()
                if name in writable and name not in READ_ONLY and name != "self"}
    for name, key, *_ in REFERENCES:
        if name in document:
            document[name] = {key: reference_key(document[name], key)}
    return document


def check_references(agreement, document: dict) -> None:
    """E04300 with one entry per reference that does not exist in this agreement."""
    found: dict = {}
    for name, key, table, code, noun in REFERENCES:
        if name not in document:
            continue
        number = document[name][key]
        if agreement.table(table).get(number) is None:
            verb = "not found" if code == "E07140" else "does not exist"
            found[name] = {"errors": [errors.property_error(
                name, f"{noun} '{number}' {verb}.", code, number,
                f"Find a list of {table.replace('-', ' ')} at /{table} .")]}
    currency = document.get("currency")
    if currency is not None and agreement.table("currencies").get(currency) is None:
        found["currency"] = {"errors": [errors.property_error(
            "currency", f"Currency '{currency}' does not exist.", "E06000", currency)]}
    if found:
        raise errors.validation_failed(found)


def _body(request: Request) -> dict:
    body = request.json()
    if not isinstance(body, dict):
        raise errors.bad_request("The request body must be a JSON object.", ["Expected an object."])
    return body


@router.route("GET", "/customers")
def list_customers(request: Request) -> Response:
    stored = request.agreement.table("customers")
    documents = [present_customer(request, stored[key]) for key in sorted(stored)]
    return collection_response(request, documents, schema="customers.get", path="/customers")


@router.route("GET", "/customers/{number:int}")
def get_customer(request: Request, number: int) -> Response:
    document = get_or_404(request.agreement, "customers", number)
    return json_response(200, present_customer(request, document))


@router.route("POST", "/customers")
def create_customer(request: Request) -> Response:
    agreement = request.agreement
    body = _body(request)
    schemas.check(body, "customers.post")
    document = _stored_form(body, "customers.post")
    check_references(agreement, document)
    number = document.get("customerNumber")
    if number is None:
        number = _free_number(agreement)
    elif number in agreement.table("customers"):
        raise _number_taken(number)
    agreement.reserve_number("customers", number)
    document = {"customerNumber": number, **document, "balance": 0.0, "dueAmount": 0.0,
                "lastUpdated": now_stamp()}
    agreement.table("customers")[number] = document
    webhooks.notify(agreement, "Customer updated", NEWNUMBER=number, OLDNUMBER=number)
    answer = present_customer(request, document)
    return created(answer, answer["self"])


def _free_number(agreement) -> int:
    """The next number after the highest one used, skipping numbers clients chose."""
    while True:
        number = agreement.next_number("customers")
        if number not in agreement.table("customers"):
            return number


def _number_taken(number: int) -> errors.ApiError:
    return errors.validation_failed({"customerNumber": {"errors": [errors.property_error(
        "customerNumber", f"Customer number {number} is already in use.", NUMBER_TAKEN, number)]}})


@router.route("PUT", "/customers/{number:int}")
def replace_customer(request: Request, number: int) -> Response:
    agreement = request.agreement
    current = get_or_404(agreement, "customers", number)
    body = _body(request)
    schemas.check(body, "customers.customerNo.put")
    document = _stored_form(body, "customers.customerNo.put")
    document.pop("eInvoicingDisabledByDefault", None)  # PUT ignores it; PATCH sets it
    check_references(agreement, document)
    document = {**document, "customerNumber": number, "balance": current.get("balance", 0.0),
                "dueAmount": current.get("dueAmount", 0.0), "lastUpdated": now_stamp()}
    if current.get("eInvoicingDisabledByDefault"):
        document["eInvoicingDisabledByDefault"] = True
    agreement.table("customers")[number] = document
    webhooks.notify(agreement, "Customer updated", NEWNUMBER=number, OLDNUMBER=number)
    return json_response(200, present_customer(request, document))


@router.route("PATCH", "/customers/{number:int}")
def patch_customer(request: Request, number: int) -> Response:
    """JSON Patch, only `replace` of `/eInvoicingDisabledByDefault` (REFERENCE §2.1)."""
    document = get_or_404(request.agreement, "customers", number)
    operations = request.json()
    if not isinstance(operations, list) or not all(
        isinstance(op, dict) and op.get("op") == "replace"
        and op.get("path") == "/eInvoicingDisabledByDefault" and isinstance(op.get("value"), bool)
        for op in operations
    ):
        raise errors.bad_request(
            "Invalid patch document.",
            ["Only 'replace' of '/eInvoicingDisabledByDefault' with a boolean is supported."],
        )
    for operation in operations:
        document["eInvoicingDisabledByDefault"] = operation["value"]
    document["lastUpdated"] = now_stamp()
    webhooks.notify(request.agreement, "Customer updated", NEWNUMBER=number, OLDNUMBER=number)
    return json_response(200, present_customer(request, document))


@router.route("DELETE", "/customers/{number:int}")
def delete_customer(request: Request, number: int) -> Response:
    get_or_404(request.agreement, "customers", number)
    del request.agreement.table("customers")[number]
    return Response(status=204)


@router.route("GET", "/customer-groups/{number:int}/customers")
def list_group_customers(request: Request, number: int) -> Response:
    get_or_404(request.agreement, "customer-groups", number)
    stored = request.agreement.table("customers")
    documents = [present_customer(request, stored[key]) for key in sorted(stored)
                 if stored[key]["customerGroup"]["customerGroupNumber"] == number]
    return collection_response(
        request, documents, schema="customer-groups.customerGroupNumber.customers.get",
        path=f"/customer-groups/{number}/customers")
