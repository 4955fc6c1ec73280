"""Export screens: the "Export to e-conomic" action on the invoice list (with the dialog that
chooses method, customer, layout, payment terms and VAT zone), the run page with a progress bar
that follows the run, and the jobs that need a person, with their reason and a Retry action.

The action and the e-conomic number column are defined here and shown on the invoice list by
integration/admin/invoices.py.
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts_app.admin.readonly import ReadOnlyAdminMixin
from accounts_app.models import Invoice
from integration.models import Connection, ExportJob, ExportRun, JobState
from integration.models.connection import ExportMethod
from integration.models.reference import RemoteKind, RemoteRecord
from integration.selectors import (
    export_dry_run_csv_rows,
    export_dry_run_invoices,
    export_dry_run_setup_blockers,
    export_job_fix,
    export_job_subjects,
    export_run_left_out,
)
from integration.services.exports import (
    Refused,
    export_jobs_retry,
    export_run_start,
    export_run_status,
)
from integration.services.setup_check import SetupBlocked

EXPORT_PERMISSION = "integration.add_exportrun"
REASON_WIDTH = 120  # characters of a job's reason on the jobs list: one line at 1400 px


class _JobChangeList(ChangeList):
    """The jobs list, with each job's subject read once per page."""

    def get_results(self, request):
        super().get_results(request)
        subjects = export_job_subjects(jobs=self.result_list)
        for job in self.result_list:
            job.subject_text = subjects[job.pk]


def _records(kind: str):
    records = RemoteRecord.objects.filter(kind=kind, present=True, connection__active=True)
    choices = [("", _("— the connection's default —"))]
    return choices + [
        (record.pk, f"{record.connection}: {record.number} {record.name}")
        for record in records.select_related("connection").order_by("connection", "number")
    ]


class ExportForm(forms.Form):
    """Productive's export dialog: what e-conomic gets, chosen from e-conomic's own lists (read
    from the reference-data cache, never per keystroke from e-conomic)."""

    connection = forms.ModelChoiceField(
        Connection.objects.filter(active=True), empty_label=None, label=gettext_lazy("Connection")
    )
    method = forms.ChoiceField(choices=ExportMethod.choices, label=gettext_lazy("Method"))
    customer = forms.ChoiceField(
        required=False, label=gettext_lazy("Customer"),
        help_text=gettext_lazy("Only for one customer's invoices."),
    )  # fmt: skip
    layout = forms.ChoiceField(required=False, label=gettext_lazy("Layout"))
    payment_terms = forms.ChoiceField(required=False, label=gettext_lazy("Payment terms"))
    vat_zone = forms.ChoiceField(required=False, label=gettext_lazy("VAT zone"))
    leave_out_blocked = forms.BooleanField(
        required=False, label=gettext_lazy("Export the others when some are blocked"),
        help_text=gettext_lazy("The blocked invoices are left out and listed on the run's page "
                               "with why; without this, one blocked invoice stops the export."),
    )  # fmt: skip
    dry_run = forms.BooleanField(
        required=False, label=gettext_lazy("Dry run"),
        help_text=gettext_lazy("Show what would be sent; send nothing."),
    )  # fmt: skip

    FIELDS = {
        "customer": RemoteKind.CUSTOMER,
        "layout": RemoteKind.LAYOUT,
        "payment_terms": RemoteKind.PAYMENT_TERMS,
        "vat_zone": RemoteKind.VAT_ZONE,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind in self.FIELDS.items():
            self.fields[name].choices = _records(kind)

    def clean(self):
        cleaned = super().clean()
        connection = cleaned.get("connection")
        for name in self.FIELDS:
            record = RemoteRecord.objects.filter(pk=cleaned.get(name) or None).first()
            if (
                record is not None
                and connection is not None
                and record.connection_id != connection.pk
            ):
                self.add_error(name, _("%(record)s belongs to %(owner)s; pick %(connection)s's.")
                               % {"record": record, "owner": record.connection,
                                  "connection": connection})  # fmt: skip
            cleaned[f"{name}_number"] = int(record.number) if record else None
        return cleaned

    def overrides(self) -> dict:
        data = self.cleaned_data
        return {
            "customer_number": data["customer_number"],
            "layout_number": data["layout_number"],
            "payment_terms_number": data["payment_terms_number"],
            "vat_zone_number": data["vat_zone_number"],
        }


@admin.action(description=gettext_lazy("Export to e-conomic"))
def export_to_economic(modeladmin, request, queryset):
    if not request.user.has_perm(EXPORT_PERMISSION):
        modeladmin.message_user(request, _("You may not export invoices."), messages.ERROR)
        return None
    form, blockers = ExportForm(request.POST if "confirm" in request.POST else None), []
    if "confirm" not in request.POST:
        connection = Connection.objects.filter(active=True).first()
        form = ExportForm(
            initial={
                "connection": connection,
                "method": connection.export_method if connection else "",
            }
        )
    elif form.is_valid():
        try:
            run = _start(request, queryset, form)
        except (SetupBlocked, Refused) as error:
            blockers = str(error).splitlines()
        else:
            return HttpResponseRedirect(
                reverse("admin:integration_exportrun_change", args=[run.pk])
            )
    context = {
        **modeladmin.admin_site.each_context(request),
        "form": form,
        "blockers": blockers,
        "invoices": queryset,
        "title": _("Export to e-conomic"),
        "opts": modeladmin.opts,
        "action": "export_to_economic",
    }
    return TemplateResponse(request, "admin/integration/export/confirm.html", context)


def _start(request, queryset, form: ExportForm) -> ExportRun:
    data = form.cleaned_data
    numbers = sorted(number for number in queryset.values_list("number", flat=True) if number)
    shown = ", ".join(str(number) for number in numbers[:10]) + ("…" if len(numbers) > 10 else "")
    return export_run_start(
        connection=data["connection"],
        invoices=queryset,
        method=data["method"],
        overrides=form.overrides(),
        user=request.user,
        dry_run=data["dry_run"],
        leave_out_blocked=data["leave_out_blocked"],
        selection=_selection(queryset.count(), shown),
    )


def _selection(count: int, shown: str) -> str:
    invoices = ngettext("%(count)s invoice", "%(count)s invoices", count) % {"count": count}
    return f"{invoices} ({shown})" if shown else invoices


@admin.display(description=gettext_lazy("e-conomic rate"))
def economic_exchange_rate(invoice: Invoice) -> str:
    """The rate e-conomic applied (base currency per unit), ours or its own."""
    rate = getattr(invoice, "economic_exchange_rate_shown", None)
    return "—" if rate is None else f"{rate.normalize():f}"


class AttentionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ExportJob
    verbose_name_plural = gettext_lazy("Invoices, customers and projects that need a person")
    fields = ["kind", "object_id", "state", "attempts", "last_error"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state__in=(JobState.FAILED, JobState.DEAD))


@admin.register(ExportRun)
class ExportRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A run's page: its progress, live until it ends; the invoices it left out and why; for a
    dry run, a table per invoice of what would be sent, with a CSV of the same table."""

    list_display = [
        "id",
        "created_at",
        "connection",
        "method",
        "selection",
        "state",
        "done",
        "failed",
        "total",
        "dry_run",
    ]
    list_filter = ["state", "method", "dry_run", "connection"]
    readonly_fields = [
        "connection",
        "method",
        "selection",
        "created_by",
        "state",
        "dry_run",
        "chosen",
        "total",
        "done",
        "failed",
        "started_at",
        "finished_at",
        "calls",
    ]
    fields = readonly_fields
    inlines = [AttentionInline]
    change_form_template = "admin/integration/exportrun/change_form.html"

    @admin.display(description=gettext_lazy("Chosen in the dialog"))
    def chosen(self, run: ExportRun) -> str:
        names = {"customer_number": _("customer %(number)s"),
                 "layout_number": _("layout %(number)s"),
                 "payment_terms_number": _("payment terms %(number)s"),
                 "vat_zone_number": _("VAT zone %(number)s")}  # fmt: skip
        chosen = [names[key] % {"number": value} for key, value in (run.overrides or {}).items()
                  if key in names]  # fmt: skip
        return ", ".join(chosen) or _("the connection's defaults")

    def get_inlines(self, request, obj):
        # A dry run makes no job: nothing of it can need a person.
        return [] if obj is not None and obj.dry_run else self.inlines

    @admin.display(description=gettext_lazy("API calls"))
    def calls(self, run: ExportRun) -> int:
        return run.api_calls.count()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        if run is not None:
            extra_context = {**(extra_context or {}), **_run_context(run)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        status = self.admin_site.admin_view(self.status_view)
        dry_run_csv = self.admin_site.admin_view(self.dry_run_csv_view)
        return [
            path("<int:run_id>/status/", status, name="integration_exportrun_status"),
            path("<int:run_id>/dry-run.csv", dry_run_csv, name="integration_exportrun_dry_run_csv"),
            *super().get_urls(),
        ]

    def status_view(self, request, run_id: int):
        """The progress bar's JSON: done, failed, total and an estimate of the seconds left;
        for those who may view the run."""
        run = get_object_or_404(ExportRun, pk=run_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        return JsonResponse(export_run_status(run=run))

    def dry_run_csv_view(self, request, run_id: int):
        """The dry run's table as CSV, each cell safe to open in a spreadsheet."""
        run = get_object_or_404(ExportRun, pk=run_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        if not run.dry_run:
            raise Http404(_("Run %(number)s is not a dry run: it has no table of what would be "
                            "sent.") % {"number": run.pk})  # fmt: skip
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="dry-run-{run.pk}.csv"'
        response.write("\ufeff")  # so that a spreadsheet reads the file as UTF-8
        csv.writer(response).writerows(export_dry_run_csv_rows(run=run))
        return response


def _run_context(run: ExportRun) -> dict:
    context = {"left_out": export_run_left_out(run=run)}
    if run.dry_run:
        context["dry_run_invoices"] = export_dry_run_invoices(run=run)
        context["dry_run_setup_blockers"] = export_dry_run_setup_blockers(run=run)
    return context


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The jobs in words: what is sent and for whom, where it is in e-conomic, the reason in one
    line. Keys, leases and references are on each job's own page, under Internals."""

    list_display = ["subject", "customer", "kind", "state", "in_economic", "attempts",
                    "run_link", "reason"]  # fmt: skip
    list_display_links = ["subject"]
    list_filter = ["state", "kind", "error_kind", "connection"]
    search_fields = ["reference", "last_error", "=object_id"]
    readonly_fields = ["subject", "customer", "in_economic", "run_link", "full_reason", "fix",
                       *(field.name for field in ExportJob._meta.fields)]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["subject", "customer", "kind", "method", "state", "attempts",
                           "in_economic", "run_link", "connection"]}),  # fmt: skip
        (gettext_lazy("Reason"), {"fields": ["full_reason", "fix", "error_kind", "note"]}),
        (gettext_lazy("Internals"), {"classes": ["collapse"], "fields": [
            "key", "reference", "object_id", "revision", "not_before", "lease_until",
            "remote_number", "voucher_year", "voucher_booked", "pdf_attached", "created_at",
            "updated_at", "finished_at"]}),  # fmt: skip
    ]
    actions = ["retry"]

    def get_changelist(self, request, **kwargs):
        return _JobChangeList

    def get_object(self, request, object_id, from_field=None):
        job = super().get_object(request, object_id, from_field)
        if job is not None:
            job.subject_text = export_job_subjects(jobs=[job])[job.pk]
        return job

    @admin.display(description=gettext_lazy("What"))
    def subject(self, job: ExportJob) -> str:
        return job.subject_text.label

    @admin.display(description=gettext_lazy("Customer"))
    def customer(self, job: ExportJob) -> str:
        return job.subject_text.customer

    @admin.display(description=gettext_lazy("In e-conomic"))
    def in_economic(self, job: ExportJob) -> str:
        if job.voucher_number:
            year = f" ({job.voucher_year})" if job.voucher_year else ""
            return _("voucher %(number)s") % {"number": job.voucher_number} + year
        if job.booked_number:
            return _("booked %(number)s") % {"number": job.booked_number}
        if job.draft_number:
            return _("draft %(number)s") % {"number": job.draft_number}
        if job.remote_number:
            return _("number %(number)s") % {"number": job.remote_number}
        return "—"

    @admin.display(description=gettext_lazy("Run"), ordering="run")
    def run_link(self, job: ExportJob) -> str:
        if job.run_id is None:
            return "—"
        url = reverse("admin:integration_exportrun_change", args=[job.run_id])
        return format_html('<a href="{}">{}</a>', url, _("Run %(number)s") % {"number": job.run_id})

    @admin.display(description=gettext_lazy("Reason"))
    def reason(self, job: ExportJob) -> str:
        """The reason on one line, cut at a word; the whole of it on the job's page."""
        line = " ".join(job.last_error.split())
        if len(line) <= REASON_WIDTH:
            return line
        return format_html(
            '<span title="{}">{}</span>', line, line[: REASON_WIDTH - 1].rsplit(" ", 1)[0] + "…"
        )

    @admin.display(description=gettext_lazy("Reason"))
    def full_reason(self, job: ExportJob) -> str:
        return job.last_error or "—"

    @admin.display(description=gettext_lazy("What to do"))
    def fix(self, job: ExportJob) -> str:
        return export_job_fix(job=job) or "—"

    @admin.action(description=gettext_lazy("Retry (looked up in e-conomic first)"),
                  permissions=["retry"])  # fmt: skip
    def retry(self, request, queryset):
        retried = export_jobs_retry(jobs=queryset)
        text = ngettext("%(count)s job will be sent again.", "%(count)s jobs will be sent again.",
                        len(retried)) % {"count": len(retried)}  # fmt: skip
        self.message_user(request, text, messages.SUCCESS)

    def has_retry_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)
