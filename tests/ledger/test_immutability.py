from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts_app.errors import InvoiceLockedError
from accounts_app.models import Invoice, InvoiceLine
from accounts_app.services import invoice_draft_save, invoice_line_add
from tests.ledger.factories import VatCodeFactory, invoice_with_lines

pytestmark = pytest.mark.django_db


def test_changing_a_finalized_invoice_is_refused_by_the_model():
    invoice = invoice_with_lines(finalized=True)
    invoice.notes = "changed afterwards"
    with pytest.raises(InvoiceLockedError, match="notes cannot change. Create a credit note"):
        invoice.save()
    assert Invoice.objects.get(pk=invoice.pk).notes == ""


def test_the_accounting_system_s_number_may_be_kept_on_a_finalized_invoice_but_nothing_else():
    invoice = invoice_with_lines(finalized=True)
    invoice.external_number = "31"
    invoice.save()
    assert Invoice.objects.get(pk=invoice.pk).external_number == "31"
    invoice.external_number, invoice.number = "32", invoice.number + 1
    with pytest.raises(InvoiceLockedError, match="number cannot change"):
        invoice.save()
    assert Invoice.objects.get(pk=invoice.pk).external_number == "31"


def test_editing_a_finalized_invoice_through_the_service_is_refused():
    invoice = invoice_with_lines(finalized=True)
    with pytest.raises(InvoiceLockedError, match="cannot be edited; create a credit note"):
        invoice_draft_save(invoice=invoice)


def test_lines_of_a_finalized_invoice_cannot_be_changed_added_or_deleted():
    invoice = invoice_with_lines(finalized=True)
    line = invoice.lines.get()
    line.unit_price = Decimal("1.00")
    with pytest.raises(InvoiceLockedError):
        line.save()
    with pytest.raises(InvoiceLockedError):
        line.delete()
    with pytest.raises(InvoiceLockedError):
        invoice_line_add(invoice=invoice, description="extra", quantity=Decimal("1"),
                         unit_price=Decimal("5"), vat_code=VatCodeFactory())  # fmt: skip
    assert InvoiceLine.objects.get(pk=line.pk).unit_price == Decimal("100.00")


def test_a_finalized_invoice_cannot_be_deleted_one_by_one_or_in_bulk():
    invoice = invoice_with_lines(finalized=True)
    with pytest.raises(InvoiceLockedError, match="cannot be deleted"):
        invoice.delete()
    with pytest.raises(InvoiceLockedError, match="Only draft invoices can be deleted"):
        Invoice.objects.filter(pk=invoice.pk).delete()
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_a_draft_can_still_be_edited_and_deleted():
    invoice = invoice_with_lines()
    invoice.notes = "fine"
    invoice.save()
    invoice.delete()
    assert not Invoice.objects.filter(pk=invoice.pk).exists()


def test_the_database_refuses_a_finalized_invoice_without_a_number():
    invoice = invoice_with_lines()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(state=Invoice.State.FINALIZED)


def test_the_database_refuses_two_invoices_with_one_number():
    first = invoice_with_lines(finalized=True)
    second = invoice_with_lines()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=second.pk).update(state="finalized", number=first.number)
