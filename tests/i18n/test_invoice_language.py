"""An invoice's PDF is written in its customer's language (Danish in Denmark unless the customer
says otherwise), fixed when the invoice is issued: a later change of the customer's language
leaves the issued PDF as it was, and the database refuses to change it."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from accounts_app.models import Customer, Invoice
from accounts_app.models.customers import language_for_country
from accounts_app.services import invoice_credit, invoice_render_pdf
from tests.ledger.factories import CustomerFactory, invoice_with_lines
from tests.ledger.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

ISSUED_ON = datetime.date(2026, 2, 2)


def issued(customer: Customer) -> Invoice:
    return invoice_with_lines(customer=customer, prices=[Decimal("1000.00"), Decimal("234.56")],
                              issue_date=ISSUED_ON, finalized=True)  # fmt: skip


def test_a_danish_customers_invoice_pdf_has_danish_labels_dates_and_numbers():
    invoice = issued(CustomerFactory(language="", country="DK"))
    text = pdf_text(invoice_render_pdf(invoice=invoice))
    for expected in (f"Faktura {invoice.number}", "Fakturadato", "02-02-2026", "Forfaldsdato",
                     "Kundenr.", "Beskrivelse", "Enhedspris", "Netto i alt", "Moms 25,00 % af",
                     "1.234,56", "308,64", "1.543,20", "Total DKK", "Danmark"):  # fmt: skip
        assert expected in text, expected
    assert "Issue date" not in text and "1,234.56" not in text


def test_a_foreign_customers_invoice_pdf_is_in_english():
    invoice = issued(CustomerFactory(language="", country="SE"))
    text = pdf_text(invoice_render_pdf(invoice=invoice))
    for expected in (f"Invoice {invoice.number}", "Issue date", "02 Feb 2026", "1,234.56",
                     "VAT 25.00 % of", "Sweden"):  # fmt: skip
        assert expected in text, expected


def test_a_customer_in_denmark_may_have_its_invoices_in_english():
    text = pdf_text(invoice_render_pdf(invoice=issued(CustomerFactory(language="en"))))
    assert "Issue date" in text and "Fakturadato" not in text


def test_the_language_of_a_customer_without_one_follows_its_country():
    assert (language_for_country("DK"), language_for_country("dk")) == ("da", "da")
    assert language_for_country("DE") == "en"


def test_the_pdf_of_an_issued_invoice_keeps_the_language_it_was_issued_in():
    customer = CustomerFactory(language="da")
    invoice = issued(customer)
    before = pdf_text(invoice_render_pdf(invoice=invoice))
    Customer.objects.filter(pk=customer.pk).update(language="en")
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.buyer_language == "da"
    assert pdf_text(invoice_render_pdf(invoice=invoice)) == before


def test_a_credit_note_is_written_in_the_language_of_the_invoice_it_credits():
    customer = CustomerFactory(language="da")
    invoice = issued(customer)
    Customer.objects.filter(pk=customer.pk).update(language="en")
    credit_note = invoice_credit(invoice=Invoice.objects.get(pk=invoice.pk))
    text = pdf_text(invoice_render_pdf(invoice=credit_note))
    assert credit_note.buyer_language == "da"
    assert f"Kreditnota {credit_note.number}" in text
    assert f"Krediterer faktura {invoice.number}" in text


def test_a_drafts_pdf_follows_its_customer_as_it_is_now():
    customer = CustomerFactory(language="da")
    draft = invoice_with_lines(customer=customer)
    assert "Faktura (kladde, ikke nummereret)" in pdf_text(invoice_render_pdf(invoice=draft))


def test_the_database_refuses_to_change_the_language_of_an_issued_invoice():
    invoice = issued(CustomerFactory(language="da"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(buyer_language="en")
    assert Invoice.objects.get(pk=invoice.pk).buyer_language == "da"


def test_the_migration_gives_invoices_issued_before_it_the_language_of_their_buyers_country():
    danish, swedish = issued(CustomerFactory(country="DK")), issued(CustomerFactory(country="SE"))
    draft = invoice_with_lines()
    guards = importlib.import_module("accounts_app.migrations.0012_issued_invoice_triggers")
    guards.triggers_run(connection, create=False)  # rolled back with the test's transaction
    Invoice.objects.update(buyer_language="")
    migration = importlib.import_module(
        "accounts_app.migrations.0013_i18n_core_languages_and_names"
    )
    migration.issued_invoices_language_fill(apps, None)
    languages = dict(Invoice.objects.values_list("pk", "buyer_language"))
    assert (languages[danish.pk], languages[swedish.pk], languages[draft.pk]) == ("da", "en", "")
