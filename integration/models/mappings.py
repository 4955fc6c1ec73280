from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts_app.validators import remote_customer_number_validate
from integration.models.reference import RemoteKind, RemoteRecord


class RemoteMapping(models.Model):
    """A mapping that points at cached e-conomic records: they must be its connection's own."""

    remote_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        for name in self.remote_fields:
            record = getattr(self, name, None) if getattr(self, f"{name}_id") else None
            if record and self.connection_id and record.connection_id != self.connection_id:
                raise ValidationError(
                    {
                        name: _(
                            "%(record)s belongs to connection %(other)s; pick one of "
                            "%(connection)s's."
                        )
                        % {
                            "record": record,
                            "other": record.connection,
                            "connection": self.connection,
                        }
                    }
                )


class ServiceTypeMapping(RemoteMapping):
    """Which e-conomic product a service type's lines are sold as (unmapped: the default)."""

    remote_fields = ("product",)

    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, verbose_name=_("connection")
    )
    service_type = models.ForeignKey(
        "accounts_app.ServiceType", on_delete=models.CASCADE, verbose_name=_("service type")
    )
    product = models.ForeignKey(
        "integration.RemoteRecord",
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "product"},
        related_name="+",
        verbose_name=_("product"),
    )

    class Meta:
        verbose_name = _("service type mapping")
        verbose_name_plural = _("service type mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "service_type"], name="service_type_mapping_unique"
            ),
        ]

    def __str__(self) -> str:
        return _("%(service_type)s → product %(product)s") % {
            "service_type": self.service_type, "product": self.product
        }


class VatCodePairing(RemoteMapping):
    """Our VAT code and e-conomic's VAT account (vatCode) with the same meaning."""

    remote_fields = ("vat_account",)

    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, verbose_name=_("connection")
    )
    vat_code = models.ForeignKey(
        "accounts_app.VatCode", on_delete=models.CASCADE, verbose_name=_("vat code")
    )
    vat_account = models.ForeignKey(
        "integration.RemoteRecord",
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "vat_account"},
        related_name="+",
        verbose_name=_("vat account"),
    )

    class Meta:
        verbose_name = _("VAT code pairing")
        verbose_name_plural = _("VAT code pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "vat_code"], name="vat_code_pairing_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vat_code} → {self.vat_account}"


class PaymentConditionPairing(RemoteMapping):
    """Our payment condition and e-conomic's payment terms; matched by days and type unless a
    person chose the terms by name."""

    remote_fields = ("payment_terms",)

    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, verbose_name=_("connection")
    )
    payment_condition = models.ForeignKey(
        "accounts_app.PaymentCondition", on_delete=models.CASCADE,
        verbose_name=_("payment condition")
    )
    payment_terms = models.ForeignKey(
        "integration.RemoteRecord",
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "payment_terms"},
        related_name="+",
        verbose_name=_("payment terms"),
    )
    chosen_by_person = models.BooleanField(default=False, verbose_name=_("chosen by person"))

    class Meta:
        verbose_name = _("payment condition pairing")
        verbose_name_plural = _("payment condition pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "payment_condition"], name="payment_condition_pairing_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_condition} → {self.payment_terms}"


class SalesAccountMapping(RemoteMapping):
    """Our sales account and the e-conomic product group whose sales accounts it books to.

    e-conomic books an invoice line to the sales account of its product's group for the
    invoice's VAT zone, with that account's VAT code (REFERENCE §2.7): so a line of this sales
    account is sold as a product of this group, the one named here or, when none is, the line's
    service-type product if it is in the group. The setup check proves the group's account for
    each zone our lines use is this sales account, carrying the VAT code paired with theirs."""

    remote_fields = ("product",)

    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, verbose_name=_("connection")
    )
    sales_account = models.ForeignKey(
        "accounts_app.SalesAccount", on_delete=models.CASCADE, verbose_name=_("sales account")
    )
    product_group_number = models.PositiveIntegerField(verbose_name=_("product group number"))
    product = models.ForeignKey(
        "integration.RemoteRecord", null=True, blank=True, on_delete=models.PROTECT,
        limit_choices_to={"kind": "product"}, related_name="+",
        help_text=_("The product this account's lines are sold as (a product of the group)."),
        verbose_name=_("product"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("sales account mapping")
        verbose_name_plural = _("sales account mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "sales_account"], name="sales_account_mapping_unique"
            ),
        ]

    def __str__(self) -> str:
        return _("%(account)s → product group %(group)s") % {
            "account": self.sales_account, "group": self.product_group_number
        }


class CustomerLinkState(models.TextChoices):
    LINKED = "linked", _("Linked to an e-conomic customer")
    CREATE = "create", _("Create in e-conomic on export")
    AMBIGUOUS = "ambiguous", _("Several candidates: a person decides")


class CustomerLink(models.Model):
    """Our customer and its e-conomic customer card. Never two of ours on one card, never two
    cards for one of ours: that is how duplicate customer cards are avoided."""

    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, verbose_name=_("connection")
    )
    customer = models.ForeignKey(
        "accounts_app.Customer", on_delete=models.CASCADE, related_name="economic_links",
        verbose_name=_("customer")
    )
    state = models.CharField(
        max_length=10, choices=CustomerLinkState.choices, verbose_name=_("state")
    )
    remote_number = models.PositiveIntegerField(
        null=True, blank=True, validators=[remote_customer_number_validate],
        verbose_name=_("remote number")
    )
    candidates = models.JSONField(
        default=list, blank=True, help_text=_("Numbers when ambiguous."),
        verbose_name=_("candidates")
    )
    matched_by = models.CharField(max_length=20, blank=True, verbose_name=_("matched by"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("customer link")
        verbose_name_plural = _("customer links")
        constraints = [
            models.UniqueConstraint(fields=["connection", "customer"], name="customer_link_unique"),
            models.UniqueConstraint(
                fields=["connection", "remote_number"],
                condition=models.Q(remote_number__isnull=False),
                name="customer_link_one_card_one_customer",
                violation_error_message=_("This e-conomic customer is already linked to another "
                "customer; unlink it there first, so one card never stands for two customers."),
            ),
            models.CheckConstraint(
                condition=~models.Q(state="linked") | models.Q(remote_number__isnull=False),
                name="customer_link_linked_has_number",
                violation_error_message=_("A linked customer needs the e-conomic customer number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} → {self.remote_number or self.get_state_display()}"

    def clean(self) -> None:
        super().clean()
        if self.remote_number is not None and self.connection_id is not None:
            if problem := remote_customer_problem(self.connection_id, self.remote_number):
                raise ValidationError({"remote_number": problem})


def remote_customer_problem(connection_id: int, number: int) -> str:
    """Why this number is no e-conomic customer to link to, with the fix; "" when it is one.
    Read from the cached customers (refreshed with the reference data), not e-conomic itself,
    so that linking makes no remote call."""
    try:
        remote_customer_number_validate(number)
    except ValidationError as error:
        return error.messages[0]
    customers = RemoteRecord.objects.filter(connection_id=connection_id, kind=RemoteKind.CUSTOMER)
    if customers.filter(number=str(number), present=True).exists():
        return ""
    return _(
        "e-conomic has no customer %(number)s (as last fetched): choose one through "
        "\"Find in e-conomic\", or refresh the reference data if it was made there since."
    ) % {"number": number}
