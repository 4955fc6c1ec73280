from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from integration.models import ApiCall


class OutcomeFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("ok", _("OK")), ("error", _("Error"))]

    def queryset(self, request, queryset):
        if self.value() == "ok":
            return queryset.filter(status__lt=400)
        if self.value() == "error":
            return queryset.exclude(status__lt=400)
        return queryset


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    """A log: nobody adds or edits a call."""

    list_display = [
        "created_at",
        "connection",
        "method",
        "path",
        "status",
        "duration_ms",
        "cost",
        "from_cache",
        "purpose",
        "short_error",
    ]
    list_filter = [OutcomeFilter, "method", "connection", "from_cache"]
    search_fields = ["path", "idempotency_key", "error", "purpose"]
    list_select_related = ["connection"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Error"))
    def short_error(self, call: ApiCall) -> str:
        return call.error[:120]
