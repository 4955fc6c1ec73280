from __future__ import annotations

from django.contrib import admin

from integration.models import RemoteRecord


@admin.register(RemoteRecord)
class RemoteRecordAdmin(admin.ModelAdmin):
    """e-conomic's reference data as last read; the pickers search it (autocomplete)."""

    list_display = [
        "number",
        "name",
        "kind",
        "connection",
        "email",
        "identification",
        "barred",
        "refreshed_at",
    ]
    list_filter = ["kind", "connection", "barred"]
    search_fields = ["number", "name", "email", "identification"]
    list_select_related = ["connection"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
