"""Spreadsheet imports in the background. The upload (`ledger_import_start`) reads the file once
to refuse an unreadable one at once, keeps it and queues the task; the task
(`ledger_import_run`) imports every row in one transaction, so an import that refuses one row
has written nothing, and keeps each refusal in words for the result page. Progress goes to the
"progress" cache (config/settings.py): the import's own transaction hides its rows from every
other connection until the end.
"""

from __future__ import annotations

import datetime
import logging

import tablib
from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.formats import base_formats

from accounts_app.enqueue import ledger_import_task_enqueue
from accounts_app.errors import LedgerError
from accounts_app.models import LedgerImport
from accounts_app.resources import CustomerResource, InvoiceImportResource

logger = logging.getLogger(__name__)

RESOURCES = {
    LedgerImport.Kind.CUSTOMERS: CustomerResource,
    LedgerImport.Kind.INVOICE_LINES: InvoiceImportResource,
}
FORMATS = {
    LedgerImport.FileFormat.CSV: base_formats.CSV,
    LedgerImport.FileFormat.XLSX: base_formats.XLSX,
}
UNEXPECTED = gettext_lazy(
    "The import stopped on an unexpected error (logged as ledger import %(id)s); nothing was "
    "imported. Try again, or ask the administrator to look the error up in the log."
)
STOPPED = gettext_lazy("Stopped before the end: nothing was imported. Import the file again.")
# Messages that are written for finance staff; any other exception is logged, not shown.
PLAIN_ERRORS = (ValueError, LedgerError, ValidationError)


class LedgerImportFileError(LedgerError):
    """The uploaded file cannot be read as the format chosen."""


def import_dataset(*, content: bytes, file_format: str) -> tablib.Dataset:
    """The file's rows under its header. Raises LedgerImportFileError, saying why and what to
    do about it."""
    data_format = FORMATS[file_format]()
    try:
        data = content if data_format.is_binary() else content.decode("utf-8-sig")
        dataset = data_format.create_dataset(data)
    except UnicodeDecodeError as error:
        raise LedgerImportFileError(
            _("The file is not UTF-8 text; save it as “CSV UTF-8” and upload it again.")
        ) from error
    except Exception as error:  # each format's reader raises its own kinds for a damaged file
        raise LedgerImportFileError(
            _("The file cannot be read as %(format)s (%(error)s); check that the format chosen "
              "is the file's.") % {"format": file_format.upper(), "error": type(error).__name__}
        ) from error  # fmt: skip
    if not len(dataset):
        raise LedgerImportFileError(
            _("The file has no rows under its header row; nothing to import.")
        )
    return dataset


def ledger_import_start(
    *, kind: str, file_name: str, content: bytes, file_format: str, user, language: str = ""
) -> LedgerImport:
    """Keep an uploaded file and queue its import, to report in `language` (the uploader's;
    empty: the installation's). Raises LedgerImportFileError, keeping nothing."""
    dataset = import_dataset(content=content, file_format=file_format)
    ledger_import = LedgerImport.objects.create(
        kind=kind, file_name=file_name[:255], file_format=file_format, content=content,
        total_rows=len(dataset), created_by=user, language=language,
    )  # fmt: skip
    ledger_import_task_enqueue(ledger_import_id=ledger_import.pk)
    return ledger_import


def progress_key(ledger_import_id: int) -> str:
    return f"ledger-import-progress-{ledger_import_id}"


def ledger_import_run(*, ledger_import_id: int) -> LedgerImport | None:
    """Import a kept file, all rows or none; None when another worker has already taken it."""
    claimed = LedgerImport.objects.filter(
        pk=ledger_import_id, state=LedgerImport.State.PENDING
    ).update(state=LedgerImport.State.RUNNING, started_at=timezone.now())
    if not claimed:
        return None
    ledger_import = LedgerImport.objects.get(pk=ledger_import_id)
    # The row errors are kept as words, in the language of whoever uploaded the file.
    with translation.override(ledger_import.language or settings.LANGUAGE_CODE):
        totals, row_errors = _import_outcome(ledger_import)
    ledger_import.state = LedgerImport.State.REFUSED if row_errors else LedgerImport.State.DONE
    ledger_import.totals, ledger_import.row_errors = totals, row_errors
    ledger_import.finished_at = timezone.now()
    ledger_import.save(update_fields=["state", "totals", "row_errors", "finished_at"])
    caches["progress"].delete(progress_key(ledger_import.pk))
    return ledger_import


def _import_outcome(ledger_import: LedgerImport) -> tuple[dict, list[dict]]:
    try:
        return _import_rows(ledger_import)
    except Exception:  # the task must record an outcome; the traceback goes to the log only
        logger.exception("ledger import %s stopped", ledger_import.pk)
        return {}, [{"row": 0, "message": UNEXPECTED % {"id": ledger_import.pk}}]


def _import_rows(ledger_import: LedgerImport) -> tuple[dict, list[dict]]:
    dataset = import_dataset(
        content=bytes(ledger_import.content), file_format=ledger_import.file_format
    )
    key = progress_key(ledger_import.pk)
    resource = RESOURCES[ledger_import.kind](
        progress=lambda rows: caches["progress"].set(key, rows, timeout=3600)
    )
    # The import is its own record of who brought in which rows, and when (this LedgerImport:
    # its user, file and totals): an audit entry per row would only repeat it, ten thousand
    # times, at a third of the import's time.
    with disable_auditlog():
        result = resource.import_data(
            dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True,
            raise_errors=False, user=ledger_import.created_by,
        )  # fmt: skip
    totals = {kind: result.totals[kind] for kind in ("new", "update", "skip")}
    return totals, import_messages(result, resource=resource, ledger_import_id=ledger_import.pk)


def import_messages(result, *, resource, ledger_import_id: int = 0) -> list[dict]:
    """Every refusal of an import result as {"row": n, "message": words}, row 0 for the file's."""
    messages = [
        {"row": 0, "message": _error_words(error, ledger_import_id)} for error in result.base_errors
    ]
    for row in result.rows:
        for error in row.errors:
            messages.append({"row": error.number, "message": _error_words(error, ledger_import_id)})
    columns = {name: field.column_name for name, field in resource.fields.items()}
    # A message that begins with a column of the file names its column itself.
    file_columns = (*columns.values(), *resource.row_columns)
    for invalid in result.invalid_rows:
        for attribute, texts in invalid.error_dict.items():
            column = columns.get(attribute, attribute)
            for text in texts:
                named = text.startswith(file_columns) or attribute == NON_FIELD_ERRORS
                messages.append(
                    {"row": invalid.number, "message": text if named else f"{column}: {text}"}
                )
    return sorted(messages, key=lambda message: message["row"])


def _error_words(error, ledger_import_id: int) -> str:
    """The reason, when it was written for a person; else a pointer to the logged traceback."""
    if isinstance(error.error, PLAIN_ERRORS):
        return error.error.message if isinstance(error.error, LedgerError) else _text(error.error)
    logger.error("ledger import %s: %s", ledger_import_id, error.traceback)
    return UNEXPECTED % {"id": ledger_import_id}


def _text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def ledger_import_stopped(ledger_import: LedgerImport) -> bool:
    """A running import whose task has outlived django-q2's timeout: its worker was stopped, and
    the import's transaction, never committed, left nothing behind."""
    if ledger_import.state != LedgerImport.State.RUNNING:
        return False
    limit = datetime.timedelta(seconds=settings.Q_CLUSTER["timeout"])
    return ledger_import.started_at < timezone.now() - limit


def ledger_import_status(*, ledger_import: LedgerImport) -> dict:
    """What the progress page shows: the state and how many rows are through."""
    if ledger_import_stopped(ledger_import):
        return {"state": "stopped", "state_label": str(STOPPED), "finished": True, "done": 0,
                "total": ledger_import.total_rows}  # fmt: skip
    if ledger_import.finished:
        done = ledger_import.total_rows
    elif ledger_import.state == LedgerImport.State.RUNNING:
        done = caches["progress"].get(progress_key(ledger_import.pk), 0)
    else:
        done = 0
    return {
        "state": ledger_import.state,
        "state_label": str(ledger_import.get_state_display()),
        "finished": ledger_import.finished,
        "done": done,
        "total": ledger_import.total_rows,
    }
