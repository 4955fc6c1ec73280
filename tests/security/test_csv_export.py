"""Every CSV export escapes cells a spreadsheet would run as formulas, and leaves numbers be."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts_app.models import Customer, Invoice
from accounts_app.spreadsheets import FormulaEscapedExport, formula_escaped
from tests.ledger.factories import CustomerFactory, InvoiceFactory

# What OWASP lists as a formula's first character: =, +, -, @, tab, carriage return.
HOSTILE = ["=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1", '=HYPERLINK("http://evil.example","Click")']  # fmt: skip


def _exported(client, model, url_name: str) -> list[dict]:
    """The admin's export page, all fields, as CSV (the first format), read back as rows."""
    resource = admin.site.get_model_admin(model).get_export_resource_classes(None)[0]
    form = {"format": "0", "resource": "0"}
    form |= {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    answer = client.post(reverse(url_name), form)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.content.decode())))


@pytest.mark.parametrize("value", HOSTILE)
def test_the_customer_export_escapes_formulas(client, admin_user, value):
    CustomerFactory(name=value, address=value)
    client.force_login(admin_user)
    [row] = _exported(client, Customer, "admin:accounts_app_customer_export")
    assert (row["name"], row["address"]) == ("'" + value, "'" + value)


@pytest.mark.parametrize("value", HOSTILE)
def test_the_invoice_export_escapes_formulas_and_keeps_negative_amounts(client, admin_user,
                                                                         value):  # fmt: skip
    invoice = InvoiceFactory(customer=CustomerFactory(name=value), our_reference=value)
    # A draft's totals may be negative (an issued invoice's only on a credit note).
    Invoice.objects.filter(pk=invoice.pk).update(net_total=Decimal("-125.50"),
                                                 gross_total=Decimal("-125.50"))  # fmt: skip
    client.force_login(admin_user)
    [row] = _exported(client, Invoice, "admin:accounts_app_invoice_export")
    assert (row["customer_name"], row["our_reference"]) == ("'" + value, "'" + value)
    assert (row["gross_total"], row["amount_paid"]) == ("-125.50", "0.00")


@pytest.mark.parametrize("number", ["-125.50", "+3", "-0,5", "-1e3", "-.5"])
def test_numbers_are_not_escaped(number):
    assert formula_escaped(number) == number


def test_every_export_the_admin_offers_escapes_its_cells():
    exports = [
        resource
        for model_admin in admin.site._registry.values()
        if hasattr(model_admin, "get_export_resource_classes")
        for resource in model_admin.get_export_resource_classes(None)
    ]
    assert len(exports) == 2
    assert all(issubclass(resource, FormulaEscapedExport) for resource in exports)
