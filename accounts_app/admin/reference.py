"""Reference data: VAT codes, payment conditions, sales accounts, service types."""
from django.contrib import admin

from accounts_app.models import PaymentCondition, SalesAccount, ServiceType, VatCode


@admin.register(VatCode)
class VatCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rate"]
    search_fields = ["code", "name"]


@admin.register(PaymentCondition)
class PaymentConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "days"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(SalesAccount)
class SalesAccountAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["=number", "name"]


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "default_sales_account", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
