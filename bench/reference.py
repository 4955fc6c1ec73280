"""Reference data and mapping screens, measured.

1. API calls to refresh the reference data of an agreement with 2,000 customers and 500 products
   (the sandbox in this process, over loopback HTTP; counted by the sandbox's request log).
2. Database queries per mapping-screen page (admin changelists) with 20 and 400 rows each: a
   page whose count grows with its rows has an N+1 to fix.

Run: .venv/bin/python bench/reference.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection as database  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from economic_sandbox.pytest_plugin import SandboxClient, start_in_thread  # noqa: E402

CUSTOMERS, PRODUCTS = 2000, 500
BASE = {
    "currency": "DKK",
    "customerGroup": {"customerGroupNumber": 1},
    "paymentTerms": {"paymentTermsNumber": 1},
    "vatZone": {"vatZoneNumber": 1},
}


def fill_sandbox(sandbox: SandboxClient) -> None:
    sandbox.set_rate_limit(enabled=False)
    with requests.Session() as session:
        session.headers.update(sandbox.session.headers)
        for number in range(1, CUSTOMERS + 1):
            body = {
                **BASE,
                "customerNumber": 200000 + number,
                "name": f"Customer {number}",
                "email": f"c{number}@example.dk",
            }
            session.post(sandbox.url("/customers"), json=body, timeout=10).raise_for_status()
        for number in range(1, PRODUCTS + 1):
            body = {
                "productNumber": f"P-{number}",
                "name": f"Product {number}",
                "productGroup": {"productGroupNumber": 1},
            }
            session.post(sandbox.url("/products"), json=body, timeout=10).raise_for_status()
    sandbox.set_rate_limit(enabled=True)


def connect(sandbox: SandboxClient):
    from integration.models import Connection

    settings.ECONOMIC_ENDPOINTS["sandbox"].update(
        rest_url=sandbox.base_url, openapi_url=sandbox.base_url, app_secret_token=sandbox.app_token
    )
    return Connection.objects.create(
        name="Bench", endpoint="sandbox", grant_token=sandbox.grant_token
    )


def measure_refresh(sandbox: SandboxClient, connection) -> None:
    from integration.services.connections import connection_client
    from integration.services.reference import reference_refresh

    since = sandbox.last_request_id()
    started = time.monotonic()
    result = reference_refresh(
        connection=connection, client=connection_client(connection=connection)
    )
    elapsed = time.monotonic() - started
    calls = len(sandbox.request_log(since))
    print(
        f"refresh: {sum(result.counts.values())} records "
        f"({result.counts['customer']} customers, {result.counts['product']} products) "
        f"in {calls} API calls (sandbox log), {result.api_calls} recorded, {elapsed:.2f} s"
    )


def add_mappings(connection, rows: int) -> None:
    from accounts_app.models import Customer, PaymentCondition, SalesAccount, ServiceType, VatCode
    from integration.models import (
        CustomerLink,
        PaymentConditionPairing,
        RemoteRecord,
        SalesAccountMapping,
        ServiceTypeMapping,
        VatCodePairing,
    )

    start = ServiceType.objects.count()
    product = RemoteRecord.objects.filter(connection=connection, kind="product").first()
    vat = RemoteRecord.objects.filter(connection=connection, kind="vat_account").first()
    terms = RemoteRecord.objects.filter(connection=connection, kind="payment_terms").first()
    for index in range(start, start + rows):
        service_type = ServiceType.objects.create(name=f"Service {index}")
        ServiceTypeMapping.objects.create(
            connection=connection, service_type=service_type, product=product
        )
        vat_code = VatCode.objects.create(code=f"V{index}", name="VAT", rate=25)
        VatCodePairing.objects.create(connection=connection, vat_code=vat_code, vat_account=vat)
        condition = PaymentCondition.objects.create(name=f"Net {index}", kind="net", days=index)
        PaymentConditionPairing.objects.create(
            connection=connection, payment_condition=condition, payment_terms=terms
        )
        account = SalesAccount.objects.create(number=5000 + index, name=f"Sales {index}")
        SalesAccountMapping.objects.create(
            connection=connection, sales_account=account, product_group_number=1 + index % 3
        )
        customer = Customer.objects.create(
            number=90000 + index, name=f"Bench {index}", payment_condition=condition
        )
        CustomerLink.objects.create(
            connection=connection, customer=customer, state="linked", remote_number=200001 + index
        )


PAGES = [
    "servicetypemapping",
    "vatcodepairing",
    "paymentconditionpairing",
    "salesaccountmapping",
    "customerlink",
    "remoterecord",
    "connection",
    "apicall",
]


def measure_pages(client: Client) -> dict[str, int]:
    counts = {}
    for model in PAGES:
        with CaptureQueriesContext(database) as queries:
            answer = client.get(reverse(f"admin:integration_{model}_changelist"))
        assert answer.status_code == 200, (model, answer.status_code)
        counts[model] = len(queries)
    return counts


def main() -> None:
    call_command("migrate", verbosity=0)
    running = start_in_thread()
    sandbox = SandboxClient(running.base_url)
    sandbox.reset()
    fill_sandbox(sandbox)
    connection = connect(sandbox)
    measure_refresh(sandbox, connection)
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(User.objects.create_superuser("bench", "bench@example.dk", "x"))
    add_mappings(connection, 20)
    small = measure_pages(client)
    add_mappings(connection, 380)
    large = measure_pages(client)
    print(f"{'mapping page':28} {'queries @20 rows':>18} {'queries @400 rows':>18}")
    for model in PAGES:
        print(f"{model:28} {small[model]:>18} {large[model]:>18}")
    running.stop()


if __name__ == "__main__":
    main()
