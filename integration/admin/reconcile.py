"""The reconciliation's screens: each connection's findings with a fix per click (an action on
the selected findings; each calls the fixes service), and the runs with their calls."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from accounts_app.admin.readonly import ReadOnlyAdminMixin
from integration.models import FindingState, ReconcileFinding, ReconcileRun
from integration.services.reconcile import FIX_LABELS, FixRefused, finding_fix, finding_fixes
from integration.services.reconcile.fixes import ACCEPT, HANDLED, REEXPORT, RELINK


class OpenFirstFilter(admin.SimpleListFilter):
    """Open findings unless another state is chosen: what needs a person comes first."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*FindingState.choices, ("all", gettext_lazy("All"))]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            selected = (self.value() or FindingState.OPEN) == value
            yield {
                "selected": selected,
                "display": label,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
            }

    def queryset(self, request, queryset):
        value = self.value() or FindingState.OPEN
        return queryset if value == "all" else queryset.filter(state=value)


@admin.register(ReconcileFinding)
class ReconcileFindingAdmin(admin.ModelAdmin):
    list_display = ["kind", "document", "detail", "fixes", "state", "connection", "last_seen"]
    list_filter = [OpenFirstFilter, "connection", "kind"]
    list_select_related = ["connection"]
    search_fields = ["document", "detail", "invoice__number", "remote_number"]
    actions = ["reexport", "relink", "accept", "mark_handled"]
    fields = [
        "connection",
        "kind",
        "state",
        "document",
        "detail",
        "invoice",
        "customer",
        "remote_number",
        "ours",
        "theirs",
        "run",
        "first_seen",
        "last_seen",
        "resolved_at",
        "resolved_by",
        "resolution",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("fixes"))
    def fixes(self, finding: ReconcileFinding) -> str:
        return ", ".join(str(FIX_LABELS[fix]) for fix in finding_fixes(finding=finding)) or "—"

    def _fix(self, request, queryset, fix: str) -> None:
        done, refused = 0, []
        for finding in queryset.select_related("connection", "invoice", "customer"):
            try:
                finding_fix(finding=finding, fix=fix, user=request.user)
                done += 1
            except FixRefused as error:
                refused.append(str(error))
        if done:
            said = ngettext("%(fix)s: %(count)d finding.", "%(fix)s: %(count)d findings.", done)
            self.message_user(
                request, said % {"fix": FIX_LABELS[fix], "count": done}, messages.SUCCESS
            )
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(
        description=gettext_lazy("Re-export (send our invoice or card again)"),
        permissions=["change"],
    )
    def reexport(self, request, queryset):
        self._fix(request, queryset, REEXPORT)

    @admin.action(
        description=gettext_lazy("Relink to e-conomic's document"), permissions=["change"]
    )
    def relink(self, request, queryset):
        self._fix(request, queryset, RELINK)

    @admin.action(description=gettext_lazy("Accept e-conomic's state"), permissions=["change"])
    def accept(self, request, queryset):
        self._fix(request, queryset, ACCEPT)

    @admin.action(description=gettext_lazy("Mark handled"), permissions=["change"])
    def mark_handled(self, request, queryset):
        self._fix(request, queryset, HANDLED)


@admin.register(ReconcileRun)
class ReconcileRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "started_at",
        "connection",
        "trigger",
        "state",
        "documents",
        "found",
        "agreed",
        "api_calls",
        "budget",
        "error",
    ]
    list_filter = ["state", "trigger", "connection"]
    list_select_related = ["connection"]
    date_hierarchy = "started_at"
