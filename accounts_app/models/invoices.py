"""Invoices (numbered by the series in `series.py`); their lines are in `lines.py`."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts_app.currency import exchange_rate_normalize, exchange_rate_problem
from accounts_app.errors import InvoiceLockedError
from accounts_app.models.buyer import BUYER_FIELDS, Buyer, buyer_field
from accounts_app.models.customers import (
    INVOICE_LANGUAGES,
    Customer,
    Project,
    currency_code_validator,
)
from accounts_app.models.reference import PaymentCondition
from accounts_app.money import PER_DOCUMENT, PER_LINE
from accounts_app.validators import ledger_date_validate

ZERO = Decimal("0.00")
HALF_CENT = Decimal("0.005")


def money_field(verbose_name: str | None = None, **options) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, default=ZERO, **options
    )


class InvoiceQuerySet(models.QuerySet):
    def delete(self):
        if self.exclude(state=Invoice.State.DRAFT).exists():
            raise InvoiceLockedError(
                gettext("Only draft invoices can be deleted; credit a finalized invoice instead.")
            )
        return super().delete()


def ledger_vat_rounding() -> str:
    """How the ledger rounds a new invoice's VAT: as its accounting system does."""
    return settings.LEDGER_VAT_ROUNDING


class Invoice(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINALIZED = "finalized", _("Finalized")
        PARTLY_PAID = "partly_paid", _("Partly paid")
        PAID = "paid", _("Paid")
        CREDITED = "credited", _("Credited")

    # What a finalized invoice may no longer change; state and amount_paid move with payments.
    # `external_number` is left out on purpose: the accounting system numbers the invoice only
    # after it is issued, and keeping its number changes nothing of the issued document.
    LOCKED_FIELDS = (
        "number", "customer_id", "project_id", "issue_date", "due_date", "payment_condition_id",
        "currency", "exchange_rate", "our_reference", "their_reference", "notes",
        "credited_invoice_id", "corrects_id", "net_total", "vat_total", "gross_total",
        "import_reference", *(f"buyer_{name}" for name in BUYER_FIELDS), "vat_rounding",
    )  # fmt: skip

    number = models.PositiveIntegerField(
        _("number"), null=True, blank=True, unique=True, editable=False
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices",
                                 verbose_name=_("customer"))  # fmt: skip
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices",
        verbose_name=_("project"),
    )  # fmt: skip
    issue_date = models.DateField(_("issue date"), default=timezone.localdate)
    payment_condition = models.ForeignKey(
        PaymentCondition, on_delete=models.PROTECT, related_name="invoices",
        verbose_name=_("payment condition"),
    )  # fmt: skip
    due_date = models.DateField(
        _("due date"),
        null=True,
        blank=True,
        help_text=_(
            "Computed from the payment condition; give it only for a 'due date' condition."
        ),
    )
    currency = models.CharField(_("currency"), max_length=3, default="DKK",
                                validators=[currency_code_validator])  # fmt: skip
    exchange_rate = models.DecimalField(
        _("exchange rate"),
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("The ledger's base currency for one unit of the invoice currency (1 for the "
                    "base currency). Empty for a foreign currency: e-conomic applies its own "
                    "rate."),
    )  # fmt: skip
    our_reference = models.CharField(_("our reference"), max_length=255, blank=True)
    their_reference = models.CharField(_("their reference"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    credited_invoice = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        editable=False,
        verbose_name=_("credited invoice"),
        help_text=_("Set on a credit note: the invoice it credits."),
    )
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by",
        editable=False, verbose_name=_("corrects"),
        help_text=_("Set on a correction: the invoice it replaces, which its credit note "
                    "cancels."),
    )  # fmt: skip
    import_reference = models.CharField(
        _("import reference"),
        max_length=100,
        blank=True,
        help_text=_("The key an imported invoice came with, so a second import does not "
                    "create it again."),
    )  # fmt: skip
    # The buyer as issued, copied from the customer by invoice_finalize: an issued invoice keeps
    # its recipient and VAT treatment when the customer is edited later. Empty on a draft.
    buyer_name = buyer_field(_("buyer's name"), 255)
    buyer_address = buyer_field(_("buyer's address"), 255)
    buyer_zip_code = buyer_field(_("buyer's zip code"), 20)
    buyer_city = buyer_field(_("buyer's city"), 100)
    buyer_country = buyer_field(_("buyer's country"), 2)
    buyer_vat_number = buyer_field(_("buyer's CVR / VAT number"), 20)
    buyer_ean = buyer_field(_("buyer's EAN"), 13)
    buyer_vat_situation = buyer_field(
        _("buyer's VAT situation"), 20, choices=Customer.VatSituation.choices
    )
    buyer_kind = buyer_field(_("buyer's kind"), 10, choices=Customer.Kind.choices)
    # The language its PDF is written in, fixed at issue like the rest of the buyer.
    buyer_language = buyer_field(_("buyer's language"), 2, choices=INVOICE_LANGUAGES)
    external_number = models.CharField(
        _("external number"),
        max_length=30,
        blank=True,
        editable=False,
        help_text=_("The number the accounting system gave it, when that number is copied back "
                    "(our own number stays the invoice's number)."),
    )  # fmt: skip
    # How its VAT is rounded, as the ledger was set when it was made (LEDGER_VAT_ROUNDING):
    # fixed with it at issue, so its totals and PDF never change with the setting.
    vat_rounding = models.CharField(
        _("VAT rounding"), max_length=10, editable=False, default=ledger_vat_rounding,
        choices=[(PER_LINE, _("Per line")), (PER_DOCUMENT, _("Per document and rate"))],
    )  # fmt: skip
    net_total = money_field(_("net total"), editable=False)
    vat_total = money_field(_("VAT total"), editable=False)
    gross_total = money_field(_("gross total"), editable=False)
    amount_paid = money_field(_("amount paid"), editable=False)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = [F("number").desc(nulls_first=True), "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        permissions = [("finalize_invoice", _("Can finalize invoices and create credit notes"))]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state="draft") & Q(number__isnull=True))
                | (~Q(state="draft") & Q(number__isnull=False)),
                name="invoice_numbered_exactly_when_not_draft",
            ),
            # SQLite keeps decimals as floating point, so equality of a sum can miss by a tiny
            # fraction; amounts are whole cents, so a half-cent band is still exact.
            models.CheckConstraint(
                condition=Q(gross_total__gt=F("net_total") + F("vat_total") - HALF_CENT)
                & Q(gross_total__lt=F("net_total") + F("vat_total") + HALF_CENT),
                name="invoice_gross_is_net_plus_vat",
            ),
            models.CheckConstraint(
                condition=Q(exchange_rate__isnull=True) | Q(exchange_rate__gt=0),
                name="invoice_exchange_rate_positive",
            ),
            models.CheckConstraint(
                condition=Q(vat_rounding__in=[PER_LINE, PER_DOCUMENT]),
                name="invoice_vat_rounding_known",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "finalized", "partly_paid", "paid", "credited"]),
                name="invoice_state_is_known",
            ),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0), name="invoice_amount_paid_not_negative"
            ),
            # Only a credit note takes money back; an issued invoice charges nothing or more.
            models.CheckConstraint(
                condition=Q(state="draft") | Q(credited_invoice__isnull=False)
                | Q(gross_total__gte=0),
                name="invoice_issued_total_not_negative",
            ),
            # A draft reads its customer as it is; only issuing freezes the buyer.
            models.CheckConstraint(
                condition=~Q(state="draft") | Q(buyer_vat_situation=""),
                name="invoice_draft_has_no_frozen_buyer",
            ),
            models.CheckConstraint(
                condition=Q(buyer_vat_situation__in=["", *Customer.VatSituation.values])
                & Q(buyer_kind__in=["", *Customer.Kind.values]),
                name="invoice_buyer_situation_and_kind_are_known",
            ),
            models.CheckConstraint(
                condition=~Q(credited_invoice=F("id")), name="invoice_does_not_credit_itself"
            ),
            # A correction replaces another invoice; a credit note only cancels (invoice_correct).
            models.CheckConstraint(
                condition=~Q(corrects=F("id"))
                & (Q(corrects__isnull=True) | Q(credited_invoice__isnull=True)),
                name="invoice_corrects_another_and_is_no_credit_note",
            ),
            # A credit note cancels the whole invoice, so one per invoice (see invoice_credit).
            models.UniqueConstraint(
                fields=["credited_invoice"],
                condition=Q(credited_invoice__isnull=False),
                name="invoice_credited_at_most_once",
            ),
            models.UniqueConstraint(
                fields=["import_reference"],
                condition=~Q(import_reference=""),
                name="invoice_import_reference_unique",
            ),
        ]
        indexes = [
            # For invoices_open() and the admin list filtered by state within a date range.
            models.Index(fields=["state", "issue_date"], name="invoice_state_issue_date"),
            # The admin list filtered by state, in its default order (newest number first): read
            # backwards, the index yields the first page without sorting every match.
            models.Index(fields=["state", "number"], name="invoice_state_number"),
            # The admin list's date hierarchy (its first and last date, a chosen month) and its
            # sort by issue date.
            models.Index(fields=["issue_date"], name="invoice_issue_date"),
            # The admin list's currency filter lists the distinct currencies on every page.
            models.Index(fields=["currency"], name="invoice_currency"),
        ]

    def __str__(self) -> str:
        if self.number:
            template = gettext("Credit note %(number)s") if self.is_credit_note else gettext(
                "Invoice %(number)s")
            return template % {"number": self.number}
        template = gettext("Credit note draft #%(id)s") if self.is_credit_note else gettext(
            "Invoice draft #%(id)s")
        return template % {"id": self.pk}

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            self._refuse_changes_once_finalized()
        self.exchange_rate = exchange_rate_normalize(
            currency=self.currency, rate=self.exchange_rate
        )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored_state = Invoice.objects.filter(pk=self.pk).values_list("state", flat=True).first()
        if stored_state not in (None, self.State.DRAFT):
            raise InvoiceLockedError(
                gettext("%(invoice)s is finalized and cannot be deleted; create a credit note "
                        "instead.") % {"invoice": self}
            )  # fmt: skip
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if problems := self.header_problems():
            raise ValidationError(problems)

    def header_problems(self) -> dict[str, str]:
        """What is wrong with the header, by field, each with its fix (the admin shows them on
        the form; invoice_draft_save refuses them)."""
        problems = {}
        if self.issue_date is not None:
            try:
                ledger_date_validate(self.issue_date)
            except ValidationError as error:
                problems["issue_date"] = error.messages[0]
        if self.due_date and self.issue_date and self.due_date < self.issue_date:
            problems["due_date"] = gettext(
                "The due date is before the issue date: enter a later one."
            )
        if self.project_id and self.customer_id and self.project.customer_id != self.customer_id:
            problems["project"] = gettext(
                "Project %(project)s belongs to %(owner)s, not to %(customer)s: choose one of "
                "this customer's projects, or none."
            ) % {"project": self.project, "owner": self.project.customer, "customer": self.customer}
        if problem := exchange_rate_problem(currency=self.currency, rate=self.exchange_rate):
            problems["exchange_rate"] = problem
        return problems

    @property
    def is_credit_note(self) -> bool:
        return self.credited_invoice_id is not None

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def buyer(self) -> Buyer:
        """The buyer as issued once finalized; a draft's is its customer as it is now (as is that
        of a row written without invoice_finalize, as the benchmarks write them)."""
        if not self.buyer_vat_situation:
            return Buyer.of_customer(self.customer)
        return Buyer(**{name: getattr(self, f"buyer_{name}") for name in BUYER_FIELDS})

    @property
    def amount_due(self) -> Decimal:
        return self.gross_total - self.amount_paid

    def _refuse_changes_once_finalized(self) -> None:
        stored = Invoice.objects.filter(pk=self.pk).values("state", *self.LOCKED_FIELDS).first()
        if stored is None or stored["state"] == self.State.DRAFT:
            return
        changed = [name for name in self.LOCKED_FIELDS if getattr(self, name) != stored[name]]
        if changed:
            raise InvoiceLockedError(
                gettext("%(invoice)s is finalized; %(fields)s cannot change. Create a credit "
                        "note and issue a new invoice instead.")
                % {"invoice": self, "fields": ", ".join(changed)}
            )  # fmt: skip
