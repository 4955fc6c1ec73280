"""The daily reconciliation: our exported documents held against e-conomic's.

A `ReconcileRun` is one look at one connection, with the calls it made and the budget it had
(`ceil(documents / 1000) + 10`). A `ReconcileFinding` is one difference that a person must
settle: what we have and what e-conomic has, each as the figures compared. One open finding per
connection, kind and document (a constraint, so a second run updates it rather than adding a
twin); it stays open until a fix settles it or a later run finds e-conomic in agreement again.
A finding marked handled keeps e-conomic's side as it was then: the same difference is not
raised again, a new one is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReconcileTrigger(models.TextChoices):
    DAILY = "daily", _("Daily schedule")
    MANUAL = "manual", _("On demand")


class ReconcileRunState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped: another reconciliation of this connection was running")


class ReconcileRun(models.Model):
    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="reconcile_runs",
        verbose_name=_("connection")
    )
    trigger = models.CharField(
        max_length=10, choices=ReconcileTrigger.choices, verbose_name=_("trigger")
    )
    state = models.CharField(
        max_length=10, choices=ReconcileRunState.choices, default=ReconcileRunState.RUNNING,
        verbose_name=_("state")
    )
    started_at = models.DateTimeField(auto_now_add=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    documents = models.PositiveIntegerField(
        default=0, help_text=_("Our exported documents."), verbose_name=_("documents")
    )
    api_calls = models.PositiveIntegerField(default=0, verbose_name=_("api calls"))
    budget = models.PositiveIntegerField(
        default=0, help_text=_("The calls it may make."), verbose_name=_("budget")
    )
    found = models.PositiveIntegerField(
        default=0, help_text=_("Differences found this time."), verbose_name=_("found")
    )
    agreed = models.PositiveIntegerField(
        default=0, help_text=_("Open findings that e-conomic agrees with again (closed as fixed)."),
        verbose_name=_("agreed")
    )
    cards_read_to = models.DateTimeField(
        null=True, blank=True,
        help_text=_("The customer cards changed up to this time were compared; the next run reads "
        "those changed since (a run whose budget ran out among the cards carries on from here)."),
        verbose_name=_("cards read to"),
    )  # fmt: skip
    error = models.TextField(blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("reconcile run")
        verbose_name_plural = _("reconcile runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReconcileRunState.values),
                name="reconcile_run_state_known",
            ),
            models.CheckConstraint(
                condition=Q(trigger__in=ReconcileTrigger.values),
                name="reconcile_run_trigger_known",
            ),
            # The per-connection lock: a second run inserting a running row fails here.
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(state="running"),
                name="reconcile_run_one_running_per_connection",
            ),
        ]

    def __str__(self) -> str:
        return _("Reconciliation %(id)s (%(state)s)") % {
            "id": self.pk, "state": self.get_state_display()
        }


class FindingKind(models.TextChoices):
    MISSING = "missing", _("Missing in e-conomic")
    NOT_OURS = "not_ours", _("In e-conomic with our reference, not recorded here")
    TOTALS = "totals", _("Totals differ")
    CUSTOMER = "customer", _("Another customer in e-conomic")
    ACCOUNTS = "accounts", _("Other accounts or VAT codes in e-conomic")
    DRAFT_DELETED = "draft_deleted", _("Draft deleted in e-conomic")
    DRAFT_BOOKED = "draft_booked", _("Draft booked in e-conomic by a person")
    REMAINDER = "remainder", _("e-conomic's remainder differs from our open amount")
    CARD_CHANGED = "card_changed", _("Customer card changed in e-conomic")


class FindingState(models.TextChoices):
    OPEN = "open", _("Open")
    FIXED = "fixed", _("Fixed")
    HANDLED = "handled", _("Handled by a person")


class ReconcileFinding(models.Model):
    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="reconcile_findings",
        verbose_name=_("connection")
    )
    run = models.ForeignKey(
        ReconcileRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
        help_text=_("The last run that found it."),
        verbose_name=_("run"),
    )
    kind = models.CharField(max_length=20, choices=FindingKind.choices, verbose_name=_("kind"))
    state = models.CharField(
        max_length=10, choices=FindingState.choices, default="open", verbose_name=_("state")
    )
    document = models.CharField(
        max_length=60, help_text=_("What differs: our invoice, or e-conomic's document or card."),
        verbose_name=_("document")
    )
    invoice = models.ForeignKey(
        "accounts_app.Invoice", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("invoice")
    )
    customer = models.ForeignKey(
        "accounts_app.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("customer"),
    )
    remote_number = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("e-conomic's number of the document or card."),
        verbose_name=_("remote number")
    )
    ours = models.JSONField(
        default=dict, blank=True, help_text=_("What we have."), verbose_name=_("ours")
    )
    theirs = models.JSONField(
        default=dict, blank=True, help_text=_("What e-conomic has."), verbose_name=_("theirs")
    )
    detail = models.TextField(
        help_text=_("The difference in words, with what fixes it."), verbose_name=_("detail")
    )
    first_seen = models.DateTimeField(auto_now_add=True, verbose_name=_("first seen"))
    last_seen = models.DateTimeField(verbose_name=_("last seen"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.TextField(
        blank=True, help_text=_("What was done, or queued, about it."), verbose_name=_("resolution")
    )

    class Meta:
        verbose_name = _("reconcile finding")
        verbose_name_plural = _("reconcile findings")
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FindingKind.values), name="reconcile_finding_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(state__in=FindingState.values), name="reconcile_finding_state_known"
            ),
            models.CheckConstraint(
                condition=Q(state="open", resolved_at__isnull=True)
                | (~Q(state="open") & Q(resolved_at__isnull=False)),
                name="reconcile_finding_resolved_when_closed",
            ),
            # A second run updates the open finding instead of adding a twin.
            models.UniqueConstraint(
                fields=["connection", "kind", "document"],
                condition=Q(state="open"),
                name="reconcile_finding_one_open_per_document",
            ),
        ]
        indexes = [
            # findings_open(): the open findings of each connection.
            models.Index(
                fields=["connection", "kind"],
                condition=Q(state="open"),
                name="reconcile_finding_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document}"
