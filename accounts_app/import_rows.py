"""What the spreadsheet imports share (django-import-export): a progress callback every
PROGRESS_EVERY rows, the reference caches emptied before each import, the file's own rules (a
key twice), a NUL refused in words on every database, the model's checks without a query per
row, and the rows' existing instances read in one query."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import resources
from import_export.instance_loaders import BaseInstanceLoader

from accounts_app.import_widgets import LookupWidget, cell_text
from accounts_app.spreadsheets import FormulaEscapedExport

PROGRESS_EVERY = 250


def whole_number(value) -> int | None:
    """A key cell as a number the database can hold (up to nine digits), else None."""
    text = "" if value is None else cell_text(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def file_references(rows) -> set[str]:
    """The invoice references a file names, to look up at once. One with a NUL is left out: the
    database could not even compare it, and its row is refused in words."""
    references = {cell_text(row.get("invoice_reference") or "") for row in rows}
    return {reference for reference in references if "\x00" not in reference}


class LedgerImportResource(FormulaEscapedExport, resources.ModelResource):
    """What both imports share: a progress callback every PROGRESS_EVERY rows, the reference
    caches emptied before each import, and the model's own checks without a query per row
    (the widgets checked the references; the file's rules and the loader, the keys)."""

    unchecked_here = ()
    # Columns of the file that are read from the row rather than as a field of their own.
    row_columns = ()

    def __init__(self, *, progress=None, **kwargs):
        super().__init__(**kwargs)
        self.progress = progress

    def before_import(self, dataset, **kwargs):
        for field in self.fields.values():
            if isinstance(field.widget, LookupWidget):
                field.widget.forget()
        self.first_rows = {}
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, row_number=None, **kwargs):
        for column, value in row.items():
            # PostgreSQL refuses a NUL in text and SQLite keeps it: refuse it on both, in words.
            if isinstance(value, str) and "\x00" in value:
                raise ValueError(_("%(column)s holds a NUL character (\\x00), which the ledger "
                                   "cannot store; remove it from the cell.")
                                 % {"column": column})  # fmt: skip
        self.row_rules(row, row_number)

    def row_rules(self, row, row_number: int) -> None:
        """The file's own rules for a row (a key twice), raised as ValueError in words."""

    def refuse_repeat(self, key, row_number: int, message: str, **values) -> None:
        """A key seen in an earlier row of the file is refused with `message`, given %(first)s
        and the other named `values`."""
        first = self.first_rows.setdefault(key, row_number)
        if first != row_number:
            raise ValueError(message % {**values, "first": first})

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if self.progress is not None and kwargs["row_number"] % PROGRESS_EVERY == 0:
            self.progress(kwargs["row_number"])
        return row_result

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors, *self.unchecked_here], validate_unique=False,
                                validate_constraints=False)  # fmt: skip
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors.update(self.instance_errors(instance, errors))
        if errors:
            raise ValidationError(errors)

    def instance_errors(self, instance, errors: dict) -> dict:
        """The database's check constraints, said in words before the row is saved."""
        return {}


class KeyedInstanceLoader(BaseInstanceLoader):
    """The rows' existing instances in one query, found by a key read from the raw row (a row
    whose key does not parse is new, and its own field reports the problem)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.instances = resource.existing_instances(dataset)

    def get_instance(self, row):
        return self.instances.get(self.resource.instance_key(row))
