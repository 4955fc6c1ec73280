"""The audit trail of the e-conomic side (django-auditlog): who changed a connection or a
mapping, and when. A connection's grant token never reaches an entry, encrypted or in plain
text: that it was replaced is kept (who put in a new token, and when), as "(set, hidden)"."""

from __future__ import annotations

from auditlog.registry import auditlog

# What the product itself keeps up to date on every import, refresh or digest: no person
# changed those.
CONNECTION_EXCLUDED = [
    "payment_entries_seen",
    "alerts_sent_at",
    "reference_refreshed_at",
    "created_at",
]


def secret_hidden(value: str) -> str:
    """What an entry shows of a secret: whether there is one, never any part of it."""
    return "(empty)" if value in ("", "None") else "(set, hidden)"


def audit_register() -> None:
    from integration.models import (
        Connection,
        CustomerLink,
        PaymentConditionPairing,
        SalesAccountMapping,
        ServiceTypeMapping,
        VatCodePairing,
    )

    auditlog.register(
        Connection, exclude_fields=CONNECTION_EXCLUDED, mask_fields=["grant_token"],
        mask_callable="integration.audit.secret_hidden",
    )  # fmt: skip
    for mapping in (
        CustomerLink, PaymentConditionPairing, SalesAccountMapping, ServiceTypeMapping,
        VatCodePairing,
    ):  # fmt: skip
        auditlog.register(mapping)
