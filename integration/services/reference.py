"""Reference data: e-conomic's customers, products, layouts, ... cached as RemoteRecord rows so
admin pickers and the setup check read them without calling e-conomic.

A refresh reads each collection a page (1,000 items) at a time and updates the cache of that
kind in one short transaction per kind: no transaction is held across a call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from integration.economic.client import EconomicClient
from integration.economic.encoding import encode_id
from integration.models import Connection, RemoteKind, RemoteRecord


@dataclass(frozen=True)
class Source:
    kind: str
    path: str
    number: Callable[[dict], object]
    name: Callable[[dict], str]


def _field(name: str) -> Callable[[dict], object]:
    return lambda document: document.get(name, "")


SOURCES = [
    Source(RemoteKind.CUSTOMER, "/customers", _field("customerNumber"), _field("name")),
    Source(RemoteKind.PRODUCT, "/products", _field("productNumber"), _field("name")),
    Source(
        RemoteKind.PRODUCT_GROUP, "/product-groups", _field("productGroupNumber"), _field("name")
    ),
    Source(RemoteKind.LAYOUT, "/layouts", _field("layoutNumber"), _field("name")),
    Source(
        RemoteKind.PAYMENT_TERMS, "/payment-terms", _field("paymentTermsNumber"), _field("name")
    ),
    Source(RemoteKind.VAT_ZONE, "/vat-zones", _field("vatZoneNumber"), _field("name")),
    Source(RemoteKind.VAT_ACCOUNT, "/vat-accounts", _field("vatCode"), _field("name")),
    # The chart of accounts: a voucher names its revenue account, and the setup check proves
    # each of our sales accounts is there with the VAT code our lines carry.
    Source(RemoteKind.ACCOUNT, "/accounts", _field("accountNumber"), _field("name")),
    Source(
        RemoteKind.CUSTOMER_GROUP, "/customer-groups", _field("customerGroupNumber"), _field("name")
    ),
    Source(RemoteKind.JOURNAL, "/journals", _field("journalNumber"), _field("name")),
    Source(RemoteKind.ACCOUNTING_YEAR, "/accounting-years", _field("year"), _field("year")),
    Source(RemoteKind.UNIT, "/units", _field("unitNumber"), _field("name")),
    Source(RemoteKind.CURRENCY, "/currencies", _field("code"), _field("name")),
]


@dataclass
class RefreshResult:
    counts: dict[str, int]
    api_calls: int


def _record(connection: Connection, source: Source, document: dict, now) -> RemoteRecord:
    identification = document.get("corporateIdentificationNumber") or document.get("vatNumber")
    return RemoteRecord(
        connection=connection,
        kind=source.kind,
        number=str(source.number(document)),
        name=str(source.name(document))[:255],
        email=(document.get("email") or "").lower()[:255],
        identification=(identification or "")[:40],
        barred=bool(document.get("barred") or document.get("closed")),
        present=True,
        data=document,
        refreshed_at=now,
    )


def _details(client: EconomicClient, source: Source, document: dict) -> dict:
    """What the setup check needs beyond the collection: a product group's sales accounts per
    VAT zone, a journal's voucher count, an open accounting year's periods (which are barred)."""
    if source.kind == RemoteKind.PRODUCT_GROUP:
        path = f"/product-groups/{document['productGroupNumber']}/sales-accounts"
        return {**document, "salesAccounts": list(client.iterate(path))}
    if source.kind == RemoteKind.JOURNAL:
        # How full the voucher number range is: one call reading only the count.
        page = client.get(f"/journals/{document['journalNumber']}/vouchers", {"pagesize": 1})
        return {**document, "voucherCount": page.get("pagination", {}).get("results", 0)}
    if source.kind == RemoteKind.ACCOUNTING_YEAR and not document.get("closed"):
        path = f"/accounting-years/{encode_id(document['year'])}/periods"
        return {**document, "periodList": list(client.iterate(path))}
    return document


UPDATED_FIELDS = ["name", "email", "identification", "barred", "present", "data", "refreshed_at"]


def _replace_kind(connection: Connection, kind: str, records: Iterable[RemoteRecord]) -> int:
    """Upsert what e-conomic has and mark the rest absent, in one short transaction."""
    records = list(records)
    with transaction.atomic():
        # Everything absent first; the upsert marks what e-conomic answered present again.
        RemoteRecord.objects.filter(connection=connection, kind=kind).update(present=False)
        RemoteRecord.objects.bulk_create(
            records,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["connection", "kind", "number"],
            update_fields=UPDATED_FIELDS,
        )
    return len(records)


def reference_refresh(*, connection: Connection, client: EconomicClient) -> RefreshResult:
    """Read every kind of reference data from e-conomic and replace the cache with it."""
    calls_before = connection.api_calls.count()
    counts: dict[str, int] = {}
    for source in SOURCES:
        now = timezone.now()
        documents = [_details(client, source, document) for document in client.iterate(source.path)]
        records = (_record(connection, source, document, now) for document in documents)
        counts[source.kind] = _replace_kind(connection, source.kind, records)
    connection.reference_refreshed_at = timezone.now()
    connection.save(update_fields=["reference_refreshed_at"])
    return RefreshResult(counts=counts, api_calls=connection.api_calls.count() - calls_before)
