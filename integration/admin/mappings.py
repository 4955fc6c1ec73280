from __future__ import annotations

from django.contrib import admin
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy

from accounts_app.admin.widgets import KeyBoundedAutocompleteMixin
from integration.admin.mapping_grids import MappingGridAdminMixin
from integration.models import (
    PaymentConditionPairing,
    RemoteKind,
    RemoteRecord,
    SalesAccountMapping,
    ServiceTypeMapping,
    VatCodePairing,
)


@admin.register(ServiceTypeMapping)
class ServiceTypeMappingAdmin(MappingGridAdminMixin, KeyBoundedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["service_type", "product", "connection"]
    list_filter = ["connection"]
    search_fields = ["service_type__name", "product__name", "product__number"]
    autocomplete_fields = ["product"]
    list_select_related = ["service_type", "product", "connection"]


@admin.register(VatCodePairing)
class VatCodePairingAdmin(MappingGridAdminMixin, KeyBoundedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["vat_code", "vat_account", "connection"]
    list_filter = ["connection"]
    autocomplete_fields = ["vat_account"]
    list_select_related = ["vat_code", "vat_account", "connection"]


@admin.register(PaymentConditionPairing)
class PaymentConditionPairingAdmin(
    MappingGridAdminMixin, KeyBoundedAutocompleteMixin, admin.ModelAdmin
):
    list_display = ["payment_condition", "payment_terms", "chosen_by_person", "connection"]
    list_filter = ["connection", "chosen_by_person"]
    autocomplete_fields = ["payment_terms"]
    list_select_related = ["payment_condition", "payment_terms", "connection"]

    def save_model(self, request, obj, form, change):
        # A person's choice by name is kept by every later automatic pairing.
        obj.chosen_by_person = True
        super().save_model(request, obj, form, change)


@admin.register(SalesAccountMapping)
class SalesAccountMappingAdmin(MappingGridAdminMixin, admin.ModelAdmin):
    """Lists each mapping with whether its product group exists in e-conomic, so the groups to
    create there stand out."""

    list_display = ["sales_account", "product_group_number", "group_in_economic", "connection"]
    list_filter = ["connection"]
    list_select_related = ["sales_account", "connection"]

    def get_queryset(self, request):
        groups = RemoteRecord.objects.filter(
            connection=OuterRef("connection"),
            kind=RemoteKind.PRODUCT_GROUP,
            present=True,
            number=Cast(OuterRef("product_group_number"), CharField()),
        )
        return super().get_queryset(request).annotate(group_exists=Exists(groups))

    @admin.display(description=gettext_lazy("In e-conomic"), boolean=True, ordering="group_exists")
    def group_in_economic(self, mapping) -> bool:
        return mapping.group_exists
