"""Reference data every sales document points at, and the lookups other resources use.

Endpoints (all GET, REFERENCE §1.3, §2.2, §2.4–2.7): `/self`, `/layouts`, `/payment-terms`,
`/vat-zones`, `/currencies`, `/units`, `/customer-groups` (each with `/{number}`). Accounts,
VAT accounts, product groups and accounting years are in `accounting.py`.

Public helpers for the other resource modules (documents are the stored form, without links):
`get_or_404(agreement, table, key)`, `customer`, `product`, `layout`, `payment_terms`,
`vat_zone`, `currency`, `vat_rate(agreement, product_group_number, vat_zone_number)`,
`sales_account_number(...)`, `sales_vat_code(agreement, account_number)`,
`vat_code_rate(agreement, vat_code)`, `accounting_year_for(agreement, date)` and
`period_is_barred(agreement, date)`; `link(request, path)` and `with_self(...)` build links.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from economic_sandbox import errors
from economic_sandbox.auth import ROLES
from economic_sandbox.collections import collection_response
from economic_sandbox.http import Request, Response, json_response
from economic_sandbox.routing import Router
from economic_sandbox.seed import DEMO_TOKEN
from economic_sandbox.state import Agreement

router = Router()

DEMO_APP = {"appNumber": 3162, "name": "REST Demo App",
            "appPublicToken": "PeJLRlveDBRddwXjRwjvcsoxyHtuCYFRNfyC9w5Tn1M1",
            "created": "2016-06-14"}
SANDBOX_APP = {"appNumber": 9001, "name": "Ledger Bridge (sandbox app)",
               "appPublicToken": "sandbox-app-public-token", "created": "2026-01-05"}


# --- lookups ------------------------------------------------------------------------------------


def get_or_404(agreement: Agreement, table: str, key: Any) -> dict:
    """The stored document, or e-conomic's 404 ApiError."""
    document = agreement.table(table).get(key)
    if document is None:
        raise errors.not_found()
    return document


def customer(agreement: Agreement, number: int) -> dict:
    return get_or_404(agreement, "customers", number)


def product(agreement: Agreement, number: str) -> dict:
    return get_or_404(agreement, "products", number)


def layout(agreement: Agreement, number: int) -> dict:
    return get_or_404(agreement, "layouts", number)


def payment_terms(agreement: Agreement, number: int) -> dict:
    return get_or_404(agreement, "payment-terms", number)


def vat_zone(agreement: Agreement, number: int) -> dict:
    return get_or_404(agreement, "vat-zones", number)


def currency(agreement: Agreement, code: str) -> dict:
    return get_or_404(agreement, "currencies", code)


def sales_account_number(
    agreement: Agreement, product_group_number: int, vat_zone_number: int
) -> int:
    """The product group's sales account for a VAT zone; LookupError when there is none."""
    group = agreement.table("product-group-sales-accounts").get(product_group_number)
    for entry in (group or {}).get("salesAccounts", []):
        if entry["vatZoneNumber"] == vat_zone_number:
            return entry["accountNumber"]
    raise LookupError(f"Product group {product_group_number} has no sales account for "
                      f"VAT zone {vat_zone_number}.")


# VAT is charged only to customers in the Domestic zone; EU, Abroad and Domestic exempt VAT
# sales carry 0 % whatever the account's code (REFERENCE §2.6: VAT comes from the product
# group's sales account × the recipient's VAT zone; the zone numbers are the standard Danish set).
VAT_CHARGING_ZONES = frozenset({1})


def sales_vat_code(agreement: Agreement, account_number: int) -> str | None:
    """The VAT code (`vatAccount.vatCode`) of an account; None for VAT-exempt sales.
    LookupError for an unknown account."""
    account = agreement.table("accounts").get(account_number)
    if account is None:
        raise LookupError(f"Account {account_number} does not exist.")
    return (account.get("vatAccount") or {}).get("vatCode") or None


def vat_code_rate(agreement: Agreement, vat_code: str | None) -> Decimal:
    """A VAT code's `ratePercentage`; 0 without a code. LookupError for an unknown code."""
    if not vat_code:
        return Decimal("0")
    vat_account = agreement.table("vat-accounts").get(vat_code)
    if vat_account is None:
        raise LookupError(f"VAT account {vat_code} does not exist.")
    return Decimal(str(vat_account.get("ratePercentage", 0)))


def vat_rate(agreement: Agreement, product_group_number: int, vat_zone_number: int) -> Decimal:
    """The VAT rate (percent) e-conomic applies to a line: the group's sales account for the
    recipient's zone, that account's VAT code, its `ratePercentage` – in the Domestic zone only.
    LookupError for an unknown group, zone or account."""
    account_number = sales_account_number(agreement, product_group_number, vat_zone_number)
    rate = vat_code_rate(agreement, sales_vat_code(agreement, account_number))
    return rate if vat_zone_number in VAT_CHARGING_ZONES else Decimal("0")


def _as_date(value: datetime.date | str) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value[:10])


def accounting_year_for(agreement: Agreement, date: datetime.date | str) -> str | None:
    """The accounting year (its `year` string) that holds `date`, or None."""
    day = _as_date(date).isoformat()
    for year, document in agreement.table("accounting-years").items():
        if document["fromDate"] <= day <= document["toDate"]:
            return year
    return None


def period_is_barred(agreement: Agreement, date: datetime.date | str) -> bool:
    """Whether an entry dated `date` falls in a barred period or a closed year (e-conomic's
    E04041 "Perioden er spærret"). A date outside every accounting year is not barred here; the
    caller decides what a missing year means."""
    year = accounting_year_for(agreement, date)
    if year is None:
        return False
    if agreement.table("accounting-years")[year].get("closed"):
        return True
    day = _as_date(date).isoformat()
    periods = agreement.table("accounting-year-periods").get(year, {}).get("periods", [])
    return any(period["fromDate"] <= day <= period["toDate"] and period.get("barred")
               for period in periods)


# --- links --------------------------------------------------------------------------------------


def link(request: Request, path: str) -> str:
    return request.url(path)


def with_self(request: Request, document: dict, path: str) -> dict:
    """A copy of `document` with its `self` link last, as e-conomic orders it."""
    return {**document, "self": request.url(path)}


def reference(request: Request, document: dict | None, key: str, collection: str) -> dict | None:
    """A reference object (`{"layoutNumber": 19}`) with its `self` link added."""
    if not document or key not in document:
        return document
    return {**document, "self": request.url(f"/{collection}/{document[key]}")}


def _sorted_values(table: dict) -> list[dict]:
    return [table[key] for key in sorted(table)]


# --- /self --------------------------------------------------------------------------------------


@router.route("GET", "/self")
def get_self(request: Request) -> Response:
    agreement = request.agreement
    demo = agreement.grant_token == DEMO_TOKEN
    role = agreement.app_role
    application = {**(DEMO_APP if demo else SANDBOX_APP),
                   "requiredRoles": [{"roleNumber": ROLES.get(role, 2), "name": role}]}
    application["self"] = request.url(f"/apps/{application['appNumber']}")
    body = {
        "agreementNumber": agreement.number,
        "agreementType": {"agreementTypeNumber": 1, "name": "denmark"},
        "userName": "Sandbox",
        "signupDate": "2016-02-17",
        "user": _user(request, agreement),
        "company": _company(agreement),
        "bankInformation": {"bankName": "Sandbox Bank", "bankSortCode": "1234",
                            "bankAccountNumber": "123456789"},
        "application": application,
        "settings": {"baseCurrency": agreement.base_currency},
        "companyAffiliation": "e-conomic",
        "canSendElectronicInvoice": True,
        "modules": [with_self(request, module, f"/modules/agreement/{module['moduleNumber']}")
                    for module in agreement.modules],
        "self": request.url("/self"),
    }
    return json_response(200, body)


def _user(request: Request, agreement: Agreement) -> dict:
    return {
        "loginId": "Sandbox", "email": "api@sandbox.invalid", "name": "Sandbox User",
        "language": {"languageNumber": 1, "name": "Danish", "culture": "da-DK",
                     "self": request.url("/languages/1")},
        "agreementNumber": agreement.number,
    }


def _company(agreement: Agreement) -> dict:
    return {
        "addressLine1": "Langebrogade 1", "zip": "1411", "city": "København K",
        "name": agreement.company_name, "phoneNumber": "+4512345678", "attention": "Bogholderiet",
        "email": f"faktura@{agreement.number}.sandbox.invalid",
        "companyIdentificationNumber": str(29403473 + agreement.number % 1000),
    }


# --- simple reference collections --------------------------------------------------------------


def _simple(table: str, key: str, path: str, schema: str, present) -> None:
    """Register the collection and single-resource GETs of one reference table."""

    def get_collection(request: Request) -> Response:
        stored = _sorted_values(request.agreement.table(table))
        documents = [present(request, document) for document in stored]
        return collection_response(request, documents, schema=schema, path=path)

    def get_one(request: Request, number) -> Response:
        return json_response(200, present(request, get_or_404(request.agreement, table, number)))

    converter = "int" if key.endswith("Number") else "str"
    router.add("GET", path, get_collection)
    router.add("GET", f"{path}/{{number:{converter}}}", get_one)


def present_layout(request: Request, document: dict) -> dict:
    return with_self(request, document, f"/layouts/{document['layoutNumber']}")


def present_payment_terms(request: Request, document: dict) -> dict:
    return with_self(request, document, f"/payment-terms/{document['paymentTermsNumber']}")


def present_vat_zone(request: Request, document: dict) -> dict:
    return with_self(request, document, f"/vat-zones/{document['vatZoneNumber']}")


def present_currency(request: Request, document: dict) -> dict:
    return with_self(request, document, f"/currencies/{document['code']}")


def present_unit(request: Request, document: dict) -> dict:
    number = document["unitNumber"]
    return {**document, "products": request.url(f"/units/{number}/products"),
            "self": request.url(f"/units/{number}")}


def present_customer_group(request: Request, document: dict) -> dict:
    from economic_sandbox.resources.accounting import present_account

    number = document["customerGroupNumber"]
    account = request.agreement.table("accounts").get(document["account"]["accountNumber"])
    answer = {**document, "account": present_account(request, account or document["account"])}
    if document.get("layout"):
        stored = request.agreement.table("layouts").get(document["layout"]["layoutNumber"])
        answer["layout"] = present_layout(request, stored or document["layout"])
    answer["customers"] = request.url(f"/customer-groups/{number}/customers")
    answer["self"] = request.url(f"/customer-groups/{number}")
    return answer


_simple("layouts", "layoutNumber", "/layouts", "layouts.get", present_layout)
_simple("payment-terms", "paymentTermsNumber", "/payment-terms", "payment-terms.get",
        present_payment_terms)
_simple("vat-zones", "vatZoneNumber", "/vat-zones", "vat-zones.get", present_vat_zone)
_simple("currencies", "code", "/currencies", "currencies.get", present_currency)
_simple("units", "unitNumber", "/units", "units.get", present_unit)
_simple("customer-groups", "customerGroupNumber", "/customer-groups", "customer-groups.get",
        present_customer_group)
