"""An invoice's exchange rate fits its currency: 1 for the ledger's base currency; our rate or
none (e-conomic applies its own) for a foreign one. Refused in the admin form, the services and
the import, each with the fix."""
from decimal import Decimal

import pytest
import tablib
from django.urls import reverse

from accounts_app.errors import InvoiceExchangeRateError, InvoiceLockedError
from accounts_app.models import Invoice
from accounts_app.resources import InvoiceImportResource
from accounts_app.services import invoice_create, invoice_draft_save
from tests.ledger.factories import CustomerFactory, VatCodeFactory, invoice_with_lines

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:accounts_app_invoice_add")
LINE_HEADERS = ["invoice_reference", "customer_number", "issue_date", "line", "description",
                "quantity", "unit_price", "discount_percent", "vat_code", "sales_account",
                "exchange_rate"]  # fmt: skip
FOREIGN_AT_ONE = "EUR at rate 1.00 — enter the rate (DKK for one EUR), or leave it empty so "
BASE_AT_ANOTHER = "DKK at rate 7.46 — DKK is the ledger's base currency, so its rate is 1"


def admin_add(client, customer, currency: str, rate: str):
    vat_code = VatCodeFactory()
    return client.post(ADD_URL, {
        "customer": customer.pk, "issue_date": "2026-03-02", "currency": currency,
        "payment_condition": customer.payment_condition.pk, "exchange_rate": rate,
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-description": "Work",
        "lines-0-quantity": "1", "lines-0-unit_price": "100", "lines-0-discount_percent": "0",
        "lines-0-position": "0", "lines-0-vat_code": vat_code.pk,
    })  # fmt: skip


def import_row(customer_number: int, rate: str):
    VatCodeFactory(code="S25")
    rows = tablib.Dataset(("R-1", customer_number, "2026-02-03", 1, "Consulting", "1", "150.00",
                           "0", "S25", "", rate), headers=LINE_HEADERS)  # fmt: skip
    return InvoiceImportResource().import_data(rows, dry_run=False)


def row_errors(result) -> str:
    """Every refusal of the import in words: its row errors and its rows' validation errors."""
    errors = [str(error.error) for row in result.rows for error in row.errors]
    for row in result.invalid_rows:
        errors += [message for messages in row.error_dict.values() for message in messages]
    return " ".join(errors)


def test_the_admin_form_refuses_a_foreign_invoice_at_rate_one_and_says_how(client, clerk):
    client.force_login(clerk)
    response = admin_add(client, CustomerFactory(currency="EUR"), "EUR", "1")
    assert response.status_code == 200
    assert FOREIGN_AT_ONE in response.context["adminform"].form.errors["exchange_rate"][0]
    assert not Invoice.objects.exists()


def test_the_admin_form_refuses_a_base_currency_invoice_at_another_rate(client, clerk):
    client.force_login(clerk)
    response = admin_add(client, CustomerFactory(), "DKK", "7.46")
    assert response.status_code == 200
    assert BASE_AT_ANOTHER in response.context["adminform"].form.errors["exchange_rate"][0]
    assert not Invoice.objects.exists()


def test_the_admin_form_keeps_a_foreign_invoice_without_a_rate_and_a_base_one_at_one(
    client, clerk
):
    client.force_login(clerk)
    assert admin_add(client, CustomerFactory(currency="EUR"), "EUR", "").status_code == 302
    assert admin_add(client, CustomerFactory(), "DKK", "").status_code == 302
    rates = dict(Invoice.objects.values_list("currency", "exchange_rate"))
    assert rates == {"EUR": None, "DKK": Decimal("1")}


def test_the_import_refuses_a_foreign_invoice_at_rate_one_as_a_row_error():
    CustomerFactory(number=720, currency="EUR")
    result = import_row(720, "1")
    assert FOREIGN_AT_ONE in row_errors(result)
    assert not Invoice.objects.exists()


def test_the_import_refuses_a_base_currency_invoice_at_another_rate_as_a_row_error():
    CustomerFactory(number=721)
    result = import_row(721, "7,46")
    assert BASE_AT_ANOTHER in row_errors(result)
    assert not Invoice.objects.exists()


def test_the_import_leaves_a_foreign_invoice_without_a_rate_when_the_row_gives_none():
    customer = CustomerFactory(number=722, currency="SEK")
    result = import_row(722, "")
    assert not result.has_errors() and not result.has_validation_errors()
    assert Invoice.objects.get(customer=customer).exchange_rate is None


def test_the_services_refuse_a_rate_that_does_not_fit_and_save_nothing():
    with pytest.raises(InvoiceExchangeRateError, match="EUR at rate 1.00 — enter the rate"):
        invoice_create(customer=CustomerFactory(currency="EUR"), exchange_rate=Decimal("1"))
    draft = invoice_create(customer=CustomerFactory())
    draft.exchange_rate = Decimal("0.68")
    with pytest.raises(InvoiceExchangeRateError, match="DKK at rate 0.68 — DKK is the ledger"):
        invoice_draft_save(invoice=draft)
    assert list(Invoice.objects.values_list("exchange_rate", flat=True)) == [Decimal("1")]


def test_the_ledgers_base_currency_is_a_setting(settings):
    settings.LEDGER_BASE_CURRENCY = "EUR"
    assert invoice_create(customer=CustomerFactory(currency="EUR")).exchange_rate == Decimal("1")
    with pytest.raises(InvoiceExchangeRateError, match="DKK at rate 1.00 — enter the rate \\(EUR"):
        invoice_create(customer=CustomerFactory(currency="DKK"), exchange_rate=Decimal("1"))


def test_an_issued_invoice_keeps_its_rate():
    invoice = invoice_with_lines(finalized=True, currency="EUR", exchange_rate=Decimal("7.46"))
    invoice.exchange_rate = None
    with pytest.raises(InvoiceLockedError, match="exchange_rate cannot change"):
        invoice.save()
    invoice.refresh_from_db()
    assert invoice.exchange_rate == Decimal("7.46")
