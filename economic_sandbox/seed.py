"""Seed data: the agreements a fresh sandbox starts with, modelled on the recorded demo agreement.

Documents are stored as e-conomic answers them but without links (`self` and friends are added
when answered, from the request's own base URL). Table names and keys, which the resources read:

* keyed by their number (int), stored as the resource: layouts, payment-terms, vat-zones,
  vat-types, units, customer-groups, product-groups, journals, customers, accounts;
* keyed by a string, stored as the resource: products (productNumber), vat-accounts (vatCode),
  currencies (code);
* accounting-years (year string): `{year, fromDate, toDate[, closed]}`;
* accounting-year-periods (year string):
  `{year, periods: [{periodNumber, fromDate, toDate[, barred]}]}`;
* product-group-sales-accounts (productGroupNumber):
  `{productGroupNumber, salesAccounts: [{vatZoneNumber, accountNumber}]}`.
"""
from __future__ import annotations

import calendar
import datetime
import json
from pathlib import Path

from economic_sandbox.state import Agreement, World

DEMO_AGREEMENT = 1118081
DEMO_TOKEN = "demo"
APP_SECRET_TOKEN = "sandbox-app-secret"
WRITABLE_AGREEMENTS = (
    # (agreement number, grant token, company, projects module on)
    (9000001, "sandbox-grant-1", "Sandbox Consulting ApS", True),
    (9000002, "sandbox-grant-2", "Sandbox Trading ApS", False),
)
PROJECTS_MODULE = {"moduleNumber": 4, "name": "Projektstyring"}
_DATA = json.loads((Path(__file__).parent / "seed_data.json").read_text(encoding="utf-8"))


def seed_world(world: World | None = None) -> World:
    """A world with the demo agreement, the two writable ones and the sandbox's app token."""
    world = world or World()
    world.app_tokens = {APP_SECRET_TOKEN}
    world.agreements.clear()
    world.add(new_agreement(DEMO_AGREEMENT, DEMO_TOKEN, "The Demo Company", read_only=True))
    for number, grant, company, projects in WRITABLE_AGREEMENTS:
        world.add(new_agreement(number, grant, company, projects=projects))
    return world


def new_agreement(
    number: int,
    grant_token: str,
    company_name: str,
    *,
    projects: bool = True,
    read_only: bool = False,
    base_currency: str = "DKK",
    modules: list[dict] | None = None,
    app_role: str = "SuperUser",
    year_start_month: int = 1,
) -> Agreement:
    """An agreement with the standard Danish reference data, two customers and some products.
    `modules` (as in GET /self) replaces the standard set; else `projects` adds Projektstyring."""
    if modules is not None:
        modules = [{"moduleNumber": int(module["moduleNumber"]), "name": str(module["name"])}
                   for module in modules]
    else:
        modules = [dict(module) for module in _DATA["modules"]]
        if projects:
            modules.append(dict(PROJECTS_MODULE))
    agreement = Agreement(
        number=number,
        grant_token=grant_token,
        company_name=company_name,
        base_currency=base_currency,
        read_only=read_only,
        modules=modules,
        app_role=app_role,
    )
    _fill_tables(agreement, year_start_month)
    return agreement


def _fill_tables(agreement: Agreement, year_start_month: int = 1) -> None:
    keys = {"products": "productNumber", "vat-accounts": "vatCode", "currencies": "code",
            "accounts": "accountNumber"}
    for table, documents in _DATA["tables"].items():
        key = keys.get(table) or _number_key(documents[0])
        for document in documents:
            agreement.table(table)[document[key]] = json.loads(json.dumps(document))
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for table in ("customers", "products"):
        for document in agreement.table(table).values():
            document["lastUpdated"] = now
    for group, accounts in _DATA["salesAccounts"].items():
        agreement.table("product-group-sales-accounts")[int(group)] = {
            "productGroupNumber": int(group),
            "salesAccounts": [{"vatZoneNumber": zone, "accountNumber": account}
                              for zone, account in enumerate(accounts, start=1)],
        }
    _add_accounting_years(agreement, datetime.date.today(), year_start_month)
    agreement.reserve_number("customers", max(agreement.table("customers")))


def _number_key(document: dict) -> str:
    return next(key for key in document if key.endswith("Number"))


def _add_accounting_years(agreement: Agreement, today: datetime.date, start_month: int = 1) -> None:
    """Last year, this year and next year open; the year before last closed with every period
    barred, so a date there answers e-conomic's E04041 "Perioden er spærret". A year that does
    not start in January spans two calendar years and is named as e-conomic names it,
    "2025/2026"."""
    if not 1 <= start_month <= 12:
        raise ValueError("yearStartMonth is a month, 1 to 12")
    current = today.year if today.month >= start_month else today.year - 1
    for first in range(current - 2, current + 2):
        closed = first == current - 2
        name = str(first) if start_month == 1 else f"{first}/{first + 1}"
        months = [_month_after(first, start_month, step) for step in range(12)]
        last = _period(*months[-1], number=12, barred=False)["toDate"]
        document = {"year": name, "fromDate": f"{first}-{start_month:02d}-01", "toDate": last}
        if closed:
            document["closed"] = True
        agreement.table("accounting-years")[name] = document
        agreement.table("accounting-year-periods")[name] = {
            "year": name,
            "periods": [
                _period(year, month, number=number, barred=closed)
                for number, (year, month) in enumerate(months, 1)
            ],
        }


def _month_after(year: int, month: int, step: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + step
    return index // 12, index % 12 + 1


def _period(year: int, month: int, *, number: int, barred: bool) -> dict:
    last_day = calendar.monthrange(year, month)[1]
    period = {
        "periodNumber": number,
        "fromDate": f"{year}-{month:02d}-01",
        "toDate": f"{year}-{month:02d}-{last_day:02d}",
    }
    if barred:
        period["barred"] = True
    return period
