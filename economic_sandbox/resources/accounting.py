"""The chart of accounts side of the reference data (REFERENCE §2.3, §2.6, §2.7, §2.15):
`/accounts`, `/vat-accounts`, `/vat-types`, `/product-groups` with `/sales-accounts` and
`/products`, `/accounting-years` with `/periods`. All read-only, as in e-conomic for the ones a
sales integration touches (product groups have no create endpoint in REST).
"""
from __future__ import annotations

from economic_sandbox import errors
from economic_sandbox.collections import collection_response
from economic_sandbox.encoding import decode_id, encode_id
from economic_sandbox.http import Request, Response, json_response
from economic_sandbox.resources.reference import (
    get_or_404,
    present_vat_zone,
    reference,
    with_self,
)
from economic_sandbox.routing import Router

router = Router()


def present_account(request: Request, document: dict) -> dict:
    number = document["accountNumber"]
    answer = dict(document)
    if document.get("vatAccount"):
        code = document["vatAccount"]["vatCode"]
        answer["vatAccount"] = {**document["vatAccount"],
                                "self": request.url(f"/vat-accounts/{code}")}
    answer["accountingYears"] = request.url(f"/accounts/{number}/accounting-years")
    answer["self"] = request.url(f"/accounts/{number}")
    return answer


def present_vat_type(request: Request, document: dict) -> dict:
    return with_self(request, document, f"/vat-types/{document['vatTypeNumber']}")


def present_vat_account(request: Request, document: dict) -> dict:
    answer = dict(document)
    for name in ("account", "contraAccount"):
        answer[name] = reference(request, document.get(name), "accountNumber", "accounts")
    if document.get("vatType"):
        answer["vatType"] = present_vat_type(request, document["vatType"])
    return with_self(request, answer, f"/vat-accounts/{document['vatCode']}")


def present_product_group(request: Request, document: dict) -> dict:
    number = document["productGroupNumber"]
    return {**document,
            "salesAccounts": request.url(f"/product-groups/{number}/sales-accounts"),
            "products": request.url(f"/product-groups/{number}/products"),
            "self": request.url(f"/product-groups/{number}")}


def present_accounting_year(request: Request, document: dict) -> dict:
    base = f"/accounting-years/{encode_id(document['year'])}"  # a split year's `/` encoded
    links = {name: request.url(f"{base}/{name}") for name in ("periods", "entries", "totals",
                                                              "vouchers")}
    return {**document, **links, "self": request.url(base)}


def present_period(request: Request, year: str, period: dict) -> dict:
    year_path = f"/accounting-years/{encode_id(year)}"  # a split year's `/` encoded
    base = f"{year_path}/periods/{period['periodNumber']}"
    answer = {
        "periodNumber": period["periodNumber"],
        "accountingYear": {"year": year, "self": request.url(year_path)},
        "fromDate": period["fromDate"],
        "toDate": period["toDate"],
        # e-conomic's period schema has `closed`, no `barred`: a barred period shows closed.
        "closed": bool(period.get("barred")),
        "entries": request.url(f"{base}/entries"),
        "totals": request.url(f"{base}/totals"),
        "self": request.url(base),
    }
    return answer


def _table_routes(table: str, path: str, schema: str, present, converter: str) -> None:
    def get_collection(request: Request) -> Response:
        stored = request.agreement.table(table)
        documents = [present(request, stored[key]) for key in sorted(stored)]
        return collection_response(request, documents, schema=schema, path=path)

    def get_one(request: Request, key) -> Response:
        key = decode_id(key) if isinstance(key, str) else key  # e.g. a split year's `/`
        return json_response(200, present(request, get_or_404(request.agreement, table, key)))

    router.add("GET", path, get_collection)
    router.add("GET", f"{path}/{{key:{converter}}}", get_one)


_table_routes("accounts", "/accounts", "accounts.get", present_account, "int")
_table_routes("vat-accounts", "/vat-accounts", "vat-accounts.get", present_vat_account, "str")
_table_routes("vat-types", "/vat-types", "vat-types.get", present_vat_type, "int")
_table_routes("product-groups", "/product-groups", "product-groups.get", present_product_group,
              "int")
_table_routes("accounting-years", "/accounting-years", "accounting-years.get",
              present_accounting_year, "str")


@router.route("GET", "/product-groups/{number:int}/sales-accounts")
def get_sales_accounts(request: Request, number: int) -> Response:
    """One entry per VAT zone: the zone and the account sales in it are booked to."""
    agreement = request.agreement
    get_or_404(agreement, "product-groups", number)
    group = agreement.table("product-group-sales-accounts").get(number, {"salesAccounts": []})
    documents = []
    for entry in group["salesAccounts"]:
        account = agreement.table("accounts").get(entry["accountNumber"])
        zone = agreement.table("vat-zones").get(entry["vatZoneNumber"])
        if account and zone:
            documents.append({"salesAccount": present_account(request, account),
                              "vatZone": present_vat_zone(request, zone)})
    return collection_response(request, documents,
                               schema="product-groups.productGroupNumber.sales-accounts.get",
                               path=f"/product-groups/{number}/sales-accounts")


@router.route("GET", "/product-groups/{number:int}/products")
def get_group_products(request: Request, number: int) -> Response:
    from economic_sandbox.resources.products import present_product

    get_or_404(request.agreement, "product-groups", number)
    stored = request.agreement.table("products")
    documents = [present_product(request, stored[key]) for key in sorted(stored)
                 if stored[key]["productGroup"]["productGroupNumber"] == number]
    return collection_response(request, documents,
                               schema="product-groups.productGroupNumber.products.get",
                               path=f"/product-groups/{number}/products")


@router.route("GET", "/accounting-years/{year:str}/periods")
def get_periods(request: Request, year: str) -> Response:
    year = decode_id(year)
    get_or_404(request.agreement, "accounting-years", year)
    periods = request.agreement.table("accounting-year-periods").get(year, {"periods": []})
    documents = [present_period(request, year, period) for period in periods["periods"]]
    return collection_response(request, documents,
                               schema="accounting-years.accountingYear.periods.get",
                               path=f"/accounting-years/{encode_id(year)}/periods")


@router.route("GET", "/accounting-years/{year:str}/periods/{number:int}")
def get_period(request: Request, year: str, number: int) -> Response:
    year = decode_id(year)
    get_or_404(request.agreement, "accounting-years", year)
    periods = request.agreement.table("accounting-year-periods").get(year, {"periods": []})
    for period in periods["periods"]:
        if period["periodNumber"] == number:
            return json_response(200, present_period(request, year, period))
    raise errors.not_found()
