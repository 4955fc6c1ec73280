"""Invoices with their lines inline. A draft is edited here; a finalized invoice opens read-only
and changes only through a credit note: "Create credit note", or "Correct", which also opens a
draft copy to issue in its place."""
import zipfile
from decimal import Decimal
from io import BytesIO

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin

from accounts_app.admin.imports import BackgroundImportMixin
from accounts_app.admin.readonly import ReadOnlyAdminMixin
from accounts_app.admin.widgets import KeyBoundedAutocompleteMixin
from accounts_app.errors import LedgerError
from accounts_app.models import Invoice, InvoiceLine, LedgerImport, Payment
from accounts_app.money import LineAmounts, money_display, totals_from_lines
from accounts_app.resources import InvoiceExportResource, InvoiceImportResource
from accounts_app.services import (
    invoice_correct,
    invoice_correct_problem,
    invoice_credit,
    invoice_draft_save,
    invoice_finalize,
    invoice_render_pdf,
    invoice_totals_recompute,
)
from accounts_app.validators import money_amount_problem

LINE_FIELDS = [
    "position", "service_type", "description", "quantity", "unit_price", "discount_percent",
    "vat_code", "sales_account", "net_amount_shown", "vat_amount_shown",
]  # fmt: skip
HEADER_FIELDS = [
    "customer", "project", "issue_date", "payment_condition", "due_date", "currency",
    "exchange_rate", "our_reference", "their_reference", "notes", "import_reference",
]  # fmt: skip
STATE_FIELDS = [
    "number", "external_number", "state", "linked_documents", "net_total_shown",
    "vat_total_shown", "gross_total_shown", "amount_paid_shown", "finalized_at",
]  # fmt: skip


def editable(invoice: Invoice | None) -> bool:
    return invoice is None or invoice.is_draft


class InvoiceLineFormSet(BaseInlineFormSet):
    def clean(self):
        """Refuse lines whose sum the ledger cannot hold, before anything is saved."""
        super().clean()
        kept = [
            form.instance
            for form in self.forms
            if form.is_valid() and form.cleaned_data and not self._should_delete_form(form)
        ]
        lines = [LineAmounts(*line.amounts(), rate=line.vat_rate or Decimal("0")) for line in kept]
        totals = totals_from_lines(lines, rounding=self.instance.vat_rounding)
        if problem := money_amount_problem(totals.gross, _("The invoice's gross")):
            raise ValidationError(problem, code="amount_too_large")


def _money_shown(model, field: str, *, invoice_of):
    """An amount field with its invoice's currency, as the active language writes money
    ("1.234,56 kr.", "DKK 1,234.56"), sorted by the field: a method of an admin or an inline,
    for its list and its read-only fields alike. A row not yet saved with an invoice shows "-"
    (the inlines read the invoice with their rows)."""

    @admin.display(description=model._meta.get_field(field).verbose_name, ordering=field)
    def shown(model_admin, row) -> str:
        amount, invoice = getattr(row, field), invoice_of(row)
        return "-" if amount is None or invoice is None else money_display(amount, invoice.currency)

    return shown


def _own(invoice: Invoice) -> Invoice:
    return invoice


def _parent(row) -> Invoice | None:
    return row.invoice if row.invoice_id is not None else None


class InvoiceLineInline(KeyBoundedAutocompleteMixin, admin.TabularInline):
    model = InvoiceLine
    formset = InvoiceLineFormSet
    fields = LINE_FIELDS
    readonly_fields = ["net_amount_shown", "vat_amount_shown"]
    autocomplete_fields = ["service_type", "vat_code", "sales_account"]
    extra = 1
    net_amount_shown = _money_shown(InvoiceLine, "net_amount", invoice_of=_parent)
    vat_amount_shown = _money_shown(InvoiceLine, "vat_amount", invoice_of=_parent)
    unit_price_shown = _money_shown(InvoiceLine, "unit_price", invoice_of=_parent)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")

    def get_fields(self, request, obj=None):
        # An issued invoice's lines are read only: its unit prices are money, with currency.
        if editable(obj):
            return LINE_FIELDS
        return [name if name != "unit_price" else "unit_price_shown" for name in LINE_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *([] if editable(obj) else ["unit_price_shown"])]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if editable(obj) else 0

    def has_add_permission(self, request, obj=None):
        return editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return editable(obj) and super().has_delete_permission(request, obj)


class PaymentInline(ReadOnlyAdminMixin, admin.TabularInline):
    """What came in against the invoice; payments are entered on the payment screen, through
    payment_register, so that the invoice's state follows."""

    model = Payment
    fields = ["date", "amount_shown", "source", "external_reference"]
    readonly_fields = fields
    extra = 0
    amount_shown = _money_shown(Payment, "amount", invoice_of=_parent)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")


class KindFilter(admin.SimpleListFilter):
    title = gettext_lazy("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("invoice", _("Invoices")), ("credit_note", _("Credit notes"))]

    def queryset(self, request, queryset):
        if self.value() == "invoice":
            return queryset.filter(credited_invoice__isnull=True)
        if self.value() == "credit_note":
            return queryset.filter(credited_invoice__isnull=False)
        return queryset


MONEY_FIELDS = ["net_total_shown", "vat_total_shown", "gross_total_shown", "amount_paid_shown"]


@admin.register(Invoice)
class InvoiceAdmin(BackgroundImportMixin, KeyBoundedAutocompleteMixin, ImportExportModelAdmin):
    ledger_import_kind = LedgerImport.Kind.INVOICE_LINES
    list_display = [
        "display_number", "external_number", "customer", "issue_date", "due_date", "state",
        "currency", *MONEY_FIELDS,
    ]  # fmt: skip
    list_filter = ["state", KindFilter, "currency", "customer__vat_situation", "issue_date"]
    search_fields = [
        "=number", "customer__name", "=customer__number", "our_reference", "their_reference",
        "import_reference", "=external_number",
    ]  # fmt: skip
    # Each row names its kind from credited_invoice_id alone, so only the customer is joined.
    list_select_related = ["customer"]
    autocomplete_fields = ["customer", "project"]
    date_hierarchy = "issue_date"
    # Its date hierarchy lists the years without reading every invoice (see ledger_admin).
    change_list_template = "admin/accounts_app/change_list.html"
    # A filtered list says "n results" without a second count of the whole ledger.
    show_full_result_count = False
    actions = ["finalize", "create_credit_note", "correct", "download_pdf", "delete_drafts"]
    change_form_template = "admin/accounts_app/invoice/change_form.html"
    fieldsets = [
        (None, {"fields": ["customer", "project", "issue_date", "payment_condition", "due_date"]}),
        (gettext_lazy("Currency"), {"fields": ["currency", "exchange_rate"]}),
        (gettext_lazy("References"), {"fields": ["our_reference", "their_reference", "notes",
                                   "import_reference"]}),  # fmt: skip
        (gettext_lazy("State and totals"), {"fields": STATE_FIELDS}),
    ]

    net_total_shown = _money_shown(Invoice, "net_total", invoice_of=_own)
    vat_total_shown = _money_shown(Invoice, "vat_total", invoice_of=_own)
    gross_total_shown = _money_shown(Invoice, "gross_total", invoice_of=_own)
    amount_paid_shown = _money_shown(Invoice, "amount_paid", invoice_of=_own)

    @admin.display(description=gettext_lazy("number"), ordering="number")
    def display_number(self, invoice: Invoice) -> str:
        return str(invoice)

    @admin.display(description=gettext_lazy("linked documents"))
    def linked_documents(self, invoice: Invoice) -> str:
        """The original, its credit note and its correction, each a link, from any of the three."""
        if invoice.pk is None:
            return "-"
        links = format_html_join(
            ", ", '{}: <a href="{}">{}</a>',
            ((role, reverse("admin:accounts_app_invoice_change", args=[document.pk]), document)
             for role, document in linked_documents(invoice)),
        )  # fmt: skip
        return links or "-"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Someone may finalize the invoice while another person still has its form open: say
        # so, instead of a bare "403 Forbidden", and keep the invoice as it is.
        invoice = self.get_object(request, object_id) if request.method == "POST" else None
        if invoice is not None and not invoice.is_draft:
            self.message_user(
                request,
                _("%(invoice)s is finalized; your changes were not saved. Create a credit note "
                  "and a new invoice to correct it.") % {"invoice": invoice},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        can_correct = self._can_correct(request, object_id)
        extra_context = {**(extra_context or {}), "can_correct": can_correct}
        return super().change_view(request, object_id, form_url, extra_context)

    def _can_correct(self, request, object_id) -> bool:
        invoice = self.get_object(request, object_id)
        return (
            invoice is not None
            and self.has_credit_permission(request)
            and invoice_correct_problem(invoice=invoice) is None
        )

    def get_inlines(self, request, obj):
        # A draft takes no payments, so its form carries only the lines.
        return [InvoiceLineInline] if editable(obj) else [InvoiceLineInline, PaymentInline]

    def get_readonly_fields(self, request, obj=None):
        return STATE_FIELDS if editable(obj) else STATE_FIELDS + HEADER_FIELDS

    def get_actions(self, request):
        # The stock delete action would try finalized invoices too; delete_drafts replaces it.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        # A finalized invoice opens read-only (view permission); a POST to it is refused.
        return editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return editable(obj) and super().has_delete_permission(request, obj)

    def has_finalize_permission(self, request):
        codename = get_permission_codename("finalize", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def has_credit_permission(self, request):
        return self.has_finalize_permission(request) and self.has_add_permission(request)

    def get_import_resource_classes(self, request):
        return [InvoiceImportResource]

    def get_export_resource_classes(self, request):
        return [InvoiceExportResource]

    def save_model(self, request, obj, form, change):
        invoice_draft_save(invoice=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        invoice_totals_recompute(invoice=form.instance)

    def get_urls(self):
        pdf_view = self.admin_site.admin_view(self.pdf_view)
        correct_view = self.admin_site.admin_view(require_POST(self.correct_view))
        return [
            path("<int:object_id>/pdf/", pdf_view, name="accounts_app_invoice_pdf"),
            path("<int:object_id>/correct/", correct_view, name="accounts_app_invoice_correct"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, object_id: int):
        invoice = get_object_or_404(Invoice, pk=object_id)
        if not self.has_view_permission(request, invoice):
            return HttpResponse(_("You may not view this invoice."), status=403)
        return pdf_response(invoice)

    def correct_view(self, request, object_id: int):
        """The invoice page's "Correct" button: on to the new draft, or back with the reason."""
        if not self.has_credit_permission(request):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice, pk=object_id)
        try:
            correction = invoice_correct(invoice=invoice)
        except LedgerError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:accounts_app_invoice_change",
                                                args=[invoice.pk]))  # fmt: skip
        self.message_user(request, correction_message(invoice, correction), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:accounts_app_invoice_change", args=[correction.draft.pk])
        )

    @admin.action(description=gettext_lazy("Finalize selected drafts"), permissions=["finalize"])
    def finalize(self, request, queryset):
        run_for_each(self, request, queryset.order_by("issue_date", "id"),
                     lambda invoice: invoice_finalize(invoice=invoice),
                     _("Finalized %(result)s."))  # fmt: skip

    @admin.action(description=gettext_lazy("Create credit note"), permissions=["credit"])
    def create_credit_note(self, request, queryset):
        run_for_each(self, request, queryset.order_by("number"),
                     lambda invoice: invoice_credit(invoice=invoice),
                     _("Created %(result)s."))  # fmt: skip

    @admin.action(description=gettext_lazy("Correct: credit note and a draft copy"),
                  permissions=["credit"])  # fmt: skip
    def correct(self, request, queryset):
        run_for_each(self, request, queryset.order_by("number"),
                     lambda invoice: invoice_correct(invoice=invoice).draft,
                     _("Credited and opened the correction %(result)s."))  # fmt: skip

    @admin.action(description=gettext_lazy("Download PDF"), permissions=["view"])
    def download_pdf(self, request, queryset):
        invoices = list(queryset.select_related("customer", "credited_invoice"))
        if len(invoices) == 1:
            return pdf_response(invoices[0])
        return pdf_zip_response(invoices)

    @admin.action(description=gettext_lazy("Delete selected draft invoices"),
                  permissions=["delete"])  # fmt: skip
    def delete_drafts(self, request, queryset):
        finalized = queryset.exclude(state=Invoice.State.DRAFT).count()
        if finalized:
            self.message_user(
                request,
                _("%(count)s of the selected invoices are finalized and cannot be deleted; "
                  "nothing was deleted. Select drafts only, or credit a finalized invoice.")
                % {"count": finalized},
                messages.ERROR,
            )
            return None
        return delete_selected(self, request, queryset)


def run_for_each(model_admin, request, invoices, service, done: str) -> None:
    """Call a service per invoice; report each success (`done`, naming the `result`) and each
    refusal with its reason."""
    for invoice in invoices:
        try:
            result = service(invoice)
        except LedgerError as error:
            model_admin.message_user(request, error.message, messages.ERROR)
        else:
            model_admin.message_user(request, done % {"result": result}, messages.SUCCESS)


def linked_documents(invoice: Invoice) -> list[tuple[str, Invoice]]:
    """(role, document) for the original, credit note and correction that `invoice` is one of."""
    original = invoice.credited_invoice or invoice.corrects or invoice
    credit_note = original.credit_notes.first()
    correction = Invoice.objects.filter(corrects=original).first()
    documents = [(_("original"), original), (_("credit note"), credit_note),
                 (_("correction"), correction)]  # fmt: skip
    return [(role, document) for role, document in documents
            if document is not None and document.pk != invoice.pk]  # fmt: skip


def correction_message(invoice: Invoice, correction) -> str:
    return _(
        "%(invoice)s is credited by %(credit_note)s; %(draft)s is its correction: edit it and "
        "finalize it to issue it."
    ) % {"invoice": invoice, "credit_note": correction.credit_note, "draft": correction.draft}


def pdf_filename(invoice: Invoice) -> str:
    return f"{str(invoice).lower().replace(' ', '-').replace('#', '')}.pdf"


def pdf_response(invoice: Invoice) -> HttpResponse:
    response = HttpResponse(invoice_render_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(invoice)}"'
    return response


def pdf_zip_response(invoices: list[Invoice]) -> HttpResponse:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            archive.writestr(pdf_filename(invoice), invoice_render_pdf(invoice=invoice))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="invoices.zip"'
    return response
