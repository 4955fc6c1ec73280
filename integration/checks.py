"""System checks run by `manage.py check --deploy` (scripts/run.sh runs it before starting)."""

from __future__ import annotations

from django.core import checks
from django.core.checks import Tags, register
from django.db import DatabaseError

from integration.crypto import UnreadableSecret, decrypt, encryption_problem, stored_ciphertexts


@register(Tags.security, deploy=True)
def check_encryption_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Production needs a valid key, and every stored secret must decrypt with the keys given:
    otherwise no export or import can call e-conomic."""
    problem = encryption_problem()
    if problem:
        return [checks.Error(problem, id="integration.E001")]
    try:
        unreadable = [
            f"{model._meta.label} {pk} ({field.name})"
            for model, field, pk, ciphertext in stored_ciphertexts()
            if isinstance(decrypt(ciphertext), UnreadableSecret)
        ]
    except DatabaseError:
        return []  # not migrated yet: no secret is stored
    if not unreadable:
        return []
    return [
        checks.Error(
            f"FIELD_ENCRYPTION_KEYS cannot decrypt {len(unreadable)} stored secret(s): "
            f"{', '.join(unreadable)}.",
            hint="Add the key they were encrypted with after the first one (then run "
            "manage.py rotate_keys), or paste those connections' tokens again.",
            id="integration.E002",
        )
    ]
