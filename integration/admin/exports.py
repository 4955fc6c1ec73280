"""Export screens: the "Export to e-conomic" action on the invoice list (with the dialog that
chooses method, customer, layout, payment terms and VAT zone), the run page with a progress bar
that follows the run, and the jobs that need a person, with their reason and a Retry action.

The action and the e-conomic number column are defined here and shown on the invoice list by
integration/admin/invoices.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from accounts_app.admin.readonly import ReadOnlyAdminMixin
from accounts_app.models import Invoice
from integration.models import Connection, ExportJob, ExportRun, JobState
from integration.models.connection import ExportMethod
from integration.models.reference import RemoteKind, RemoteRecord
from integration.selectors import export_job_subjects
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
    choices = [("", "— the connection's default —")]
    return choices + [
        (record.pk, f"{record.connection}: {record.number} {record.name}")
        for record in records.select_related("connection").order_by("connection", "number")
    ]


class ExportForm(forms.Form):
    """Productive's export dialog: what e-conomic gets, chosen from e-conomic's own lists (read
    from the reference-data cache, never per keystroke from e-conomic)."""

    connection = forms.ModelChoiceField(Connection.objects.filter(active=True), empty_label=None)
    method = forms.ChoiceField(choices=ExportMethod.choices)
    customer = forms.ChoiceField(required=False, help_text="Only for one customer's invoices.")
    layout = forms.ChoiceField(required=False)
    payment_terms = forms.ChoiceField(required=False)
    vat_zone = forms.ChoiceField(required=False, label="VAT zone")
    dry_run = forms.BooleanField(required=False, help_text="Show what would be sent; send nothing.")

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
                self.add_error(
                    name, f"{record} belongs to {record.connection}; pick {connection}'s."
                )
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


@admin.action(description="Export to e-conomic")
def export_to_economic(modeladmin, request, queryset):
    if not request.user.has_perm(EXPORT_PERMISSION):
        modeladmin.message_user(request, "You may not export invoices.", messages.ERROR)
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
        "title": "Export to e-conomic",
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
        selection=f"{queryset.count()} invoices ({shown})"
        if shown
        else f"{queryset.count()} invoices",
    )


@admin.display(description="e-conomic rate")
def economic_exchange_rate(invoice: Invoice) -> str:
    """The rate e-conomic applied (base currency per unit), ours or its own."""
    rate = getattr(invoice, "economic_exchange_rate_shown", None)
    return "—" if rate is None else f"{rate.normalize():f}"


class AttentionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ExportJob
    verbose_name_plural = "Invoices, customers and projects that need a person"
    fields = ["kind", "object_id", "state", "attempts", "last_error"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).filter(state__in=(JobState.FAILED, JobState.DEAD))


@admin.register(ExportRun)
class ExportRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
        "overrides",
        "total",
        "done",
        "failed",
        "started_at",
        "finished_at",
        "calls",
        "dry_run_report",
    ]
    inlines = [AttentionInline]
    change_form_template = "admin/integration/exportrun/change_form.html"

    @admin.display(description="API calls")
    def calls(self, run: ExportRun) -> int:
        return run.api_calls.count()

    @admin.display(description="Dry run: what would be sent")
    def dry_run_report(self, run: ExportRun):
        if not run.dry_run:
            return "—"
        report = run.report or {}
        setup = format_html_join(
            "", "<li>{}</li>", ((item,) for item in report.get("setup_blockers", []))
        )
        rows = format_html_join(
            "", "<li>{}</li>", ((_describe(entry),) for entry in report.get("invoices", []))
        )
        return format_html("<ul>{}</ul><ul>{}</ul>", setup, rows)

    def get_urls(self):
        status = self.admin_site.admin_view(self.status_view)
        return [
            path("<int:run_id>/status/", status, name="integration_exportrun_status"),
            *super().get_urls(),
        ]

    def status_view(self, request, run_id: int):
        """The progress bar's JSON: done, failed, total and an estimate of the seconds left;
        for those who may view the run."""
        run = get_object_or_404(ExportRun, pk=run_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        return JsonResponse(export_run_status(run=run))


def _describe(entry: dict) -> str:
    if entry.get("blockers"):
        return f"{entry['invoice']}: BLOCKED: " + " | ".join(entry["blockers"])
    lines = "; ".join(
        f"{line['description']} ×{line['quantity']} @ {line['unit_price']} as product "
        f"{line['product_number']}"
        for line in entry.get("lines", [])
    )
    return (
        f"{entry['invoice']}: customer {entry['customer']}, layout {entry['layout']}, payment "
        f"terms {entry['payment_terms']}, VAT zone {entry['vat_zone']}, net {entry['net']} + VAT "
        f"{entry['vat']} = {entry['gross']} {entry['currency']}; lines: {lines}"
        + _describe_totals(entry.get("totals"))
    )


def _describe_totals(totals: dict | None) -> str:
    """Ours beside what e-conomic will book, per VAT code, for each way it may round VAT."""
    if not totals:
        return ""
    ours = ", ".join(f"{code} {vat}" for code, vat in totals["ours"]["vat_by_code"].items())
    parts = [f"; VAT per code, ours: {ours or 'none'}"]
    for rounding, figures in totals["economic"].items():
        theirs = ", ".join(f"{code} {vat}" for code, vat in figures["vat_by_code"].items())
        gaps = totals["differences"].get(rounding) or {}
        gap = ", ".join(f"{code} {amount}" for code, amount in gaps.items()) or "none"
        parts.append(f"; e-conomic rounding {rounding}: {theirs or 'none'} "
                     f"(gross {figures['gross']}, difference {gap})")  # fmt: skip
    return "".join(parts)


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The jobs in words: what is sent and for whom, where it is in e-conomic, the reason in one
    line. Keys, leases and references are on each job's own page, under Internals."""

    list_display = ["subject", "customer", "kind", "state", "in_economic", "attempts",
                    "run_link", "reason"]  # fmt: skip
    list_display_links = ["subject"]
    list_filter = ["state", "kind", "error_kind", "connection"]
    search_fields = ["reference", "last_error", "=object_id"]
    readonly_fields = ["subject", "customer", "in_economic", "run_link", "full_reason",
                       *(field.name for field in ExportJob._meta.fields)]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["subject", "customer", "kind", "method", "state", "attempts",
                           "in_economic", "run_link", "connection"]}),  # fmt: skip
        ("Reason", {"fields": ["full_reason", "error_kind", "note"]}),
        ("Internals", {"classes": ["collapse"], "fields": [
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

    @admin.display(description="What")
    def subject(self, job: ExportJob) -> str:
        return job.subject_text.label

    @admin.display(description="Customer")
    def customer(self, job: ExportJob) -> str:
        return job.subject_text.customer

    @admin.display(description="In e-conomic")
    def in_economic(self, job: ExportJob) -> str:
        if job.voucher_number:
            year = f" ({job.voucher_year})" if job.voucher_year else ""
            return f"voucher {job.voucher_number}{year}"
        if job.booked_number:
            return f"booked {job.booked_number}"
        if job.draft_number:
            return f"draft {job.draft_number}"
        return f"number {job.remote_number}" if job.remote_number else "—"

    @admin.display(description="Run", ordering="run")
    def run_link(self, job: ExportJob) -> str:
        if job.run_id is None:
            return "—"
        url = reverse("admin:integration_exportrun_change", args=[job.run_id])
        return format_html('<a href="{}">Run {}</a>', url, job.run_id)

    @admin.display(description="Reason")
    def reason(self, job: ExportJob) -> str:
        """The reason on one line, cut at a word; the whole of it on the job's page."""
        line = " ".join(job.last_error.split())
        if len(line) <= REASON_WIDTH:
            return line
        return line[: REASON_WIDTH - 1].rsplit(" ", 1)[0] + "…"

    @admin.display(description="Reason")
    def full_reason(self, job: ExportJob) -> str:
        return job.last_error or "—"

    @admin.action(description="Retry (looked up in e-conomic first)", permissions=["retry"])
    def retry(self, request, queryset):
        retried = export_jobs_retry(jobs=queryset)
        self.message_user(request, f"{len(retried)} jobs will be sent again.", messages.SUCCESS)

    def has_retry_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)
