"""Spreadsheet imports at size: rows a second for a customer file and an invoice-line file, as
CSV and as XLSX, through the same service the background task calls (`ledger_import_run`: read
the kept file, import every row in one transaction, record the outcome). The goal is at least
1,000 rows a second. The upload's own reading of the file (`ledger_import_start`) is timed apart.

The database is a scratch one made for the run and dropped after it: a temporary SQLite file by
default, or the test database of DATABASE_URL (test_<name>) when it is given. Prints figures;
it is not a test.

    .venv/bin/python bench/imports.py [--rows 10000] [--lines-per-invoice 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="ledger-bench-imports-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
os.environ["TEST_DB_NAME"] = str(scratch / "test.sqlite3")  # never the shared test file
os.environ.setdefault("CACHE_DIR", str(scratch / "cache"))

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.db import connection  # noqa: E402

from accounts_app.models import (  # noqa: E402
    Customer,
    InvoiceLine,
    LedgerImport,
    PaymentCondition,
    SalesAccount,
    VatCode,
)
from accounts_app.services.imports import ledger_import_run, ledger_import_start  # noqa: E402

GOAL = 1000
CUSTOMER_HEADERS = ["number", "kind", "name", "vat_number", "country", "currency",
                    "payment_condition", "vat_situation", "email", "city"]  # fmt: skip
LINE_HEADERS = ["invoice_reference", "customer_number", "issue_date", "line", "description",
                "quantity", "unit_price", "discount_percent", "vat_code",
                "sales_account"]  # fmt: skip


def customer_rows(count: int, first: int) -> tablib.Dataset:
    rows = tablib.Dataset(headers=CUSTOMER_HEADERS)
    for index in range(count):
        rows.append((first + index, "company", f"Kunde {index} ApS", "", "DK", "DKK", "Net 30",
                     "domestic", f"kunde{index}@example.dk", "Aarhus"))  # fmt: skip
    return rows


def line_rows(count: int, per_invoice: int, customers: list[int], prefix: str):
    rows = tablib.Dataset(headers=LINE_HEADERS)
    for index in range(count):
        invoice = index // per_invoice
        rows.append((f"{prefix}-{invoice}", customers[invoice % len(customers)], "2026-02-03",
                     index % per_invoice + 1, f"Consulting, week {index % 52 + 1}", "7.5",
                     "1150.00", "0", "S25", 1010))  # fmt: skip
    return rows


def encoded(rows: tablib.Dataset, file_format: str) -> bytes:
    if file_format == "csv":
        return rows.export("csv").encode()
    return rows.export("xlsx")


def timed_import(kind: str, rows: tablib.Dataset, file_format: str) -> None:
    content = encoded(rows, file_format)
    started = time.perf_counter()
    ledger_import = ledger_import_start(
        kind=kind, file_name=f"bench.{file_format}", content=content, file_format=file_format,
        user=None,
    )
    uploaded = time.perf_counter()
    ledger_import = ledger_import_run(ledger_import_id=ledger_import.pk)
    finished = time.perf_counter()
    rate = len(rows) / (finished - uploaded)
    verdict = "meets" if rate >= GOAL else "below"
    print(f"{kind:14} {file_format:5} {len(rows):6} rows: {rate:6.0f} rows/s ({verdict} the "
          f"goal of {GOAL}), import {finished - uploaded:5.1f} s, "
          f"upload read {uploaded - started:4.1f} s, "
          f"{ledger_import.get_state_display()} {ledger_import.totals}")  # fmt: skip
    if ledger_import.row_errors:
        print("   first refusal:", ledger_import.row_errors[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--lines-per-invoice", type=int, default=5)
    options = parser.parse_args()
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        PaymentCondition.objects.create(name="Net 30", days=30)
        VatCode.objects.create(code="S25", name="Danish VAT", rate=25)
        SalesAccount.objects.create(number=1010, name="Sales")
        for offset, file_format in ((100_000, "csv"), (200_000, "xlsx")):
            timed_import(LedgerImport.Kind.CUSTOMERS, customer_rows(options.rows, offset),
                         file_format)  # fmt: skip
        customers = list(Customer.objects.values_list("number", flat=True)[:2000])
        for prefix, file_format in (("C", "csv"), ("X", "xlsx")):
            rows = line_rows(options.rows, options.lines_per_invoice, customers, prefix)
            timed_import(LedgerImport.Kind.INVOICE_LINES, rows, file_format)
        print(f"{InvoiceLine.objects.count()} lines and {Customer.objects.count()} customers "
              "in the ledger")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
