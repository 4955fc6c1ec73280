"""Exports: the outbox that makes every remote write happen exactly once.

An `ExportRun` is what a person (or the automatic export) asked for: a selection of invoices,
a method, the overrides of the export dialog, and progress. An `ExportJob` is one remote write
to make (a customer card, a project, an invoice): written in the same transaction as the change
that causes it, claimed by a conditional UPDATE, sent outside any transaction, recorded in a
short one. Its `reference` goes inside the document (`references.other` for invoices) so an
ambiguous failure is resolved by looking the document up, never by sending it blindly again.

`InvoiceExport` and `ProjectLink` map our rows to e-conomic's numbers (the ledger app knows
nothing of them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from integration.models.connection import ExportMethod


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    DONE_WITH_ERRORS = "done_with_errors", _("Done, with invoices that need attention")


class ExportRun(models.Model):
    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.PROTECT, related_name="export_runs",
        verbose_name=_("connection")
    )
    method = models.CharField(max_length=10, choices=ExportMethod.choices, verbose_name=_("method"))
    selection = models.CharField(
        max_length=255, help_text=_("What was chosen, in words."), verbose_name=_("selection")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        verbose_name=_("created by")
    )
    state = models.CharField(
        max_length=20, choices=RunState.choices, default=RunState.QUEUED, verbose_name=_("state")
    )
    dry_run = models.BooleanField(default=False, verbose_name=_("dry run"))
    overrides = models.JSONField(
        default=dict, blank=True, help_text=_("Layout, payment terms, VAT zone, customer chosen."),
        verbose_name=_("overrides")
    )
    total = models.PositiveIntegerField(default=0, verbose_name=_("total"))
    done = models.PositiveIntegerField(default=0, verbose_name=_("done"))
    failed = models.PositiveIntegerField(default=0, verbose_name=_("failed"))
    report = models.JSONField(
        default=list, blank=True, help_text=_("The dry run's findings."), verbose_name=_("report")
    )
    left_out = models.JSONField(
        default=list, blank=True, verbose_name=_("left out"),
        help_text=_("The selected invoices the run does not export, each with why, as of its "
                    "start."),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("export run")
        verbose_name_plural = _("export runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")) & Q(failed__lte=models.F("total")),
                name="export_run_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return _("Export %(id)s to %(connection)s (%(method)s)") % {
            "id": self.pk, "connection": self.connection, "method": self.get_method_display()
        }


class JobKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    PROJECT = "project", _("Project")
    INVOICE = "invoice", _("Invoice")


class JobState(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_FLIGHT = "in_flight", _("Being sent")
    DONE = "done", _("Done")
    NEEDS_RECONCILE = "needs_reconcile", _("Answer lost: to be looked up")
    FAILED = "failed", _("Failed: a person must act")
    DEAD = "dead", _("Gave up after repeated errors")


TERMINAL_STATES = (JobState.DONE, JobState.FAILED, JobState.DEAD)


class ErrorKind(models.TextChoices):
    """The kinds of integration.economic.errors, which keeps them as strings (it imports no
    model): the values must be the same."""

    TRANSIENT = "transient", _("Transient: tried again later")
    PERMANENT = "permanent", _("Permanent: e-conomic refused the document")
    CONFIGURATION = "configuration", _("Configuration: the connection's set-up must be fixed")
    BUDGET = "budget", _("Waiting for e-conomic's rate limit or the day's calls")


def vat_difference_field() -> models.DecimalField:
    """e-conomic's VAT less ours, as its answer showed (kept on the job and on the export)."""
    return models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True,
        help_text=_("e-conomic's VAT less ours, as its answer showed: a rounding difference, never "
        "more (a larger one stops the export)."),
    )  # fmt: skip


def exchange_rate_applied_field() -> models.DecimalField:
    # e-conomic's rate is per 100 units with 6 decimals: per one unit it needs 8 to stay exact.
    return models.DecimalField(
        max_digits=18, decimal_places=8, null=True, blank=True,
        help_text=_("The rate e-conomic applied: base currency for one unit of the invoice's."),
    )  # fmt: skip


class ExportJob(models.Model):
    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="export_jobs",
        verbose_name=_("connection")
    )
    run = models.ForeignKey(
        ExportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs",
        verbose_name=_("run")
    )
    kind = models.CharField(max_length=10, choices=JobKind.choices, verbose_name=_("kind"))
    object_id = models.PositiveBigIntegerField(
        help_text=_("Our customer, project or invoice id."), verbose_name=_("object id")
    )
    revision = models.PositiveIntegerField(default=1, verbose_name=_("revision"))
    method = models.CharField(
        max_length=10, choices=ExportMethod.choices, blank=True, verbose_name=_("method")
    )
    key = models.CharField(
        max_length=100, unique=True, help_text=_("The Idempotency-Key."), verbose_name=_("key")
    )
    reference = models.CharField(
        max_length=100, help_text=_("Ours, inside the document: how a lost answer is looked up."),
        verbose_name=_("reference")
    )
    state = models.CharField(
        max_length=20, choices=JobState.choices, default=JobState.PENDING, verbose_name=_("state")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    not_before = models.DateTimeField(verbose_name=_("not before"))
    lease_until = models.DateTimeField(null=True, blank=True, verbose_name=_("lease until"))
    draft_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("draft number")
    )
    booked_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("booked number")
    )
    voucher_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("voucher number")
    )
    voucher_year = models.CharField(max_length=9, blank=True, verbose_name=_("voucher year"))
    remote_number = models.PositiveBigIntegerField(
        null=True, blank=True, help_text=_("The customer's or project's number in e-conomic."),
        verbose_name=_("remote number")
    )
    pdf_attached = models.BooleanField(default=False, verbose_name=_("pdf attached"))
    voucher_booked = models.BooleanField(
        default=False, help_text=_("Its voucher was booked through the Journals API."),
        verbose_name=_("voucher booked")
    )
    note = models.TextField(
        blank=True, help_text=_("How it ended, when not as its kind says (what was done instead)."),
        verbose_name=_("note")
    )
    exchange_rate = exchange_rate_applied_field()
    vat_difference = vat_difference_field()
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    error_kind = models.CharField(
        max_length=20, choices=ErrorKind.choices, blank=True, verbose_name=_("error kind")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "object_id", "revision"],
                name="export_job_one_per_revision",
            ),
            models.CheckConstraint(
                condition=~Q(state="in_flight") | Q(lease_until__isnull=False),
                name="export_job_in_flight_has_lease",
            ),
            # Empty while the job has had no error, or since it last succeeded.
            models.CheckConstraint(
                condition=Q(error_kind__in=["", *ErrorKind.values]),
                name="export_job_error_kind_known",
            ),
        ]
        indexes = [
            # The claim query and the sweeper's re-enqueue:
            # ExportJob.objects.filter(state="pending", not_before__lte=now).
            models.Index(
                fields=["not_before"],
                condition=Q(state="pending"),
                name="export_job_claimable",
            ),
            # The sweeper's lost-lease query:
            # ExportJob.objects.filter(state="in_flight", lease_until__lt=now).
            models.Index(
                fields=["lease_until"],
                condition=Q(state="in_flight"),
                name="export_job_leased",
            ),
            # Progress and the run page: a run's jobs counted by state.
            models.Index(fields=["run", "state"], name="export_job_run_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id} → {self.get_state_display()}"


class InvoiceExport(models.Model):
    """Where one of our invoices went in e-conomic, and e-conomic's number for it."""

    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, verbose_name=_("connection")
    )
    invoice = models.ForeignKey(
        "accounts_app.Invoice", on_delete=models.CASCADE, related_name="economic_exports",
        verbose_name=_("invoice")
    )
    job = models.ForeignKey(
        ExportJob, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("job")
    )
    method = models.CharField(max_length=10, choices=ExportMethod.choices, verbose_name=_("method"))
    draft_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("draft number")
    )
    booked_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("booked number")
    )
    voucher_number = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("voucher number")
    )
    economic_number = models.CharField(
        max_length=30,
        blank=True,
        help_text=_("e-conomic's number, shown beside ours (never replaces our gap-free number)."),
        verbose_name=_("economic number"),
    )
    draft_deleted_at = models.DateTimeField(
        null=True, blank=True,
        help_text=_("When its draft was deleted in e-conomic: the invoice was credited before "
        "anyone booked the draft, so no credit note was sent."),
        verbose_name=_("draft deleted at"),
    )  # fmt: skip
    exchange_rate = exchange_rate_applied_field()
    vat_difference = vat_difference_field()
    exported_at = models.DateTimeField(auto_now=True, verbose_name=_("exported at"))

    class Meta:
        verbose_name = _("invoice export")
        verbose_name_plural = _("invoice exports")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "invoice"], name="invoice_export_once_per_connection"
            ),
            # Only a draft nobody booked is ever deleted (a booked invoice cannot be).
            models.CheckConstraint(
                condition=Q(draft_deleted_at__isnull=True)
                | Q(draft_number__isnull=False, booked_number__isnull=True),
                name="invoice_export_deleted_only_an_unbooked_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} → {self.economic_number or '?'}"


class ProjectLink(models.Model):
    """Our project and its number in e-conomic's projects API."""

    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, verbose_name=_("connection")
    )
    project = models.ForeignKey(
        "accounts_app.Project", on_delete=models.CASCADE, related_name="economic_links",
        verbose_name=_("project")
    )
    remote_number = models.PositiveBigIntegerField(verbose_name=_("remote number"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("project link")
        verbose_name_plural = _("project links")
        constraints = [
            models.UniqueConstraint(fields=["connection", "project"], name="project_link_unique"),
            models.UniqueConstraint(
                fields=["connection", "remote_number"], name="project_link_one_remote"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.remote_number}"
