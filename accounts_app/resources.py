"""CSV/XLSX import and export (django-import-export). Every import runs as a dry run first and
in a transaction; rows go through the same validation and services as the admin forms."""
import datetime
from decimal import Decimal, InvalidOperation

from import_export import fields, resources, widgets

from accounts_app.currency import base_currency
from accounts_app.errors import InvoiceExchangeRateError
from accounts_app.models import (
    Customer,
    Invoice,
    InvoiceLine,
    PaymentCondition,
    SalesAccount,
    ServiceType,
    VatCode,
)
from accounts_app.services import invoice_create, invoice_totals_recompute
from accounts_app.spreadsheets import FormulaEscapedExport


class CustomerResource(FormulaEscapedExport, resources.ModelResource):
    """One row per customer, matched on the customer number: importing a file twice updates
    the customers instead of duplicating them."""

    payment_condition = fields.Field(
        attribute="payment_condition",
        column_name="payment_condition",
        widget=widgets.ForeignKeyWidget(PaymentCondition, field="name"),
    )

    class Meta:
        model = Customer
        import_id_fields = ["number"]
        fields = [
            "number", "kind", "name", "email", "vat_number", "ean", "address", "zip_code",
            "city", "country", "currency", "payment_condition", "vat_situation",
        ]  # fmt: skip
        # full_clean() validates CVR/VAT numbers, EAN and choices exactly as the admin form does.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class DraftInvoiceWidget(widgets.Widget):
    """Finds the draft invoice a row belongs to by its import reference, creating it from the
    row's customer_number, issue_date, exchange_rate (the ledger's base currency per unit of the
    customer's currency; empty: 1 for the base currency, none for a foreign one) and
    their_reference the first time the reference is seen."""

    def clean(self, value, row=None, **kwargs):
        reference = str(value or "").strip()
        if not reference:
            raise ValueError("invoice_reference is empty; give each invoice a reference.")
        invoice = Invoice.objects.filter(import_reference=reference).first()
        if invoice is None:
            return _draft_from_row(reference, row)
        if not invoice.is_draft:
            raise ValueError(
                f"Invoice {invoice.number} (reference {reference!r}) is finalized and cannot be "
                "changed by an import; credit it and import a new reference."
            )
        return invoice

    def render(self, value, obj=None, **kwargs):
        return value.import_reference if value else ""


def _draft_from_row(reference: str, row) -> Invoice:
    number = str(row.get("customer_number") or "").strip()
    customer = Customer.objects.filter(number=int(number)).first() if number.isdigit() else None
    if customer is None:
        raise ValueError(f"No customer with number {number!r}; import the customers first.")
    try:
        return invoice_create(
            customer=customer,
            issue_date=_date(row.get("issue_date")),
            exchange_rate=_exchange_rate(row.get("exchange_rate")),
            their_reference=str(row.get("their_reference") or ""),
            import_reference=reference,
        )
    except InvoiceExchangeRateError as error:
        raise ValueError(f"exchange_rate: {error.message}") from error


def _exchange_rate(value) -> Decimal | None:
    if value in (None, ""):
        return None
    per_unit = f"{base_currency()} per unit"
    try:
        rate = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as error:
        raise ValueError(f"exchange_rate {value!r} is not a number ({per_unit}).") from error
    if rate <= 0:
        raise ValueError(f"exchange_rate {value!r} must be above zero ({per_unit}).")
    return rate


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise ValueError(f"issue_date {value!r} is not a date; write it as YYYY-MM-DD.") from error


class InvoiceImportResource(FormulaEscapedExport, resources.ModelResource):
    """One row per invoice line; rows with the same invoice_reference make one draft invoice.
    Lines are matched on (invoice_reference, line), so a second import of a file changes
    nothing, and lines of an invoice that was finalized since are refused."""

    invoice = fields.Field(
        attribute="invoice", column_name="invoice_reference", widget=DraftInvoiceWidget()
    )
    position = fields.Field(
        attribute="position", column_name="line", widget=widgets.IntegerWidget()
    )
    vat_code = fields.Field(
        attribute="vat_code",
        column_name="vat_code",
        widget=widgets.ForeignKeyWidget(VatCode, "code"),
    )
    sales_account = fields.Field(
        attribute="sales_account",
        column_name="sales_account",
        widget=widgets.ForeignKeyWidget(SalesAccount, "number"),
    )
    service_type = fields.Field(
        attribute="service_type",
        column_name="service_type",
        widget=widgets.ForeignKeyWidget(ServiceType, "name"),
    )

    class Meta:
        model = InvoiceLine
        name = "Invoices (one row per line)"
        import_id_fields = ["invoice", "position"]
        fields = [
            "invoice", "position", "service_type", "description", "quantity", "unit_price",
            "discount_percent", "vat_code", "sales_account",
        ]  # fmt: skip
        skip_unchanged = True
        report_skipped = True

    def before_import(self, dataset, **kwargs):
        self.touched_invoice_ids = set()
        super().before_import(dataset, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        self.touched_invoice_ids.add(instance.invoice_id)

    def after_import(self, dataset, result, **kwargs):
        for invoice in Invoice.objects.filter(pk__in=self.touched_invoice_ids):
            invoice_totals_recompute(invoice=invoice)
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
        name = "Invoices (one row per invoice)"
        fields = [
            "number", "state", "customer_number", "customer_name", "issue_date", "due_date",
            "currency", "exchange_rate", "net_total", "vat_total", "gross_total", "amount_paid",
            "credits_invoice", "our_reference", "their_reference", "import_reference",
        ]  # fmt: skip
        export_order = fields
