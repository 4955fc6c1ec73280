"""A payment in a foreign currency shows, beside it, what is known of it in the base currency:
e-conomic's figure with the exchange difference where recorded, else the amount at the rate the
invoice was booked at; a base-currency payment shows its amount alone."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts_app.services import payment_register
from integration.models import InvoiceExport, SyncedPayment
from integration.models.connection import ExportMethod
from tests.exports.conftest import make_customer, make_invoice


def synced(connection, invoice, **fields) -> SyncedPayment:
    payment = payment_register(invoice=invoice, date=timezone.localdate(), amount=Decimal("100"))
    return SyncedPayment.objects.create(
        connection=connection, invoice=invoice, payment=payment, booked_number=invoice.pk,
        reference=f"r{invoice.pk}", amount=payment.amount, currency=invoice.currency, **fields,
    )  # fmt: skip


def listed(admin_client) -> str:
    return admin_client.get(reverse("admin:integration_syncedpayment_changelist")).content.decode()


@pytest.fixture
def euro_invoice(db):
    return make_invoice(customer=make_customer(currency="EUR"), exchange_rate=Decimal("7.46"))


def test_a_euro_payment_shows_its_worth_at_our_rate(admin_client, paying, euro_invoice):
    synced(paying, euro_invoice)

    assert "EUR 100.00 (≈ DKK 746.00 at the invoice&#x27;s rate)" in listed(admin_client)


def test_the_rate_e_conomic_applied_comes_before_ours(admin_client, paying, euro_invoice):
    InvoiceExport.objects.create(
        connection=paying, invoice=euro_invoice, method=ExportMethod.BOOKED, booked_number=7,
        exchange_rate=Decimal("7.45123456"),
    )  # fmt: skip
    synced(paying, euro_invoice)

    assert "(≈ DKK 745.12 at the invoice&#x27;s rate)" in listed(admin_client)


def test_e_conomic_s_base_amount_is_shown_with_the_exchange_difference(
    admin_client, paying, euro_invoice
):
    synced(paying, euro_invoice, amount_in_base_currency=Decimal("748.00"),
           exchange_difference=Decimal("2.00"))  # fmt: skip

    assert "EUR 100.00 (DKK 748.00, exchange difference DKK 2.00)" in listed(admin_client)


def test_a_base_currency_payment_shows_its_amount_alone(admin_client, paying):
    invoice = make_invoice()
    synced(paying, invoice)

    page = admin_client.get(reverse("admin:accounts_app_invoice_change", args=[invoice.pk]))

    assert "DKK 100.00" in page.content.decode()
    assert "at the invoice" not in page.content.decode()
