"""Encryption at rest for secrets (the agreement grant tokens), with keys from the environment.

`FIELD_ENCRYPTION_KEYS` holds Fernet keys, comma separated: the first encrypts, every one
decrypts (cryptography's MultiFernet). A key is rotated by putting a new one first and running
`manage.py rotate_keys`, which re-encrypts every stored secret under it.

A secret that no key decrypts (a key missing or mistyped) is read as an `UnreadableSecret`: it
keeps its ciphertext, so the page that shows its row still opens, saving the row does not lose
it, and the connection refuses to call e-conomic with it, naming the fix.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _

MAKE_A_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


# Functions, not constants: each says its problem in the language active when it is told.
def no_key() -> str:
    return _(
        "FIELD_ENCRYPTION_KEYS is empty: set it to a Fernet key before storing e-conomic tokens. "
        "Make one with: %(command)s"
    ) % {"command": MAKE_A_KEY}


def not_a_key() -> str:
    return _(
        "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64 bytes); "
        "make one with: %(command)s"
    ) % {"command": MAKE_A_KEY}


def wrong_key() -> str:
    return _(
        "The stored secret cannot be decrypted with FIELD_ENCRYPTION_KEYS: the key it was "
        "encrypted with is missing. Put that key back in FIELD_ENCRYPTION_KEYS (after the new "
        "one, then run manage.py rotate_keys), or paste the token again."
    )


class StoredCiphertext(str):
    """A value that is already a Fernet token: written back as it is, never encrypted again."""


class UnreadableSecret(StoredCiphertext):
    """A stored secret that FIELD_ENCRYPTION_KEYS cannot decrypt. Its text is the ciphertext
    (true, so "a token is stored" still holds); `reason` says what to fix."""

    reason: str

    def __new__(cls, ciphertext: str, reason: str) -> UnreadableSecret:
        secret = super().__new__(cls, ciphertext)
        secret.reason = reason
        return secret


@cache
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(no_key())
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(not_a_key()) from None


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plain: str) -> str:
    return cipher().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text, or an UnreadableSecret when no key (or no valid key) opens it."""
    try:
        return cipher().decrypt(token.encode()).decode()
    except ImproperlyConfigured as error:
        return UnreadableSecret(token, str(error))
    except InvalidToken:
        return UnreadableSecret(token, wrong_key())


def rotate(token: str) -> str:
    """The same secret encrypted under the first key; ImproperlyConfigured when no key opens
    it."""
    try:
        return cipher().rotate(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(wrong_key()) from None


def encryption_problem() -> str:
    """Why secrets cannot be encrypted now (no key, a malformed key), or ""."""
    try:
        cipher()
    except ImproperlyConfigured as error:
        return str(error)
    return ""


class EncryptedTextField(models.TextField):
    """Plain text in Python, Fernet ciphertext in the database. Not searchable, by design."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if isinstance(value, StoredCiphertext):
            return str(value)
        return encrypt(value) if value else ""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else ""


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedTextField]]:
    """Every model field that holds an encrypted secret, for the key check and rotation."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def stored_ciphertexts():
    """(model, field, primary key, ciphertext) of every stored secret, read as the database
    holds it: the Cast keeps the field from decrypting it."""
    from django.db.models.functions import Cast

    for model, field in encrypted_fields():
        rows = (
            model._base_manager.exclude(**{field.attname: ""})
            .annotate(stored_ciphertext=Cast(field.attname, models.TextField()))
            .values_list("pk", "stored_ciphertext")
            .order_by("pk")
        )
        for pk, ciphertext in rows:
            yield model, field, pk, ciphertext
