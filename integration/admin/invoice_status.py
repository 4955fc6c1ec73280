"""An invoice's life in e-conomic on the invoice list: a status column (not exported, queued,
draft N, booked N, voucher N, failed), linked to the job that sent it, and a filter by it.
Everything is read with subqueries on the page's one query, never a query per row."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts_app.models import Invoice
from integration.models import ExportJob, InvoiceExport, JobKind, JobState
from integration.models.exports import TERMINAL_STATES

NEEDS_PERSON = (JobState.FAILED, JobState.DEAD)


def economic_status_annotations() -> dict:
    exports = InvoiceExport.objects.filter(invoice=OuterRef("pk"))
    jobs = ExportJob.objects.filter(kind=JobKind.INVOICE, object_id=OuterRef("pk"))
    return {
        "economic_draft_shown": Subquery(exports.values("draft_number")[:1]),
        "economic_booked_shown": Subquery(exports.values("booked_number")[:1]),
        "economic_voucher_shown": Subquery(exports.values("voucher_number")[:1]),
        "economic_deleted_shown": Subquery(exports.values("draft_deleted_at")[:1]),
        "economic_job_shown": Subquery(jobs.order_by("-pk").values("pk")[:1]),
        "economic_job_state_shown": Subquery(jobs.order_by("-pk").values("state")[:1]),
    }


def _status_text(invoice: Invoice) -> str:
    if invoice.is_draft:
        return ""
    if invoice.economic_voucher_shown:
        return _("voucher %(number)s") % {"number": invoice.economic_voucher_shown}
    if invoice.economic_booked_shown:
        return _("booked %(number)s") % {"number": invoice.economic_booked_shown}
    if invoice.economic_draft_shown:
        if invoice.economic_deleted_shown:
            return _("draft %(number)s (deleted: credited)") % {
                "number": invoice.economic_draft_shown
            }
        return _("draft %(number)s") % {"number": invoice.economic_draft_shown}
    state = invoice.economic_job_state_shown
    if state in NEEDS_PERSON:
        return _("failed")
    if state is not None and state not in TERMINAL_STATES:
        return _("queued")
    return _("not exported")


@admin.display(description=gettext_lazy("e-conomic"))
def economic_status(invoice: Invoice) -> str:
    text = _status_text(invoice)
    job = invoice.economic_job_shown
    if not text or job is None:
        return text or "—"
    url = reverse("admin:integration_exportjob_change", args=[job])
    return format_html('<a href="{}">{}</a>', url, text)


class EconomicStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("e-conomic")
    parameter_name = "economic"

    def lookups(self, request, model_admin):
        return [("not_exported", _("Not exported")), ("queued", _("Queued")),
                ("draft", _("Draft")), ("booked", _("Booked")), ("voucher", _("Voucher")),
                ("failed", _("Failed"))]  # fmt: skip

    def queryset(self, request, queryset):
        exports = InvoiceExport.objects.filter(invoice=OuterRef("pk"))
        jobs = ExportJob.objects.filter(kind=JobKind.INVOICE, object_id=OuterRef("pk"))
        exported = Exists(exports)
        issued = ~Q(state=Invoice.State.DRAFT)
        wanted = {
            "not_exported": issued & ~exported & ~Exists(jobs.exclude(state=JobState.DONE)),
            "queued": ~exported & Exists(jobs.exclude(state__in=TERMINAL_STATES)),
            "failed": ~exported & Exists(jobs.filter(state__in=NEEDS_PERSON)),
            "draft": Exists(exports.filter(draft_number__isnull=False, booked_number=None,
                                           voucher_number=None)),  # fmt: skip
            "booked": Exists(exports.filter(booked_number__isnull=False)),
            "voucher": Exists(exports.filter(voucher_number__isnull=False)),
        }.get(self.value())
        return queryset if wanted is None else queryset.filter(wanted)
