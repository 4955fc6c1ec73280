"""Whom an issued invoice is addressed to, as it was when issued."""
from dataclasses import dataclass, fields

from django.db import models

from accounts_app.models.customers import Customer


@dataclass(frozen=True)
class Buyer:
    """Whom an invoice is addressed to and how it is taxed: the customer's details as they were
    when the invoice was issued (see `Invoice.buyer`). `country` is the ISO 3166 code."""

    name: str
    address: str
    zip_code: str
    city: str
    country: str
    vat_number: str
    ean: str
    vat_situation: str
    kind: str
    # The language of the invoice's PDF: "da" or "en".
    language: str = ""

    @classmethod
    def of_customer(cls, customer: Customer) -> "Buyer":
        values = {name: getattr(customer, name) for name in BUYER_FIELDS}
        return cls(**{**values, "country": str(customer.country),
                      "language": customer.invoice_language})  # fmt: skip


BUYER_FIELDS = tuple(field.name for field in fields(Buyer))


def buyer_field(verbose_name: str, max_length: int, **options) -> models.CharField:
    return models.CharField(verbose_name, max_length=max_length, blank=True, editable=False,
                            **options)  # fmt: skip
