"""An invoice's lines: what was sold, at which price and VAT, and to which account; locked with
their invoice once it is issued."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts_app.errors import InvoiceLockedError
from accounts_app.models.invoices import ZERO, Invoice, money_field
from accounts_app.models.reference import SalesAccount, ServiceType, VatCode
from accounts_app.money import line_amounts, money_round
from accounts_app.validators import money_amount_problem


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines",
                                verbose_name=_("invoice"))  # fmt: skip
    position = models.PositiveIntegerField(_("position"), default=0)
    service_type = models.ForeignKey(
        ServiceType, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("service type"),
    )  # fmt: skip
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2,
                                   default=Decimal("1"))  # fmt: skip
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    vat_code = models.ForeignKey(
        VatCode, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("VAT code"),
    )  # fmt: skip
    sales_account = models.ForeignKey(
        SalesAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("sales account"),
    )  # fmt: skip
    # The VAT code and rate as issued, copied by invoice_finalize: a later edit of the VAT code
    # changes no issued line. Empty on a draft's line.
    issued_vat_code = models.CharField(_("VAT code as issued"), max_length=20, blank=True,
                                       editable=False)  # fmt: skip
    issued_vat_rate = models.DecimalField(
        _("VAT % as issued"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    net_amount = money_field(_("net amount"), editable=False)
    vat_amount = money_field(_("VAT amount"), editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="invoice_line_discount_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(issued_vat_rate__isnull=True)
                | (Q(issued_vat_rate__gte=0) & Q(issued_vat_rate__lte=100)),
                name="invoice_line_issued_vat_rate_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs) -> None:
        self._refuse_unless_invoice_is_draft()
        self.amounts_compute()
        super().save(*args, **kwargs)

    def amounts_compute(self) -> None:
        """Set the line's net and VAT from its inputs (save does; so does a bulk import)."""
        self.net_amount, self.vat_amount = self.amounts()

    def clean(self) -> None:
        super().clean()
        if None in (self.quantity, self.unit_price, self.discount_percent):
            return  # the form names the missing field
        net, vat = self.amounts()
        if problem := money_amount_problem(net + vat, gettext("The line's amount")):
            raise ValidationError(problem, code="amount_too_large")

    def amounts(self) -> tuple[Decimal, Decimal]:
        """The line's net and VAT. The inputs are rounded to the columns' two places first, so
        that the amounts are computed from exactly the values stored (the database would
        otherwise round them afterwards)."""
        self.quantity, self.unit_price, self.discount_percent = (
            money_round(Decimal(value))
            for value in (self.quantity, self.unit_price, self.discount_percent)
        )
        amounts = line_amounts(
            quantity=self.quantity,
            unit_price=self.unit_price,
            discount_percent=self.discount_percent,
            vat_rate=self.vat_rate or ZERO,
        )
        return amounts.net, amounts.vat

    def delete(self, *args, **kwargs):
        self._refuse_unless_invoice_is_draft()
        return super().delete(*args, **kwargs)

    @property
    def vat_rate(self) -> Decimal | None:
        """The line's VAT percent: as issued once frozen, else its VAT code's as it is now."""
        if self.issued_vat_rate is not None:
            return self.issued_vat_rate
        return self.vat_code.rate if self.vat_code else None

    def _refuse_unless_invoice_is_draft(self) -> None:
        # Read the state from the database: the Invoice object in memory may be stale.
        state = Invoice.objects.filter(pk=self.invoice_id).values_list("state", flat=True).first()
        if state not in (None, Invoice.State.DRAFT):
            raise InvoiceLockedError(
                gettext("The lines of %(invoice)s cannot change because it is finalized; "
                        "create a credit note instead.") % {"invoice": self.invoice}
            )  # fmt: skip
