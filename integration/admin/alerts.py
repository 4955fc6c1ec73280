"""Alerts as the digests told them: read-only, open ones first (a problem closes itself when
its source resolves it: the job done, the next import finished, Test connection working)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts_app.admin.readonly import ReadOnlyAdminMixin
from integration.models import Alert


class OpenFilter(admin.SimpleListFilter):
    title = _("open")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Open")), ("no", _("Resolved"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(resolved=None)
        if self.value() == "no":
            return queryset.exclude(resolved=None)
        return queryset


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created", "connection", "kind", "text", "sent", "resolved"]
    list_filter = [OpenFilter, "kind", "connection"]
    list_select_related = ["connection"]
    fields = ["connection", "kind", "text", "fix", "url", "created", "sent", "resolved"]
