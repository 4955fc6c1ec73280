"""The counter that numbers invoices gap-free."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class InvoiceNumberSeries(models.Model):
    """One counter row per series. Finalizing an invoice increments it with an atomic
    `UPDATE ... SET next_number = next_number + 1` inside the finalizing transaction: on
    PostgreSQL the row lock serialises concurrent finalizations, on SQLite the IMMEDIATE
    transaction does; a rollback gives the number back, so the series has no gaps."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    next_number = models.PositiveIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("invoice number series")
        verbose_name_plural = _("invoice number series")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_number__gte=1), name="invoice_number_series_starts_at_one"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(name)s (next %(number)s)") % {
            "name": self.name, "number": self.next_number
        }
