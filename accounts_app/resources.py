"""CSV/XLSX import and export (django-import-export). An import runs in one transaction and
writes nothing when a row is refused; rows go through the same validation and services as the
admin forms, and each refusal names the row, the problem and the fix. References, existing
customers and existing lines are read once per import, not once per row."""
import datetime
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from accounts_app.currency import base_currency
from accounts_app.errors import InvoiceExchangeRateError, InvoiceLockedError
from accounts_app.import_rows import (
    KeyedInstanceLoader,
    LedgerImportResource,
    file_references,
    whole_number,
)
from accounts_app.import_widgets import (
    AmountWidget,
    ChoiceWidget,
    CountryWidget,
    CurrencyWidget,
    LookupWidget,
    WholeNumberWidget,
    cell_text,
)
from accounts_app.models import (
    Customer,
    Invoice,
    InvoiceLine,
    PaymentCondition,
    SalesAccount,
    ServiceType,
    VatCode,
)
from accounts_app.models.customers import INVOICE_LANGUAGES
from accounts_app.money import line_amounts
from accounts_app.services import drafts_totals_recompute, invoice_create
from accounts_app.signals import customers_imported
from accounts_app.spreadsheets import FormulaEscapedExport

# What a line's net amount column holds: below 10^12, with two decimals.
LINE_NET_LIMIT = Decimal(10) ** 12
# An invoice's exchange rate column: six decimals, twelve digits.
RATE_READER = AmountWidget(column="exchange_rate", places=6)
RATE_LIMIT = Decimal(10) ** 6
# An issue date as ISO writes it (2026-12-01) or as Danish spreadsheets do (01-12-2026).
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


class CustomerResource(LedgerImportResource):
    """One row per customer, matched on the customer number: importing a file twice updates
    the customers instead of duplicating them."""

    number = fields.Field(attribute="number", column_name="number", widget=WholeNumberWidget(
        column="number", hint=gettext_lazy("give each customer a number such as 1001"),
    ))  # fmt: skip
    kind = fields.Field(attribute="kind", column_name="kind",
                        widget=ChoiceWidget(Customer.Kind.choices, column="kind"))  # fmt: skip
    vat_situation = fields.Field(
        attribute="vat_situation", column_name="vat_situation",
        widget=ChoiceWidget(Customer.VatSituation.choices, column="vat_situation"),
    )  # fmt: skip
    country = fields.Field(attribute="country", column_name="country",
                           widget=CountryWidget(column="country"))  # fmt: skip
    currency = fields.Field(attribute="currency", column_name="currency",
                            widget=CurrencyWidget(column="currency"))  # fmt: skip
    payment_condition = fields.Field(
        attribute="payment_condition",
        column_name="payment_condition",
        widget=LookupWidget(PaymentCondition, "name", column="payment_condition", required=True),
    )
    # Optional: a file without the column leaves the customers' language as it is.
    language = fields.Field(attribute="language", column_name="language", widget=ChoiceWidget(
        INVOICE_LANGUAGES, column="language", blank=True))  # fmt: skip
    unchecked_here = ("payment_condition", "country")

    class Meta:
        model = Customer
        import_id_fields = ["number"]
        fields = [
            "number", "kind", "name", "email", "vat_number", "ean", "address", "zip_code",
            "city", "country", "currency", "payment_condition", "vat_situation", "language",
        ]  # fmt: skip
        # full_clean() validates CVR/VAT numbers, EAN and choices exactly as the admin form does.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        instance_loader_class = KeyedInstanceLoader
        # Written 1,000 at a time; customers_imported stands for the post_save of each.
        use_bulk = True
        batch_size = 1000

    def bulk_create(self, *args, **kwargs):
        self._announce(list(self.create_instances), super().bulk_create, *args, **kwargs)

    def bulk_update(self, *args, **kwargs):
        self._announce(list(self.update_instances), super().bulk_update, *args, **kwargs)

    def _announce(self, customers, write, *args, result=None, **kwargs) -> None:
        errors_before = len(result.base_errors) if result is not None else 0
        write(*args, result=result, **kwargs)
        if customers and (result is None or len(result.base_errors) == errors_before):
            customers_imported.send(sender=Customer, customers=customers)

    def existing_instances(self, dataset) -> dict:
        numbers = {whole_number(row.get("number")) for row in dataset.dict} - {None}
        return {customer.number: customer
                for customer in Customer.objects.filter(number__in=numbers)}  # fmt: skip

    def instance_key(self, row):
        return whole_number(row.get("number"))

    def instance_errors(self, instance, errors: dict) -> dict:
        if "payment_condition" in errors or instance.payment_condition_id is not None:
            return {}
        widget = self.fields["payment_condition"].widget
        return {"payment_condition": _("%(column)s is empty; allowed are: %(allowed)s.")
                % {"column": "payment_condition", "allowed": widget.allowed()}}  # fmt: skip

    def row_rules(self, row, row_number: int) -> None:
        number = whole_number(row.get("number"))
        if number is not None:
            self.refuse_repeat(number, row_number, _(
                "customer number %(number)s is in row %(first)s already; a file holds each "
                "customer once: merge the two rows or give one of them another number."
            ), number=number)  # fmt: skip


class DraftInvoiceWidget(widgets.Widget):
    """Finds the draft invoice a row belongs to by its import reference, creating it from the
    row's customer_number, issue_date, exchange_rate (the ledger's base currency per unit of the
    customer's currency; empty: 1 for the base currency, none for a foreign one) and
    their_reference the first time the reference is seen. The resource's `prepare` reads the
    file's invoices and customers at once."""

    def prepare(self, *, references, customer_numbers) -> None:
        found = Invoice.objects.filter(import_reference__in=references).select_related("customer")
        self.invoices = {invoice.import_reference: invoice for invoice in found}
        customers = Customer.objects.filter(number__in=customer_numbers)
        self.customers = {customer.number: customer for customer in customers}
        self.created_at_row = {}

    def clean(self, value, row=None, **kwargs):
        reference = cell_text(value or "")
        if not reference:
            raise ValueError(_("invoice_reference is empty; give each invoice a reference."))
        invoice = self.invoices.get(reference)
        if invoice is None:
            invoice = self.invoices[reference] = _draft_from_row(reference, row, self.customers)
            self.created_at_row[reference] = kwargs.get("row_number")
        if not invoice.is_draft:
            raise ValueError(
                _("%(invoice)s (reference “%(reference)s”) is finalized and cannot be changed by "
                  "an import; credit it and import a new reference.")
                % {"invoice": invoice, "reference": reference}
            )  # fmt: skip
        number = whole_number(row.get("customer_number"))
        if number is not None and number != invoice.customer.number:
            first_row = self.created_at_row.get(reference)
            where = _(" (from row %(row)s)") % {"row": first_row} if first_row else ""
            raise ValueError(
                _("invoice_reference “%(reference)s” is the invoice of customer "
                  "%(owner)s%(where)s, not %(number)s; one reference is one invoice for one "
                  "customer: give this customer's invoice a reference of its own.")
                % {"reference": reference, "owner": invoice.customer.number, "where": where,
                   "number": number}
            )  # fmt: skip
        return invoice

    def render(self, value, obj=None, **kwargs):
        return value.import_reference if value else ""


def _refuse_too_long(column: str, field: str, text: str) -> None:
    """invoice_create saves without full_clean: a text over its column is refused here."""
    limit = Invoice._meta.get_field(field).max_length
    if len(text) > limit:
        raise ValueError(_("%(column)s has %(length)s characters; the ledger keeps at most "
                           "%(limit)s: shorten it.")
                         % {"column": column, "length": len(text), "limit": limit})  # fmt: skip


def _draft_from_row(reference: str, row, customers: dict) -> Invoice:
    _refuse_too_long("invoice_reference", "import_reference", reference)
    _refuse_too_long("their_reference", "their_reference", str(row.get("their_reference") or ""))
    number = cell_text(row.get("customer_number") or "")
    customer = customers.get(whole_number(number))
    if customer is None:
        raise ValueError(_("No customer with number “%(number)s”; import the customers first.")
                         % {"number": number})  # fmt: skip
    try:
        return invoice_create(
            customer=customer,
            issue_date=_date(row.get("issue_date")),
            exchange_rate=_exchange_rate(row.get("exchange_rate")),
            their_reference=str(row.get("their_reference") or ""),
            import_reference=reference,
        )
    except InvoiceExchangeRateError as error:
        raise ValueError(_("exchange_rate: %(problem)s") % {"problem": error.message}) from error


def _exchange_rate(value) -> Decimal | None:
    if value is None or cell_text(value) == "":
        return None
    rate = RATE_READER.clean(value)
    if not Decimal(0) < rate < RATE_LIMIT:
        raise ValueError(_("exchange_rate %(rate)s must be above zero and below %(limit)s "
                           "(%(base)s per unit).")
                         % {"rate": rate, "base": base_currency(),
                            "limit": number_format(RATE_LIMIT, 0, force_grouping=True),
                            })  # fmt: skip
    return rate


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for written in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, written).date()
        except ValueError:
            continue
    raise ValueError(_("issue_date “%(value)s” is not a date; write it as 2026-12-01 or "
                       "01-12-2026.") % {"value": text})  # fmt: skip


class InvoiceImportResource(LedgerImportResource):
    """One row per invoice line; rows with the same invoice_reference make one draft invoice.
    Lines are matched on (invoice_reference, line), so a second import of a file changes
    nothing, and lines of an invoice that was finalized since are refused."""

    invoice = fields.Field(
        attribute="invoice", column_name="invoice_reference", widget=DraftInvoiceWidget()
    )
    position = fields.Field(attribute="position", column_name="line", widget=WholeNumberWidget(
        column="line", hint=gettext_lazy("number the lines of each invoice 1, 2, 3, ..."),
    ))  # fmt: skip
    quantity = fields.Field(attribute="quantity", column_name="quantity",
                            widget=AmountWidget(column="quantity", default=Decimal(1)))  # fmt: skip
    unit_price = fields.Field(attribute="unit_price", column_name="unit_price",
                              widget=AmountWidget(column="unit_price"))  # fmt: skip
    discount_percent = fields.Field(
        attribute="discount_percent", column_name="discount_percent",
        widget=AmountWidget(column="discount_percent", default=Decimal(0)),
    )  # fmt: skip
    vat_code = fields.Field(attribute="vat_code", column_name="vat_code",
                            widget=LookupWidget(VatCode, "code", column="vat_code"))  # fmt: skip
    sales_account = fields.Field(
        attribute="sales_account", column_name="sales_account",
        widget=LookupWidget(SalesAccount, "number", column="sales_account"),
    )  # fmt: skip
    service_type = fields.Field(
        attribute="service_type", column_name="service_type",
        widget=LookupWidget(ServiceType, "name", column="service_type"),
    )  # fmt: skip
    unchecked_here = ("invoice", "vat_code", "sales_account", "service_type")
    row_columns = ("customer_number", "issue_date", "exchange_rate", "their_reference")

    class Meta:
        model = InvoiceLine
        name = gettext_lazy("Invoices (one row per line)")
        import_id_fields = ["invoice", "position"]
        fields = [
            "invoice", "position", "service_type", "description", "quantity", "unit_price",
            "discount_percent", "vat_code", "sales_account",
        ]  # fmt: skip
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        instance_loader_class = KeyedInstanceLoader
        use_bulk = True
        batch_size = 1000

    def before_import(self, dataset, **kwargs):
        self.touched_invoice_ids = set()
        rows = dataset.dict
        self.fields["invoice"].widget.prepare(
            references=file_references(rows),
            customer_numbers={whole_number(row.get("customer_number")) for row in rows} - {None},
        )
        super().before_import(dataset, **kwargs)

    def existing_instances(self, dataset) -> dict:
        references = file_references(dataset.dict)
        lines = InvoiceLine.objects.filter(invoice__import_reference__in=references)
        return {(line.invoice.import_reference, line.position): line
                for line in lines.select_related("invoice", "vat_code")}  # fmt: skip

    def instance_key(self, row):
        return cell_text(row.get("invoice_reference") or ""), whole_number(row.get("line"))

    def row_rules(self, row, row_number: int) -> None:
        reference, line = self.instance_key(row)
        if reference and line is not None:
            self.refuse_repeat((reference, line), row_number, _(
                "line %(line)s of invoice_reference “%(reference)s” is in row %(first)s already; "
                "number the lines of each invoice 1, 2, 3, ... once each."
            ), line=line, reference=reference)  # fmt: skip

    def instance_errors(self, instance, errors: dict) -> dict:
        found = {}
        discount = instance.discount_percent
        if "discount_percent" not in errors and not Decimal(0) <= discount <= Decimal(100):
            found["discount_percent"] = _(
                "discount_percent %(discount)s is not between 0 and 100."
            ) % {"discount": discount}
        if not ({"quantity", "unit_price", "discount_percent"} & (set(errors) | set(found))):
            net = line_amounts(quantity=instance.quantity, unit_price=instance.unit_price,
                               discount_percent=discount, vat_rate=Decimal(0)).net  # fmt: skip
            if abs(net) >= LINE_NET_LIMIT:
                found["unit_price"] = _(
                    "the line's net amount %(net)s is %(limit)s or more; split it over several "
                    "lines or invoices."
                ) % {"net": net, "limit": number_format(LINE_NET_LIMIT, 0, force_grouping=True)}
        return found

    def before_save_instance(self, instance, row, **kwargs):
        # Lines are written in bulk (use_bulk), which calls no save(): the amounts are set here.
        instance.amounts_compute()
        self.touched_invoice_ids.add(instance.invoice_id)

    def get_bulk_update_fields(self):
        return [*super().get_bulk_update_fields(), "net_amount", "vat_amount"]

    def after_import(self, dataset, result, **kwargs):
        # A bulk write skips InvoiceLine.save's check that the invoice is a draft: check it
        # here, inside the import's transaction, with the invoices locked (on PostgreSQL; on
        # SQLite the transaction holds the database's write lock).
        invoices = list(Invoice.objects.select_for_update().filter(pk__in=self.touched_invoice_ids))
        finalized = [str(invoice) for invoice in invoices if not invoice.is_draft]
        if finalized:
            raise InvoiceLockedError(
                _("%(invoices)s was finalized while the file was imported; nothing was imported. "
                  "Import the file again with new references for those invoices.")
                % {"invoices": ", ".join(finalized)}
            )  # fmt: skip
        drafts_totals_recompute(invoices=invoices)
        super().after_import(dataset, result, **kwargs)


class InvoiceExportResource(FormulaEscapedExport, resources.ModelResource):
    """Invoice headers with their totals, for lists and reconciliation in a spreadsheet."""

    customer_number = fields.Field(attribute="customer__number", column_name="customer_number")
    customer_name = fields.Field(attribute="customer__name", column_name="customer_name")
    credits_invoice = fields.Field(
        attribute="credited_invoice__number", column_name="credits_invoice"
    )

    class Meta:
        model = Invoice
        name = gettext_lazy("Invoices (one row per invoice)")
        fields = [
            "number", "state", "customer_number", "customer_name", "issue_date", "due_date",
            "currency", "exchange_rate", "net_total", "vat_total", "gross_total", "amount_paid",
            "credits_invoice", "our_reference", "their_reference", "import_reference",
        ]  # fmt: skip
        export_order = fields
