"""Re-encrypt every stored secret under the first key of FIELD_ENCRYPTION_KEYS, so that the
older keys after it can be removed."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integration.crypto import StoredCiphertext, encryption_problem, rotate, stored_ciphertexts
from integration.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Re-encrypt every stored secret (the e-conomic grant tokens) under the first key of "
        "FIELD_ENCRYPTION_KEYS. Put the new key first, keep the old ones after it, run this, "
        "then remove the old keys."
    )

    def handle(self, *args, **options) -> None:
        problem = encryption_problem()
        if problem:
            raise CommandError(problem)
        rotated, unreadable = [], []
        for model, field, pk, ciphertext in stored_ciphertexts():
            try:
                rotated.append((model, field, pk, rotate(ciphertext)))
            except ImproperlyConfigured:
                unreadable.append(f"{model._meta.label} {pk} ({field.name})")
        if unreadable:
            # All or nothing: a half-rotated table would need both keys kept anyway.
            raise CommandError(
                _(
                    "No key in FIELD_ENCRYPTION_KEYS decrypts %(count)d stored secret(s): "
                    "%(secrets)s. Add the key they were encrypted with (after the first) and run "
                    "rotate_keys again; nothing was changed."
                )
                % {"count": len(unreadable), "secrets": ", ".join(unreadable)}
            )
        with transaction.atomic():
            for model, field, pk, ciphertext in rotated:
                model._base_manager.filter(pk=pk).update(
                    **{field.attname: StoredCiphertext(ciphertext)}
                )
        self.stdout.write(
            _("Re-encrypted %(count)d stored secret(s) under the first key.")
            % {"count": len(rotated)}
        )
