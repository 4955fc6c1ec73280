"""Alerts: what a person must act on, gathered into one digest an hour per connection.

An `Alert` is one problem (a failed run, a job of the automatic export that failed, a payment
import that stopped, a revoked grant, ...), kept under a key that names it, so that the same
problem raised again is still one item until it is resolved. `WorkerHeartbeat` is the last time
a django-q2 worker ran a task, which the health endpoint and the "worker not seen" alert read.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    RUN = "run", _("Export run")
    AUTOMATIC_EXPORT = "automatic_export", _("Automatic export")
    PUSH = "push", _("Customer or project push")
    PAYMENT_IMPORT = "payment_import", _("Payment import")
    RECONCILIATION = "reconciliation", _("Reconciliation finding")
    BUDGET = "budget", _("Daily API budget")
    REVOKED_GRANT = "revoked_grant", _("Agreement grant revoked")
    WORKER_NOT_SEEN = "worker_not_seen", _("No worker seen")


class Alert(models.Model):
    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="alerts",
        verbose_name=_("connection")
    )
    kind = models.CharField(max_length=20, choices=AlertKind.choices, verbose_name=_("kind"))
    key = models.CharField(
        max_length=200, help_text=_("Names the problem, so that raising it again adds no item."),
        verbose_name=_("key")
    )
    text = models.TextField(help_text=_("What went wrong."), verbose_name=_("text"))
    fix = models.TextField(help_text=_("What a person does about it."), verbose_name=_("fix"))
    url = models.CharField(
        max_length=500, blank=True, help_text=_("Where to do it."), verbose_name=_("url")
    )
    created = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    sent = models.DateTimeField(
        null=True, blank=True, help_text=_("When a digest carried it."), verbose_name=_("sent")
    )
    resolved = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved"))

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AlertKind.values), name="alert_kind_known"
            ),
            # One open item per problem: alert_raise relies on it when two workers raise the
            # same problem at once.
            models.UniqueConstraint(
                fields=["connection", "kind", "key"], condition=Q(resolved=None),
                name="alert_one_open_per_problem",
            ),  # fmt: skip
        ]
        indexes = [
            # The digest's query: Alert.objects.filter(connection=..., sent=None, resolved=None).
            models.Index(
                fields=["connection"], condition=Q(sent=None, resolved=None),
                name="alert_unsent",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:80]}"


class WorkerHeartbeat(models.Model):
    """One row per django-q2 cluster name: when a worker of it last ran the heartbeat task."""

    cluster = models.CharField(max_length=100, unique=True, verbose_name=_("cluster"))
    seen = models.DateTimeField(verbose_name=_("seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.cluster}: {self.seen:%Y-%m-%d %H:%M:%S}"
