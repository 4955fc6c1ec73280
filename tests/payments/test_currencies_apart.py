"""Open amount, paid this month and customers' balances per currency, formatted for people:
DKK and EUR are never added together."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts_app.services import payment_register
from tests.exports.conftest import make_customer, make_invoice


def eur_invoice(customer=None):
    """EUR 250.00 gross, at our rate of DKK 7.46."""
    return make_invoice(
        customer=customer or make_customer(currency="EUR"), exchange_rate=Decimal("7.46")
    )


def test_the_index_shows_each_currency_apart_and_formatted(admin_client):
    make_invoice(prices=["500000.00"])  # DKK 1,250,000.00 gross
    make_invoice()  # DKK 250.00
    paid_in_eur = eur_invoice()
    eur_invoice()
    payment_register(invoice=paid_in_eur, date=timezone.localdate(), amount=Decimal("100.00"))

    response = admin_client.get(reverse("admin:index"))
    open_amount = response.context["dashboard"].open_amount
    page = response.content.decode()

    assert [str(money) for money in open_amount] == ["DKK 1,250,250.00", "EUR 400.00"]
    assert "DKK 1,250,250.00" in page and "EUR 400.00" in page
    assert "1.250.650" not in page  # the two currencies summed
    assert "EUR 100.00" in page  # paid this month, in the invoice's currency


def test_paid_this_month_leaves_out_earlier_payments_and_keeps_currencies_apart(admin_client):
    earlier = make_invoice()
    payment_register(
        invoice=earlier, date=timezone.localdate().replace(day=1) - datetime.timedelta(days=1),
        amount=Decimal("50.00"),
    )  # fmt: skip
    payment_register(invoice=make_invoice(), date=timezone.localdate(), amount=Decimal("20.00"))
    payment_register(invoice=eur_invoice(), date=timezone.localdate(), amount=Decimal("30.00"))

    paid = admin_client.get(reverse("admin:index")).context["dashboard"].paid_this_month

    assert [str(money) for money in paid] == ["DKK 20.00", "EUR 30.00"]


def test_a_customer_invoiced_in_two_currencies_has_a_balance_in_each(admin_client):
    customer = make_customer(currency="EUR")
    eur_invoice(customer)
    customer.currency = "DKK"
    customer.save()
    make_invoice(customer=customer)
    settled = make_customer(name="Betalt ApS")

    listing = admin_client.get(reverse("admin:accounts_app_customer_changelist"))
    page = admin_client.get(reverse("admin:accounts_app_customer_change", args=[customer.pk]))

    balances = {row.pk: row.open_balances for row in listing.context["cl"].result_list}
    assert [str(money) for money in balances[customer.pk]] == ["DKK 250.00", "EUR 250.00"]
    assert balances[settled.pk] == []
    assert "DKK 250.00, EUR 250.00" in page.content.decode()
