"""This database's own name towards e-conomic.

Two installations may export to one agreement (a test copy beside production, two offices):
their invoice numbers and row ids overlap, so a reference or an Idempotency-Key made of those
alone would let one adopt the other's documents. Each installation makes a code once, keeps it
here, and puts it in every reference and key it sends. There is one row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Installation(models.Model):
    code = models.CharField(
        max_length=8, unique=True, help_text=_("Part of every reference and Idempotency-Key sent."),
        verbose_name=_("code")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")
        constraints = [
            # One installation per database: the row with id 1.
            models.CheckConstraint(condition=models.Q(id=1), name="installation_is_one_row"),
        ]

    def __str__(self) -> str:
        return _("Installation %(code)s") % {"code": self.code}
