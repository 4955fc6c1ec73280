"""Reads of the agreement's reference data that invoices, journals and payments need.

Tables and keys are the seed's (`economic_sandbox/seed.py`). Each `find_*` answers the stored
document or None; `require_*` adds an E06000 "does not exist" error to an errors tree instead
(REFERENCE §4.1: `E06000` "<x> does not exist"). Links are added here from the request's base
URL, as every answer carries absolute `self` links.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from economic_sandbox import errors, schemas
from economic_sandbox.encoding import encode_id
from economic_sandbox.http import Request
from economic_sandbox.resources import reference
from economic_sandbox.state import Agreement

DOES_NOT_EXIST = "E06000"
PRODUCT_BARRED = "E06600"
PERIOD_BARRED = "E04041"


def reference_number(reference: Any, key: str) -> Any:
    """The id of a reference given as `{key: n}` or only as `{"self": ".../n"}`."""
    if not isinstance(reference, dict):
        return None
    if key in reference:
        return reference[key]
    link = str(reference.get("self", "")).rstrip("/")
    tail = link.rsplit("/", 1)[-1] if link else ""
    return int(tail) if tail.lstrip("-").isdigit() else tail or None


def find(agreement: Agreement, table: str, key: Any) -> dict | None:
    return agreement.table(table).get(key)


def unknown(path: list, name: str, what: str, value: Any, hint_path: str) -> tuple[list, dict]:
    """An E06000 error for a referenced resource that is not there."""
    return path, errors.property_error(
        name,
        f"{what} '{value}' does not exist.",
        DOES_NOT_EXIST,
        value,
        f"Find a list of {hint_path} at https://restapi.e-conomic.com/{hint_path} .",
    )


def sales_posting(
    agreement: Agreement, product_group_number: Any, vat_zone_number: Any
) -> tuple[int | None, str | None, Decimal]:
    """Where a sale of the group to the zone is booked (REFERENCE §2.6): the group's sales
    account for the zone, that account's VAT code and the VAT rate charged (the code's rate in
    the Domestic zone, else 0). (None, None, 0) when the group has no sales account there."""
    try:
        account = reference.sales_account_number(agreement, product_group_number, vat_zone_number)
        code = reference.sales_vat_code(agreement, account)
        return account, code, reference.vat_rate(agreement, product_group_number, vat_zone_number)
    except LookupError:
        return None, None, Decimal(0)


def barred_period(agreement: Agreement, day: datetime.date) -> bool:
    """Whether `day` falls in a barred period or a closed accounting year (REFERENCE §2.15)."""
    return reference.period_is_barred(agreement, day)


def accounting_year_of(agreement: Agreement, day: datetime.date) -> str | None:
    return reference.accounting_year_for(agreement, day)


def period_barred_error(path: list, name: str, value: Any) -> tuple[list, dict]:
    """E04041 as recorded from production (REFERENCE §2.15)."""
    return path, errors.property_error(
        name,
        "Perioden er spærret.",
        PERIOD_BARRED,
        value,
        "You cannot create an entry with a date that is barred in the accounting year.",
    )


# --- links ------------------------------------------------------------------------------------


def link(request: Request, *parts: Any) -> str:
    return request.url("/" + "/".join(str(part) for part in parts))


def customer_reference(request: Request, number: int) -> dict:
    return {"customerNumber": number, "self": link(request, "customers", number)}


def product_reference(request: Request, number: str) -> dict:
    return {"productNumber": number, "self": link(request, "products", encode_id(number))}


def layout_reference(request: Request, number: int) -> dict:
    return {"layoutNumber": number, "self": link(request, "layouts", number)}


def payment_terms_reference(request: Request, terms: dict) -> dict:
    kept = ("paymentTermsNumber", "daysOfCredit", "name", "paymentTermsType")
    reference = {key: terms[key] for key in kept if key in terms}
    reference["self"] = link(request, "payment-terms", terms["paymentTermsNumber"])
    return reference


def vat_zone_reference(request: Request, zone: dict) -> dict:
    kept = ("name", "vatZoneNumber", "enabledForCustomer", "enabledForSupplier")
    reference = {key: zone[key] for key in kept if zone.get(key) not in (None, False)}
    reference["self"] = link(request, "vat-zones", zone["vatZoneNumber"])
    return reference


def unit_reference(request: Request, unit: dict) -> dict:
    reference = {key: unit[key] for key in ("unitNumber", "name") if key in unit}
    reference["self"] = link(request, "units", unit["unitNumber"])
    return reference


def add_all(tree: dict, found: list[tuple[list, dict]]) -> dict:
    for path, error in found:
        schemas.add_error(tree, path, error)
    return tree


def without_empty(document: Any) -> Any:
    """e-conomic omits nulls and false booleans from responses (REFERENCE §2)."""
    if isinstance(document, dict):
        return {
            key: without_empty(value)
            for key, value in document.items()
            if value is not None and value is not False
        }
    if isinstance(document, list):
        return [without_empty(value) for value in document]
    return document
