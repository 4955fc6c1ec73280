"""Messages of the libraries whose screens are part of the product but that ship no Danish:
django-import-export's import and export pages, django-auditlog's and django-q2's names in the
admin index. Listed here so that makemessages keeps them in the project catalogue, which Django
reads before every app's (LOCALE_PATHS); the libraries translate them with their own gettext."""

from django.utils.translation import gettext_noop, ngettext_lazy

LIBRARY_MESSAGES = [
    # django-import-export
    gettext_noop("Import"),
    gettext_noop("Export"),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("File to import"),
    gettext_noop("Format"),
    gettext_noop("Resource"),
    gettext_noop("Submit"),
    gettext_noop("Select all"),
    gettext_noop("Export selected %(verbose_name_plural)s"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("Errors"),
    gettext_noop("Line number"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it using the "
        "form above."
    ),
    # django-auditlog and django-q2
    gettext_noop("Audit log"),
    gettext_noop("Successful task"),
    gettext_noop("Successful tasks"),
    gettext_noop("Failed task"),
    gettext_noop("Failed tasks"),
    gettext_noop("Scheduled task"),
    gettext_noop("Scheduled tasks"),
    gettext_noop("Queued task"),
    gettext_noop("Queued tasks"),
]
EXPORT_SELECTED = ngettext_lazy(
    "Export %(len)s selected item.", "Export %(len)s selected items.", "len"
)
