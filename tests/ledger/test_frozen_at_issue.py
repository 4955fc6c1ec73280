"""What an invoice was issued with is frozen at finalization: the buyer, each line's VAT."""
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from accounts_app.errors import InvoiceLockedError
from accounts_app.models import Buyer, Customer, Invoice, InvoiceLine, VatCode
from accounts_app.services import invoice_credit, invoice_finalize
from tests.ledger.factories import CustomerFactory, invoice_with_lines

pytestmark = pytest.mark.django_db


def _company(**fields) -> Customer:
    return CustomerFactory(name="Møller ApS", address="Åboulevarden 1", zip_code="8000",
                           city="Aarhus C", vat_number="13585628", ean="5790001234567",
                           **fields)  # fmt: skip


AS_ISSUED = Buyer(name="Møller ApS", address="Åboulevarden 1", zip_code="8000", city="Aarhus C",
                  country="DK", vat_number="13585628", ean="5790001234567",
                  vat_situation="domestic", kind="company", language="en")  # fmt: skip


def test_finalizing_copies_the_buyer_and_each_lines_vat_code_and_rate_onto_the_invoice():
    invoice = invoice_with_lines(customer=_company(), finalized=True)
    stored = Invoice.objects.get(pk=invoice.pk)
    assert (stored.buyer_name, stored.buyer_city, stored.buyer_ean) == ("Møller ApS", "Aarhus C",
                                                                        "5790001234567")  # fmt: skip
    assert stored.buyer == AS_ISSUED
    line = InvoiceLine.objects.get(invoice=invoice)
    assert (line.issued_vat_code, line.issued_vat_rate) == ("S25", Decimal("25.00"))


def test_a_customer_edited_after_issue_leaves_the_invoices_buyer_as_issued():
    invoice = invoice_with_lines(customer=_company(), finalized=True)
    Customer.objects.filter(pk=invoice.customer_id).update(
        name="Renamed A/S", vat_situation="exempt", country="SE", kind="person"
    )
    VatCode.objects.filter(code="S25").update(rate=Decimal("12.00"))
    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.buyer == AS_ISSUED
    assert stored.lines.get().vat_rate == Decimal("25.00")


def test_a_drafts_buyer_is_its_customer_as_it_is_now():
    invoice = invoice_with_lines(customer=_company())
    Customer.objects.filter(pk=invoice.customer_id).update(name="Renamed A/S")
    VatCode.objects.filter(code="S25").update(rate=Decimal("12.00"))
    draft = Invoice.objects.get(pk=invoice.pk)
    assert (draft.buyer_name, draft.buyer.name) == ("", "Renamed A/S")
    assert draft.lines.get().vat_rate == Decimal("12.00")


def test_the_frozen_buyer_of_a_finalized_invoice_cannot_be_edited():
    invoice = invoice_with_lines(customer=_company(), finalized=True)
    invoice.buyer_name = "Someone else"
    with pytest.raises(InvoiceLockedError, match="buyer_name cannot change"):
        invoice.save()


def test_the_database_refuses_a_draft_with_a_frozen_buyer():
    invoice = invoice_with_lines()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(buyer_vat_situation="domestic")


def test_a_vat_rate_changed_while_a_draft_waits_is_the_rate_it_is_issued_and_priced_with():
    invoice = invoice_with_lines(prices=[Decimal("100.00")])
    VatCode.objects.filter(code="S25").update(rate=Decimal("20.00"))
    invoice = invoice_finalize(invoice=invoice)
    line = invoice.lines.get()
    assert (line.issued_vat_rate, line.vat_amount) == (Decimal("20.00"), Decimal("20.00"))
    assert (invoice.vat_total, invoice.gross_total) == (Decimal("20.00"), Decimal("120.00"))


def test_a_credit_note_is_frozen_with_the_buyer_and_rates_of_the_invoice_it_credits():
    invoice = invoice_with_lines(customer=_company(), finalized=True)
    Customer.objects.filter(pk=invoice.customer_id).update(
        name="Renamed A/S", vat_situation="eu_reverse_charge"
    )
    VatCode.objects.filter(code="S25").update(rate=Decimal("12.00"))
    credit_note = invoice_credit(invoice=invoice)
    assert credit_note.buyer == AS_ISSUED
    line = credit_note.lines.get()
    assert (line.issued_vat_rate, line.vat_amount) == (Decimal("25.00"), Decimal("-25.00"))
    assert credit_note.gross_total == -invoice.gross_total


def test_the_migration_freezes_invoices_issued_before_freezing_from_their_customer():
    invoice = invoice_with_lines(customer=_company(), finalized=True)
    # Rows as they were before 0005, when no trigger guarded them yet (the test's transaction
    # rolls the dropped triggers back).
    guards = importlib.import_module("accounts_app.migrations.0012_issued_invoice_triggers")
    guards.triggers_run(connection, create=False)
    Invoice.objects.filter(pk=invoice.pk).update(**{f"buyer_{name}": "" for name in
                                                    ("name", "vat_situation", "kind", "ean")})  # fmt: skip
    InvoiceLine.objects.filter(invoice=invoice).update(issued_vat_code="", issued_vat_rate=None)
    draft = invoice_with_lines()
    migration = importlib.import_module("accounts_app.migrations.0005_freeze_issued_invoices")
    migration.freeze_issued_invoices(apps, None)
    assert Invoice.objects.get(pk=invoice.pk).buyer == AS_ISSUED
    line = InvoiceLine.objects.get(invoice=invoice)
    assert (line.issued_vat_code, line.issued_vat_rate) == ("S25", Decimal("25.00"))
    assert Invoice.objects.get(pk=draft.pk).buyer_vat_situation == ""
    assert InvoiceLine.objects.get(invoice=draft).issued_vat_rate is None
