"""Building a draft invoice from a POST/PUT body: business validation and the stored document.

https://restdocs.e-conomic.com/#post-invoices-drafts (REFERENCE §2.8). The stored document is
e-conomic's answer without links (links are added when answered, from the request's base URL);
lines keep their `vatRate`/`vatAmount` for booking, which the draft answer leaves out.

Business errors (REFERENCE §4.1): unknown customer, layout, payment terms, VAT zone, currency,
product, unit or project → E06000; a line with a product but no quantity → E04730; a barred
product → E06600; payment terms of type `dueDate` without a `dueDate` → E04020 (required). A
date in a barred period is accepted (booking refuses it, `booked.py`). A `project` while the
agreement lacks the projects module is answered as an unknown project (E06000) whose message
says the module is off (the sandbox's choice, README_RESOURCES.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from economic_sandbox import errors, schemas
from economic_sandbox.resources import invoice_math
from economic_sandbox.resources.lookups import (
    PRODUCT_BARRED,
    find,
    reference_number,
    sales_posting,
    unknown,
)
from economic_sandbox.state import Agreement

PROJECTS_MODULE = "Projektstyring"
# Stored-only line keys (left out of every answer): where booking posts the line's sale.
SALES_ACCOUNT = "salesAccountNumber"
VAT_CODE = "vatCode"
QUANTITY_REQUIRED = "E04730"

# (body key, id key, table, what, collection path for the hint)
_HEADER_REFERENCES = (
    ("customer", "customerNumber", "customers", "Customer", "customers"),
    ("layout", "layoutNumber", "layouts", "Layout", "layouts"),
    ("paymentTerms", "paymentTermsNumber", "payment-terms", "PaymentTerms", "payment-terms"),
)


def business_errors(agreement: Agreement, body: dict) -> list[tuple[list, dict]]:
    """Every reference and rule error of a schema-valid draft body."""
    found = []
    for key, id_key, table, what, hint in _HEADER_REFERENCES:
        number = reference_number(body.get(key), id_key)
        if find(agreement, table, number) is None:
            found.append(unknown([key], key, what, number, hint))
    currency = str(body.get("currency", "")).upper()
    if find(agreement, "currencies", currency) is None:
        found.append(
            unknown(["currency"], "currency", "Currency", body.get("currency"), "currencies")
        )
    zone = reference_number(body["recipient"].get("vatZone"), "vatZoneNumber")
    if find(agreement, "vat-zones", zone) is None:
        found.append(unknown(["recipient", "vatZone"], "vatZone", "VatZone", zone, "vat-zones"))
    found += _date_errors(agreement, body)
    found += _project_errors(agreement, body.get("project"))
    for index, line in enumerate(body.get("lines") or []):
        found += line_errors(agreement, line, ["lines", index])
    return found


def _date_errors(agreement: Agreement, body: dict) -> list:
    # No barred-period check here: e-conomic creates a draft dated in a barred period and
    # refuses only its booking, with E04870 (ADDENDUM §9, seen in production).
    found = []
    terms = find(
        agreement, "payment-terms", reference_number(body["paymentTerms"], "paymentTermsNumber")
    )
    if terms and terms.get("paymentTermsType") == "dueDate" and not body.get("dueDate"):
        found.append(
            (
                ["dueDate"],
                errors.property_error(
                    "dueDate",
                    "Property is required when the payment terms are of type dueDate.",
                    schemas.REQUIRED,
                ),
            )
        )
    return found


def _project_errors(agreement: Agreement, project: Any) -> list:
    if project is None:
        return []
    number = reference_number(project, "projectNumber")
    if not agreement.has_module(PROJECTS_MODULE):
        error = errors.property_error(
            "project",
            f"Project '{number}' does not exist. The projects module is not enabled on this "
            "agreement.",
            "E06000",
            number,
            "Projects require the module 'Projektstyring'; see modules in GET /self.",
        )
        return [(["project"], error)]
    if find(agreement, "projects", number) is None:
        return [unknown(["project"], "project", "Project", number, "projects")]
    return []


def line_errors(agreement: Agreement, line: dict, path: list) -> list[tuple[list, dict]]:
    found = []
    if "product" in line:
        number = str(reference_number(line["product"], "productNumber"))
        product = find(agreement, "products", number)
        if product is None:
            found.append(unknown([*path, "product"], "product", "Product", number, "products"))
        elif product.get("barred"):
            found.append(([*path, "product"], _barred(number)))
        if "quantity" not in line:
            found.append(([*path, "quantity"], _quantity_required()))
    if "unit" in line:
        unit = reference_number(line["unit"], "unitNumber")
        if find(agreement, "units", unit) is None:
            found.append(unknown([*path, "unit"], "unit", "Unit", unit, "units"))
    return found


def _barred(number: str) -> dict:
    return errors.property_error(
        "product",
        f"Product '{number}' is barred.",
        PRODUCT_BARRED,
        number,
        "Find a list of products that are not barred at "
        "https://restapi.e-conomic.com/products?filter=barred$eq:false .",
    )


def _quantity_required() -> dict:
    return errors.property_error(
        "quantity",
        "Quantity is required when a product is specified.",
        QUANTITY_REQUIRED,
        hint="Add a quantity to the line.",
    )


# --- the stored document ----------------------------------------------------------------------


def _line_product(agreement: Agreement, line: dict) -> dict:
    if "product" not in line:
        return {}
    number = str(reference_number(line["product"], "productNumber"))
    return find(agreement, "products", number) or {}


def _line_amounts(line: dict, product: dict, exchange_rate: Any, rate: Any, model: str) -> dict:
    """Prices (defaults from the product), net amount, margin and VAT of one line."""
    quantity = line.get("quantity", 0)
    unit_price = line.get("unitNetPrice", product.get("salesPrice", 0))
    discount = line.get("discountPercentage", 0)
    cost = line.get("unitCostPrice", product.get("costPrice", 0))
    net = invoice_math.line_net_amount(quantity, unit_price, discount)
    net_base = invoice_math.in_base_currency(net, exchange_rate)
    margin = net_base - invoice_math.money(invoice_math.money(cost) * invoice_math.money(quantity))
    return {
        "quantity": float(quantity),
        "unitNetPrice": float(unit_price),
        "discountPercentage": float(discount),
        "unitCostPrice": float(cost),
        "totalNetAmount": float(net),
        "marginInBaseCurrency": float(margin),
        "marginPercentage": float(invoice_math.money(margin * 100 / net_base) if net_base else 0),
        "vatRate": float(rate),
        "vatAmount": float(invoice_math.line_vat_for_model(net, rate, model)),
    }


def build_line(agreement: Agreement, line: dict, index: int, exchange_rate: Any, zone: int) -> dict:
    """A stored line: position, description and prices defaulted from the product, VAT from the
    product group's sales account for the recipient's VAT zone. The account and its VAT code
    are kept (never answered) for the ledger entries booking makes."""
    product = _line_product(agreement, line)
    group = (product.get("productGroup") or {}).get("productGroupNumber")
    account, vat_code, rate = sales_posting(agreement, group, zone) if product else (None, None, 0)
    stored = {
        "lineNumber": line.get("lineNumber", index + 1),
        "sortKey": line.get("sortKey", index + 1),
        "description": line.get("description", product.get("name", "")),
        **_line_amounts(line, product, exchange_rate, rate, agreement.vat_rounding),
        SALES_ACCOUNT: account,
        VAT_CODE: vat_code,
    }
    for key in ("product", "unit", "accrual", "departmentalDistribution", "deliveryDate"):
        if key in line:
            stored[key] = _plain_reference(key, line[key])
    return stored


def _plain_reference(key: str, value: Any) -> Any:
    """A reference kept by its id (a `self`-only reference resolved), other values as sent."""
    ids = {
        "product": "productNumber",
        "unit": "unitNumber",
        "project": "projectNumber",
        "deliveryLocation": "deliveryLocationNumber",
    }
    if key in ids:
        number = reference_number(value, ids[key])
        return {ids[key]: str(number) if key == "product" else number}
    return value


def build_draft(agreement: Agreement, body: dict, number: int) -> dict:
    """The stored draft for a valid body (header, lines, totals, due date)."""
    invoice_date = invoice_math.parse_date(body["date"])
    currency = body["currency"].upper()
    exchange_rate = body.get("exchangeRate") or exchange_rate_for(agreement, currency)
    zone = reference_number(body["recipient"]["vatZone"], "vatZoneNumber")
    lines = [
        build_line(agreement, line, index, exchange_rate, zone)
        for index, line in enumerate(body.get("lines") or [])
    ]
    terms = find(
        agreement, "payment-terms", reference_number(body["paymentTerms"], "paymentTermsNumber")
    )
    given_due = invoice_math.parse_date(body["dueDate"]) if body.get("dueDate") else None
    draft = {
        "draftInvoiceNumber": number,
        "soap": {"currentInvoiceHandle": {"id": number}},
        "date": invoice_date.isoformat(),
        "currency": currency,
        "exchangeRate": float(exchange_rate),
        **invoice_math.document_totals(lines, exchange_rate, agreement.vat_rounding),
        "dueDate": invoice_math.due_date(invoice_date, terms, given_due).isoformat(),
        "paymentTerms": {"paymentTermsNumber": terms["paymentTermsNumber"]},
        "customer": {"customerNumber": reference_number(body["customer"], "customerNumber")},
        "recipient": _recipient(body["recipient"], zone),
        "layout": {"layoutNumber": reference_number(body["layout"], "layoutNumber")},
        "lines": lines,
        "lastUpdated": now_timestamp(),
    }
    for key in ("delivery", "deliveryLocation", "notes", "references", "project"):
        if key in body:
            draft[key] = _plain_reference(key, body[key])
    return draft


def _recipient(recipient: dict, zone: int) -> dict:
    copied = {key: value for key, value in recipient.items() if key != "vatZone"}
    copied["vatZone"] = {"vatZoneNumber": zone}
    return copied


# Base-currency price of 100 units when the body gives no rate and the currency is foreign
# (e-conomic uses the day's rate; the sandbox uses fixed rates, README_RESOURCES.md).
FIXED_RATES_IN_DKK = {"DKK": 100, "EUR": 746, "USD": 690, "GBP": 870, "SEK": 65, "NOK": 64}


def exchange_rate_for(agreement: Agreement, currency: str) -> float:
    if currency == agreement.base_currency:
        return 100.0
    in_dkk = FIXED_RATES_IN_DKK.get(currency, 100)
    base_in_dkk = FIXED_RATES_IN_DKK.get(agreement.base_currency, 100)
    return round(in_dkk * 100 / base_in_dkk, 6)


def now_timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
