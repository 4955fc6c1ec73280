"""Products (REFERENCE §2.3): GET collection and single, POST, PUT, DELETE (204).

Product numbers are strings that may hold characters e-conomic encodes in URLs with its own
scheme (`/` → `_6_`, `%` → `_3_`, ...); the URL segment is decoded with `encoding.decode_id`
and every `self` link is built with `encoding.encode_id`.

References are checked like customers': product group and unit → `E06000` "<x> does not exist".
A product number that is taken answers `E06010` (sandbox choice, as for customers). Creating or
replacing a product fires the classic "Product updated" webhook (`[NEWNUMBER]`, `[OLDNUMBER]`).
"""
from __future__ import annotations

from economic_sandbox import errors, schemas, webhooks
from economic_sandbox.collections import collection_response
from economic_sandbox.encoding import decode_id, encode_id
from economic_sandbox.http import Request, Response, created, json_response
from economic_sandbox.resources.customers import NUMBER_TAKEN, now_stamp, reference_key
from economic_sandbox.resources.reference import get_or_404, present_unit
from economic_sandbox.routing import Router

router = Router()

REFERENCES = (
    ("productGroup", "productGroupNumber", "product-groups", "ProductGroup"),
    ("unit", "unitNumber", "units", "Unit"),
)
READ_ONLY = ("lastUpdated", "inventory", "invoices", "pricing", "metaData")
INVENTORY_MODULE = "Lager"


def present_product(request: Request, document: dict) -> dict:
    from economic_sandbox.resources.accounting import present_product_group

    agreement = request.agreement
    base = f"/products/{encode_id(document['productNumber'])}"
    answer = dict(document)
    group = agreement.table("product-groups").get(document["productGroup"]["productGroupNumber"])
    answer["productGroup"] = present_product_group(request, group or document["productGroup"])
    if document.get("unit"):
        unit = agreement.table("units").get(document["unit"]["unitNumber"])
        answer["unit"] = present_unit(request, unit or document["unit"])
    if agreement.has_module(INVENTORY_MODULE):
        answer["inventory"] = {"available": 0.0, "inStock": 0.0, "orderedFromSuppliers": 0.0,
                               "orderedByCustomers": 0.0, "packageVolume": 0.0,
                               "recommendedCostPrice": 0.0}
    answer["invoices"] = {"drafts": request.url(f"{base}/invoices/drafts"),
                          "booked": request.url(f"{base}/invoices/booked"),
                          "self": request.url(f"{base}/invoices")}
    answer["pricing"] = {"currencySpecificSalesPrices":
                         request.url(f"{base}/pricing/currency-specific-sales-prices")}
    href = request.url(base)
    answer["metaData"] = {
        "delete": {"description": "Delete this product.", "href": href, "httpMethod": "delete"},
        "replace": {"description": "Replace this product.", "href": href, "httpMethod": "put"},
    }
    answer["self"] = href
    return answer


def _stored_form(body: dict, schema_name: str) -> dict:
    writable = schemas.item_schema(schema_name)["properties"]
    document = {name: value for name, value in body.items()
                if name in writable and name not in READ_ONLY and name != "self"}
    for name, key, *_ in REFERENCES:
        if name in document:
            document[name] = {key: reference_key(document[name], key)}
    return document


def _check_references(agreement, document: dict) -> None:
    found: dict = {}
    for name, key, table, noun in REFERENCES:
        if name in document and agreement.table(table).get(document[name][key]) is None:
            number = document[name][key]
            found[name] = {"errors": [errors.property_error(
                name, f"{noun} '{number}' does not exist.", "E06000", number,
                f"Find a list of {table.replace('-', ' ')} at /{table} .")]}
    if found:
        raise errors.validation_failed(found)


def _body(request: Request) -> dict:
    body = request.json()
    if not isinstance(body, dict):
        raise errors.bad_request("The request body must be a JSON object.", ["Expected an object."])
    return body


@router.route("GET", "/products")
def list_products(request: Request) -> Response:
    stored = request.agreement.table("products")
    documents = [present_product(request, stored[key]) for key in sorted(stored)]
    return collection_response(request, documents, schema="products.get", path="/products")


@router.route("GET", "/products/{number:str}")
def get_product(request: Request, number: str) -> Response:
    document = get_or_404(request.agreement, "products", decode_id(number))
    return json_response(200, present_product(request, document))


@router.route("POST", "/products")
def create_product(request: Request) -> Response:
    agreement = request.agreement
    body = _body(request)
    schemas.check(body, "products.post")
    document = _stored_form(body, "products.post")
    _check_references(agreement, document)
    number = document["productNumber"]
    if number in agreement.table("products"):
        raise errors.validation_failed({"productNumber": {"errors": [errors.property_error(
            "productNumber", f"Product number '{number}' is already in use.", NUMBER_TAKEN,
            number)]}})
    document["lastUpdated"] = now_stamp()
    agreement.table("products")[number] = document
    webhooks.notify(agreement, "Product updated", NEWNUMBER=number, OLDNUMBER=number)
    answer = present_product(request, document)
    return created(answer, answer["self"])


@router.route("PUT", "/products/{number:str}")
def replace_product(request: Request, number: str) -> Response:
    """Replaces the whole product. The number comes from the URL; a different `productNumber`
    in the body is ignored (sandbox choice: e-conomic does not document renaming by PUT)."""
    agreement = request.agreement
    product_number = decode_id(number)
    get_or_404(agreement, "products", product_number)
    body = _body(request)
    schemas.check(body, "products.productNumber.put")
    document = _stored_form(body, "products.productNumber.put")
    _check_references(agreement, document)
    document.update({"productNumber": product_number, "lastUpdated": now_stamp()})
    agreement.table("products")[product_number] = document
    webhooks.notify(agreement, "Product updated", NEWNUMBER=product_number,
                    OLDNUMBER=product_number)
    return json_response(200, present_product(request, document))


@router.route("DELETE", "/products/{number:str}")
def delete_product(request: Request, number: str) -> Response:
    product_number = decode_id(number)
    get_or_404(request.agreement, "products", product_number)
    del request.agreement.table("products")[product_number]
    return Response(status=204)
