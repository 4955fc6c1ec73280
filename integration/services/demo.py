"""The demo's connection to the local sandbox, set up the way a finance team would do it once:
test, refresh, defaults, pairings, mappings, customer matching. Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from accounts_app.models import SalesAccount, ServiceType, VatCode
from integration.models import (
    Connection,
    RemoteKind,
    RemoteRecord,
    SalesAccountMapping,
    ServiceTypeMapping,
    VatCodePairing,
)
from integration.models.connection import PaymentSync
from integration.services.connections import connection_client, connection_test
from integration.services.mappings import customers_auto_match, payment_conditions_pair
from integration.services.payments import payment_webhook_urls
from integration.services.reference import reference_refresh

DEMO_NAME = "e-conomic sandbox"
# The demo ledger's codes and the sandbox agreement's: VAT codes by meaning; each sales account
# to the product group whose sales account for the zone it serves is that same account (services
# 3: 1010 at home, 1020 EU, 1030 abroad, 1040 exempt; travel 5: 1050 at home), with the product
# its lines are sold as when the service type's is of another group; travel sold as the mileage
# product with VAT.
VAT_PAIRS = {"S25": "U25", "RC0": "UEUV", "EXEMPT": "UV0"}
SALES_ACCOUNT_GROUPS = {1010: (3, "1"), 1020: (3, "1"), 1030: (3, "1"), 1040: (3, "1"),
                        1050: (5, "3")}  # fmt: skip
SERVICE_PRODUCTS = {"Travel": "3"}
DEFAULTS = {
    "default_layout_number": 19,
    "default_payment_terms_number": 2,
    "default_vat_zone_number": 1,
    "default_customer_group_number": 1,
    "default_product_number": "1",
    "voucher_journal_number": 1,  # the sandbox's "Daglig" journal, for the voucher method
}


@dataclass
class DemoSetup:
    connection: Connection
    ready: bool
    message: str


def demo_connection_setup(*, grant_token: str) -> DemoSetup:
    connection = Connection.objects.get_or_create(
        name=DEMO_NAME,
        defaults={
            "endpoint": "sandbox",
            "grant_token": grant_token,
            "include_pdf": True,
            "payment_sync": PaymentSync.PARTIAL,
            **DEFAULTS,
        },
    )[0]
    if not connection_test(connection=connection):
        return DemoSetup(connection, False, connection.test_error)
    client = connection_client(connection=connection, purpose="demo set-up")
    result = reference_refresh(connection=connection, client=client)
    _pair_and_map(connection)
    payment_conditions_pair(connection=connection)
    matched = customers_auto_match(connection=connection)
    message = _(
        "agreement %(agreement)s (%(company)s): %(records)d reference records in %(calls)d "
        "calls, %(linked)d customers linked"
    ) % {
        "agreement": connection.agreement_number, "company": connection.company_name,
        "records": sum(result.counts.values()), "calls": result.api_calls,
        "linked": matched.linked,
    }
    return DemoSetup(connection, True, message)


def _record(connection: Connection, kind: str, number) -> RemoteRecord | None:
    return RemoteRecord.objects.filter(connection=connection, kind=kind, number=str(number)).first()


def _pair_and_map(connection: Connection) -> None:
    for code, remote_code in VAT_PAIRS.items():
        vat_code = VatCode.objects.filter(code=code).first()
        record = _record(connection, RemoteKind.VAT_ACCOUNT, remote_code)
        if vat_code and record:
            VatCodePairing.objects.update_or_create(
                connection=connection, vat_code=vat_code, defaults={"vat_account": record}
            )
    for number, (group, product_number) in SALES_ACCOUNT_GROUPS.items():
        account = SalesAccount.objects.filter(number=number).first()
        if account:
            SalesAccountMapping.objects.update_or_create(
                connection=connection,
                sales_account=account,
                defaults={
                    "product_group_number": group,
                    "product": _record(connection, RemoteKind.PRODUCT, product_number),
                },
            )
    for name, product_number in SERVICE_PRODUCTS.items():
        service_type = ServiceType.objects.filter(name=name).first()
        product = _record(connection, RemoteKind.PRODUCT, product_number)
        if service_type and product:
            ServiceTypeMapping.objects.update_or_create(
                connection=connection, service_type=service_type, defaults={"product": product}
            )


def demo_grant_token() -> str:
    return getattr(settings, "SANDBOX_DEMO_GRANT_TOKEN", "sandbox-grant-1")


def demo_webhooks_register(*, connection: Connection, site_url: str) -> int:
    """Demo only: give the sandbox agreement our webhook URL for both events, so a payment
    registered in the sandbox arrives within seconds. A new secret each time, and the
    agreement's list replaced (PUT), so a second run leaves no stale URL behind. Answers the
    number of webhooks set."""
    import requests

    urls = payment_webhook_urls(connection=connection, site_url=site_url)
    hooks = [{"event": event, "url": url} for event, url in urls.items()]
    control = connection.endpoint_config["rest_url"].rstrip("/") + "/_sandbox"
    answer = requests.put(
        f"{control}/agreements/{connection.agreement_number}/webhooks", json=hooks, timeout=10
    )
    answer.raise_for_status()
    return len(hooks)
