"""Factories with the fewest fields a valid row needs; each test sets what it cares about."""
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts_app.models import (
    Customer,
    Invoice,
    InvoiceLine,
    PaymentCondition,
    Project,
    SalesAccount,
    ServiceType,
    VatCode,
)


class PaymentConditionFactory(DjangoModelFactory):
    class Meta:
        model = PaymentCondition
        django_get_or_create = ["name"]

    name = "Net 14 days"
    kind = PaymentCondition.Kind.NET
    days = 14


class VatCodeFactory(DjangoModelFactory):
    class Meta:
        model = VatCode
        django_get_or_create = ["code"]

    code = "S25"
    name = "Danish VAT 25 %"
    rate = Decimal("25.00")


class SalesAccountFactory(DjangoModelFactory):
    class Meta:
        model = SalesAccount

    number = factory.Sequence(lambda n: 1000 + n)
    name = factory.Sequence(lambda n: f"Sales {n}")


class ServiceTypeFactory(DjangoModelFactory):
    class Meta:
        model = ServiceType

    name = factory.Sequence(lambda n: f"Service {n}")


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: 1 + n)
    name = factory.Sequence(lambda n: f"Customer {n} ApS")
    payment_condition = factory.SubFactory(PaymentConditionFactory)
    # Its invoices in English, as the tests read; a Danish customer's are set in its own tests.
    language = "en"


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    number = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"Project {n}")
    customer = factory.SubFactory(CustomerFactory)


class InvoiceFactory(DjangoModelFactory):
    """A draft. Use invoice_line_add and invoice_finalize to go further, as the product does."""

    class Meta:
        model = Invoice

    customer = factory.SubFactory(CustomerFactory)
    payment_condition = factory.SelfAttribute("customer.payment_condition")


class InvoiceLineFactory(DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    description = "Consulting"
    quantity = Decimal("1")
    unit_price = Decimal("100.00")
    vat_code = factory.SubFactory(VatCodeFactory)


def invoice_with_lines(*, prices=(Decimal("100.00"),), finalized=False, **invoice_fields):
    """A draft (or, with finalized=True, a finalized invoice) with one line per price, built
    through the services so that totals and numbers are what the product would make."""
    from accounts_app.services import invoice_finalize, invoice_line_add

    invoice = InvoiceFactory(**invoice_fields)
    vat_code = VatCodeFactory()
    for position, price in enumerate(prices):
        invoice_line_add(
            invoice=invoice,
            description=f"Line {position + 1}",
            quantity=Decimal("1"),
            unit_price=price,
            vat_code=vat_code,
        )
    return invoice_finalize(invoice=invoice) if finalized else invoice
