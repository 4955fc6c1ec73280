"""The installation's code (see integration/models/installation.py) and the references and
Idempotency-Keys made with it."""

from __future__ import annotations

import secrets

from accounts_app.models import Invoice
from integration.models.installation import Installation

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: it is read by people too
CODE_LENGTH = 6


def installation_new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def installation_code() -> str:
    """This database's code, made on first use (migrate makes it; a database emptied since, as
    tests do, makes a new one). Two processes asking at once agree: the row's id is fixed."""
    installation, _ = Installation.objects.get_or_create(
        pk=1, defaults={"code": installation_new_code()}
    )
    return installation.code


def invoice_reference(invoice: Invoice, *, installation: str) -> str:
    """Ours, in `references.other` (or the voucher text): our numbers are unique and never
    reused within an installation, and the installation's code tells ours from another's, so
    the reference finds exactly this invoice's document in e-conomic."""
    kind = "CN" if invoice.is_credit_note else "INV"
    return f"LB-{installation}-{kind}-{invoice.number}"


def party_reference(kind: str, object_id: int, *, installation: str) -> str:
    """A customer's or project's job reference (its card is found by CVR, e-mail or number)."""
    label = {"customer": "CUS", "project": "PRJ"}[kind]
    return f"LB-{installation}-{label}-{object_id}"


def job_key(
    *, connection_id: int, kind: str, object_id: int, revision: int, installation: str
) -> str:
    """The Idempotency-Key: one per (installation, connection, object, revision), so every resend
    of the same write is the same operation to e-conomic for the hour it remembers keys, and
    another installation's write never is."""
    return f"lb-{installation}-{connection_id}-{kind}-{object_id}-r{revision}"
