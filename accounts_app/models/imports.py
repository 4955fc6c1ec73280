"""Spreadsheet imports that run as a background task: the uploaded file, its state and its
outcome. The rows are written in one transaction: an import that ends with a row error has
written nothing, and its row errors are kept here for the result page."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class LedgerImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    INVOICE_LINES = "invoice_lines", _("Invoices (one row per line)")


class LedgerImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class LedgerImportState(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Importing")
    DONE = "done", pgettext_lazy("import state", "Imported")
    REFUSED = "refused", _("Refused: nothing was imported")


class LedgerImport(models.Model):
    Kind = LedgerImportKind
    FileFormat = LedgerImportFormat
    State = LedgerImportState

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("file format"), max_length=10, choices=FileFormat.choices)
    # The file itself, so that a worker on another machine can read it.
    content = models.BinaryField()
    total_rows = models.PositiveIntegerField(_("total rows"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices,
                             default=State.PENDING)  # fmt: skip
    # The language of the person who uploaded it: its row errors are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True, editable=False)
    # {"new": n, "update": n, "skip": n} once done.
    totals = models.JSONField(default=dict, blank=True)
    # [{"row": n, "message": "..."}], the row counted from the first row under the header;
    # row 0 for a problem of the whole file.
    row_errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        # No screen of its own: an import is seen through the list it imports into, with that
        # list's permissions.
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LedgerImportKind.values),
                name="ledger_import_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(file_format__in=LedgerImportFormat.values),
                name="ledger_import_file_format_valid",
            ),
            models.CheckConstraint(
                condition=Q(state__in=LedgerImportState.values),
                name="ledger_import_state_valid",
            ),
            # A finished import has its finishing time, and only a finished one.
            models.CheckConstraint(
                condition=Q(state__in=["done", "refused"], finished_at__isnull=False)
                | Q(state__in=["pending", "running"], finished_at__isnull=True),
                name="ledger_import_finished_when_done_or_refused",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s from %(file)s") % {
            "kind": self.get_kind_display(), "file": self.file_name
        }

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.REFUSED)
