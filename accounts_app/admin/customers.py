"""Customers and projects."""
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportModelAdmin

from accounts_app.admin.imports import BackgroundImportMixin
from accounts_app.admin.widgets import KeyBoundedAutocompleteMixin
from accounts_app.models import Customer, LedgerImport, Project
from accounts_app.resources import CustomerResource
from accounts_app.selectors import customer_balances


class CustomerChangeList(ChangeList):
    def get_results(self, request):
        """The page's balances in one query, instead of one per customer."""
        super().get_results(request)
        balances = customer_balances(customer_ids=[customer.pk for customer in self.result_list])
        for customer in self.result_list:
            customer.open_balances = balances.get(customer.pk, [])


@admin.register(Customer)
class CustomerAdmin(BackgroundImportMixin, ImportExportModelAdmin):
    resource_classes = [CustomerResource]
    ledger_import_kind = LedgerImport.Kind.CUSTOMERS
    list_display = [
        "number", "name", "kind", "vat_number", "country_name", "currency", "vat_situation",
        "email", "language", "balance",
    ]  # fmt: skip
    list_filter = ["kind", "vat_situation", "currency", "country"]
    search_fields = ["=number", "name", "vat_number", "email", "ean"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["number", "kind", "name", "email"]}),
        (gettext_lazy("Registration"), {"fields": ["vat_number", "ean", "vat_situation"]}),
        (gettext_lazy("Address"), {"fields": ["address", "zip_code", "city", "country"]}),
        (gettext_lazy("Invoicing"),
         {"fields": ["currency", "payment_condition", "language", "balance"]}),
    ]
    readonly_fields = ["balance"]

    def get_changelist(self, request, **kwargs):
        return CustomerChangeList

    @admin.display(description=gettext_lazy("balance"))
    def balance(self, customer: Customer) -> str:
        """What the customer owes on open invoices, per currency: never one sum across them."""
        if customer.pk is None:
            return "—"
        balances = getattr(customer, "open_balances", None)
        if balances is None:
            balances = customer_balances(customer_ids=[customer.pk]).get(customer.pk, [])
        return ", ".join(str(money) for money in balances) or _("nothing open")

    @admin.display(description=gettext_lazy("country"), ordering="country")
    def country_name(self, customer: Customer) -> str:
        # The stock column looks the name up in all 250 country choices, twice per row: a third
        # of a second per page of 100 customers.
        return customer.country.name


@admin.register(Project)
class ProjectAdmin(KeyBoundedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["number", "name", "customer", "active"]
    list_filter = ["active"]
    search_fields = ["=number", "name", "customer__name"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]
