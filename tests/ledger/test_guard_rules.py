"""The ledger's rules for implausible input, in the models and services (so that the admin, the
services and the imports all apply them): each refusal names the problem, and nothing is
written."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts_app.errors import InvoiceFinalizeError, InvoiceInvalidError, PaymentError
from accounts_app.models import Invoice, InvoiceNumberSeries, Payment, PaymentCondition
from accounts_app.services import (
    invoice_create,
    invoice_due_date,
    invoice_finalize,
    invoice_line_add,
    payment_register,
)
from tests.ledger.factories import (
    CustomerFactory,
    InvoiceFactory,
    PaymentConditionFactory,
    ProjectFactory,
    VatCodeFactory,
    invoice_with_lines,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def add_line(invoice, quantity="1", price="100.00"):
    return invoice_line_add(invoice=invoice, description="x", quantity=Decimal(quantity),
                            unit_price=Decimal(price), vat_code=VatCodeFactory())  # fmt: skip


def test_a_line_of_a_trillion_is_refused_and_nothing_is_added():
    invoice = InvoiceFactory()
    with pytest.raises(InvoiceInvalidError, match="too large"):
        add_line(invoice, quantity="10000000.00", price="100000.00")
    assert not invoice.lines.exists()


def test_lines_summing_to_a_trillion_are_refused_and_the_last_is_not_added():
    invoice = InvoiceFactory()
    add_line(invoice, quantity="1", price="700000000000.00")  # 875e9 gross with VAT
    with pytest.raises(InvoiceInvalidError, match="gross of .* is too large"):
        add_line(invoice, quantity="1", price="200000000000.00")
    invoice.refresh_from_db()
    assert (invoice.lines.count(), invoice.gross_total) == (1, Decimal("875000000000.00"))


@pytest.mark.parametrize("issue_date", [datetime.date(1999, 12, 31),
                                        TODAY + datetime.timedelta(days=367),
                                        datetime.date(9999, 12, 31)])  # fmt: skip
def test_an_issue_date_before_2000_or_over_a_year_ahead_is_refused(issue_date):
    with pytest.raises(InvoiceInvalidError, match="outside the ledger's dates"):
        invoice_create(customer=CustomerFactory(), issue_date=issue_date)
    assert not Invoice.objects.exists()


def test_a_due_date_past_the_calendars_end_is_an_error_not_an_overflow():
    condition = PaymentConditionFactory(name="Net 999", days=999)
    with pytest.raises(InvoiceInvalidError, match="has no due date"):
        invoice_due_date(issue_date=datetime.date(9999, 1, 1), condition=condition)


def test_a_payment_condition_of_millions_of_days_is_refused_by_form_and_database():
    condition = PaymentCondition(name="Forever", kind="net", days=5_000_000)
    with pytest.raises(ValidationError, match="less than or equal to 999"):
        condition.full_clean()
    with pytest.raises(IntegrityError, match="payment_condition_days_bounded"), \
            transaction.atomic():  # fmt: skip
        condition.save()


def test_a_project_of_another_customer_is_refused():
    project = ProjectFactory()
    with pytest.raises(InvoiceInvalidError, match="belongs to .* choose one of this customer"):
        invoice_create(customer=CustomerFactory(), project=project)
    assert not Invoice.objects.exists()


def test_an_invoice_totalling_less_than_nothing_is_not_issued_and_takes_no_number():
    invoice = invoice_with_lines(prices=[Decimal("-10.00")])
    with pytest.raises(InvoiceFinalizeError, match="less than nothing: only a credit note"):
        invoice_finalize(invoice=invoice)
    invoice.refresh_from_db()
    assert (invoice.state, invoice.number) == (Invoice.State.DRAFT, None)
    assert InvoiceNumberSeries.objects.get().next_number == 1


def test_the_database_refuses_an_issued_invoice_with_a_negative_total():
    draft = invoice_with_lines(prices=[Decimal("-10.00")])
    with pytest.raises(IntegrityError, match="invoice_issued_total_not_negative"), \
            transaction.atomic():  # fmt: skip
        Invoice.objects.filter(pk=draft.pk).update(state="finalized", number=1)


def test_a_payment_dated_in_the_future_is_refused():
    invoice = invoice_with_lines(finalized=True)
    with pytest.raises(PaymentError, match="in the future"):
        payment_register(invoice=invoice, date=TODAY + datetime.timedelta(days=1),
                         amount=Decimal("10.00"))  # fmt: skip
    assert not Payment.objects.exists()


def test_paying_twice_is_taken_but_overpaying_by_more_than_the_gross_is_refused():
    invoice = invoice_with_lines(finalized=True)  # 125.00
    payment_register(invoice=invoice, date=TODAY, amount=Decimal("250.00"))
    with pytest.raises(PaymentError, match="would overpay .* by DKK 125.01, more than its gross"):
        payment_register(invoice=invoice, date=TODAY, amount=Decimal("0.01"))
    assert Payment.objects.count() == 1


def test_a_payment_economic_recorded_is_taken_as_it_recorded_it():
    invoice = invoice_with_lines(finalized=True)
    payment_register(invoice=invoice, date=TODAY + datetime.timedelta(days=2),
                     amount=Decimal("1000.00"), source=Payment.Source.ECONOMIC,
                     external_reference="entry-1")  # fmt: skip
    assert Invoice.objects.get(pk=invoice.pk).amount_paid == Decimal("1000.00")
