from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiCall(models.Model):
    """One call the client made to e-conomic. Headers are never stored, so tokens never are."""

    connection = models.ForeignKey(
        "integration.Connection", on_delete=models.CASCADE, related_name="api_calls",
        verbose_name=_("connection")
    )
    method = models.CharField(max_length=7, verbose_name=_("method"))
    path = models.CharField(max_length=500, verbose_name=_("path"))
    status = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("status"))
    duration_ms = models.PositiveIntegerField(default=0, verbose_name=_("duration ms"))
    cost = models.FloatField(default=0, verbose_name=_("cost"))
    idempotency_key = models.CharField(
        max_length=100, blank=True, verbose_name=_("idempotency key")
    )
    from_cache = models.BooleanField(default=False, verbose_name=_("from cache"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    purpose = models.CharField(max_length=100, blank=True, help_text=_(
        "What the call was part of."
    ),
    verbose_name=_("purpose"))
    export_run = models.ForeignKey(
        "integration.ExportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="api_calls",
        help_text=_("The export run the call was made for, so calls are counted per run."),
        verbose_name=_("export run"),
    )
    payment_import = models.ForeignKey(
        "integration.PaymentImport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        help_text=_("The payment import the call was made for, so calls are counted per run."),
        verbose_name=_("payment import"),
    )
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status or _('no answer')}"

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


class RateLimitBucket(models.Model):
    """The client-side token bucket of one agreement and its calls of the UTC day, shared by
    every worker through the database when there is no Redis."""

    key = models.CharField(max_length=100, unique=True, verbose_name=_("key"))
    tokens = models.FloatField(verbose_name=_("tokens"))
    updated = models.FloatField(
        help_text=_("Seconds since the epoch of the last take."), verbose_name=_("updated")
    )
    version = models.PositiveBigIntegerField(default=0, verbose_name=_("version"))
    day = models.IntegerField(default=0, help_text=_(
        "The UTC day `calls` counts (days since 1970)."
    ),
    verbose_name=_("day"))
    calls = models.IntegerField(
        default=0, help_text=_("Calls made on that day."), verbose_name=_("calls")
    )
    closed_until = models.FloatField(
        default=0, help_text=_("e-conomic said the day's calls are used up: nothing goes until "
        "then (seconds since the epoch; 0: open)."),
        verbose_name=_("closed until"),
    )  # fmt: skip
    refused = models.BooleanField(
        default=False, help_text=_("Whether the last take was refused."), verbose_name=_("refused")
    )

    class Meta:
        verbose_name = _("rate limit bucket")
        verbose_name_plural = _("rate limit buckets")

    def __str__(self) -> str:
        return self.key


class BudgetWarning(models.Model):
    """The day an agreement's calls passed the warning share and its connection's error address
    was told: the unique key makes it once per agreement per day, whoever notices first."""

    agreement_key = models.CharField(max_length=100, verbose_name=_("agreement key"))
    day = models.DateField(verbose_name=_("day"))
    calls = models.PositiveIntegerField(
        help_text=_("The calls counted when it was sent."), verbose_name=_("calls")
    )
    sent_at = models.DateTimeField(auto_now_add=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("budget warning")
        verbose_name_plural = _("budget warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement_key", "day"], name="budget_warning_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement_key} {self.day}"
