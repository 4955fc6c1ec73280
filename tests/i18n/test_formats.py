"""Dates and money as each language writes them: 01-03-2026 and 1.234,56 kr. in Danish,
01 Mar 2026 and DKK 1,234.56 in English; money always with its currency."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

from accounts_app.models import Invoice, Payment
from accounts_app.services import payment_register
from tests.exports.conftest import make_customer, make_invoice

PAID_ON = datetime.date(2026, 3, 1)


@pytest.fixture
def payments(db):
    """A DKK and a EUR payment of 1,234.56 each, received on 1 March 2026."""
    for currency, rate in (("DKK", None), ("EUR", Decimal("7.46"))):
        invoice = make_invoice(customer=make_customer(currency=currency), prices=("1000.00",),
                               exchange_rate=rate, issue_date=PAID_ON)  # fmt: skip
        payment_register(invoice=invoice, date=PAID_ON, amount=Decimal("1234.56"))


def payments_page(client, language: str) -> str:
    url = reverse("admin:accounts_app_payment_changelist")
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_payments_list_in_danish_writes_dates_and_money_the_danish_way(admin_client, payments):
    page = payments_page(admin_client, "da")
    assert "01-03-2026" in page
    assert "1.234,56 kr." in page and "1.234,56 EUR" in page
    assert "Mar. 1, 2026" not in page and "DKK 1" not in page


def test_the_payments_list_in_english_writes_dates_and_money_the_english_way(admin_client, payments):
    page = payments_page(admin_client, "en")
    assert "01 Mar 2026" in page
    assert "DKK 1,234.56" in page and "EUR 1,234.56" in page
    assert "March 1, 2026" not in page and "1.234,56" not in page


def test_the_home_page_shows_open_money_per_currency_in_the_readers_language(admin_client, payments):
    english = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    danish = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    [open_amount] = {invoice.amount_due for invoice in Invoice.objects.all()}
    written = f"{open_amount:,.2f}"  # 1,265.44: the gross less the 1,234.56 paid
    assert f"DKK {written}" in english and f"EUR {written}" in english
    in_danish = written.replace(",", " ").replace(".", ",").replace(" ", ".")
    assert f"{in_danish} kr." in danish and f"{in_danish} EUR" in danish
    assert "Udestående" in danish


@pytest.mark.parametrize(
    ("language", "date", "moment", "number"),
    [("da", "01-12-2026", "01-12-2026 08:42", "1.234,56"),
     ("en", "01 Dec 2026", "01 Dec 2026 08:42", "1,234.56")],
)  # fmt: skip
def test_each_language_has_its_own_date_time_and_number_formats(language, date, moment, number):
    with translation.override(language):
        assert formats.date_format(datetime.date(2026, 12, 1)) == date
        assert formats.date_format(datetime.datetime(2026, 12, 1, 8, 42), "DATETIME_FORMAT") == moment
        assert formats.number_format(Decimal("1234.56"), 2, force_grouping=True) == number


def test_a_danish_date_field_reads_the_danish_way_of_writing_a_date():
    with translation.override("da"):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d-%m-%Y"


@pytest.mark.parametrize(
    ("language", "shown"), [("da", "1.234,56 kr. / 7,50 EUR"), ("en", "DKK 1,234.56 / EUR 7.50")]
)
def test_the_money_filter_writes_an_amount_with_its_currency_in_the_readers_language(language, shown):
    page = Template("{% load ledger_admin %}{{ gross|money:'DKK' }} / {{ fee|money:'EUR' }}")
    with translation.override(language):
        assert page.render(Context({"gross": Decimal("1234.56"), "fee": Decimal("7.5")})) == shown


def test_a_payment_names_its_money_invoice_and_date_in_the_readers_language(payments):
    payment = Payment.objects.get(invoice__currency="DKK")
    number = payment.invoice.number
    with translation.override("en"):
        assert str(payment) == f"DKK 1,234.56 on Invoice {number} (01 Mar 2026)"
    with translation.override("da"):
        assert str(payment) == f"1.234,56 kr. på Faktura {number} (01-03-2026)"
