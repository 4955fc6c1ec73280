"""The database itself keeps an issued invoice as issued: writes that bypass Invoice.save (a bulk
update, bulk_update, raw SQL) are refused, while the writes an issued invoice legitimately
takes still go through."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from accounts_app.models import Invoice, InvoiceLine
from accounts_app.services import (
    invoice_credit,
    invoice_payments_refresh,
    invoices_external_numbers_set,
    payment_register,
)
from tests.ledger.factories import invoice_with_lines

pytestmark = pytest.mark.django_db


def refused(message="issued invoice"):
    return pytest.raises(IntegrityError, match=message)


def test_a_bulk_update_cannot_zero_an_issued_invoice_or_make_it_a_draft_again():
    invoice = invoice_with_lines(finalized=True)
    issued = Invoice.objects.filter(pk=invoice.pk)
    with refused(), transaction.atomic():
        issued.update(net_total=0, vat_total=0, gross_total=0)
    with refused(), transaction.atomic():
        issued.update(state=Invoice.State.DRAFT, number=None, buyer_vat_situation="")
    with refused(), transaction.atomic():
        Invoice.objects.bulk_update([Invoice(pk=invoice.pk, notes="changed")], ["notes"])
    stored = issued.values("state", "number", "gross_total", "notes").get()
    assert stored == {"state": "finalized", "number": invoice.number,
                      "gross_total": Decimal("125.00"), "notes": ""}  # fmt: skip


def test_the_lines_of_an_issued_invoice_cannot_change_or_grow():
    invoice = invoice_with_lines(finalized=True)
    line = invoice.lines.get()
    with refused(), transaction.atomic():
        InvoiceLine.objects.filter(pk=line.pk).update(unit_price=0, net_amount=0)
    added = InvoiceLine(invoice=invoice, description="Extra", unit_price=Decimal("5.00"))
    with refused(), transaction.atomic():
        InvoiceLine.objects.bulk_create([added])
    draft = invoice_with_lines()
    with refused(), transaction.atomic():  # moved onto the issued invoice
        InvoiceLine.objects.filter(invoice=draft).update(invoice=invoice)
    assert list(invoice.lines.values_list("pk", "net_amount")) == [(line.pk, Decimal("100.00"))]


def test_copy_back_payments_and_a_credit_note_still_write_an_issued_invoice():
    invoice = invoice_with_lines(finalized=True)
    invoices_external_numbers_set(numbers={invoice.pk: "20001"})
    payment_register(invoice=invoice, date=datetime.date.today(), amount=Decimal("25.00"))
    credit_note = invoice_credit(invoice=invoice)
    stored = Invoice.objects.get(pk=invoice.pk)
    assert (stored.external_number, stored.amount_paid, stored.state) == (
        "20001", Decimal("25.00"), Invoice.State.CREDITED)
    assert credit_note.credited_invoice_id == invoice.pk
    assert invoice_payments_refresh(invoice=stored).state == Invoice.State.CREDITED


def test_a_draft_is_still_freely_written_and_deleted():
    draft = invoice_with_lines()
    Invoice.objects.filter(pk=draft.pk).update(notes="still a draft", gross_total=125)
    InvoiceLine.objects.filter(invoice=draft).update(description="edited")
    Invoice.objects.filter(pk=draft.pk).delete()
    assert not Invoice.objects.filter(pk=draft.pk).exists()


def test_the_database_refuses_an_unknown_state_and_a_negative_amount_paid():
    invoice = invoice_with_lines(finalized=True)
    with refused("invoice_state_is_known"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(state="archived")
    with refused("invoice_amount_paid_not_negative"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(amount_paid=Decimal("-1.00"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's guard against deleting "
                    "is the application's: a delete trigger there would refuse Django's flush")
def test_postgresql_refuses_deleting_an_issued_invoice_or_its_lines_even_in_raw_sql():
    invoice = invoice_with_lines(finalized=True)
    with connection.cursor() as cursor:
        for table in ("accounts_app_invoiceline", "accounts_app_invoice"):
            column = "invoice_id" if table.endswith("line") else "id"
            with refused(), transaction.atomic():
                cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [invoice.pk])
    assert Invoice.objects.filter(pk=invoice.pk, lines__isnull=False).exists()
