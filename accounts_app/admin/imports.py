"""Spreadsheet imports for the customer and invoice lists: the upload form queues the import as
a background task and opens its progress page, which follows a JSON status until the result
(what was imported, or every refused row with nothing imported). A 10,000-row file would not
fit in one web request, so the stock preview-and-confirm steps are not used."""
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from accounts_app.models import LedgerImport
from accounts_app.services.imports import (
    LedgerImportFileError,
    ledger_import_start,
    ledger_import_status,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SHOWN_ROW_ERRORS = 1000


class BackgroundImportMixin:
    """For an ImportExportModelAdmin; `ledger_import_kind` names what its file holds."""

    ledger_import_kind: str
    import_formats = [CSV, XLSX]
    import_template_name = "admin/accounts_app/import.html"

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/<int:import_id>/", self.admin_site.admin_view(self.import_progress_view),
                 name=f"{info}_import_progress"),
            path("import/<int:import_id>/status/",
                 self.admin_site.admin_view(self.import_status_view),
                 name=f"{info}_import_status"),
            *super().get_urls(),
        ]  # fmt: skip

    def import_action(self, request, **kwargs):
        if request.method != "POST":
            return super().import_action(request, **kwargs)
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if form.is_valid():
            ledger_import = self._start(request, form)
            if ledger_import is not None:
                return HttpResponseRedirect(self._url("import_progress", ledger_import.pk))
        return self._form_page(request, form)

    def process_import(self, request, **kwargs):
        # The stock confirmation step would import in the request; the upload queues instead.
        return HttpResponseRedirect(reverse(f"admin:{self._info()}_import"))

    def _start(self, request, form) -> LedgerImport | None:
        upload = form.cleaned_data["import_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("import_file", _(
                "The file is over %(size)s MB; split it into several files."
            ) % {"size": MAX_UPLOAD_BYTES // 2**20})
            return None
        data_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        try:
            return ledger_import_start(
                kind=self.ledger_import_kind, file_name=upload.name, content=upload.read(),
                file_format=LedgerImport.FileFormat(data_format.get_title()), user=request.user,
                language=get_language() or "",
            )  # fmt: skip
        except LedgerImportFileError as error:
            form.add_error("import_file", error.message)
            return None

    def _form_page(self, request, form):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.opts,
            "media": self.media + form.media,
            "fields_list": [],
        }
        return TemplateResponse(request, [self.import_template_name], context)

    def _ledger_import(self, request, import_id: int) -> LedgerImport:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(LedgerImport, pk=import_id, kind=self.ledger_import_kind)

    def import_progress_view(self, request, import_id: int):
        ledger_import = self._ledger_import(request, import_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import of %(file)s") % {"file": ledger_import.file_name},
            "opts": self.opts,
            "ledger_import": ledger_import,
            "status": ledger_import_status(ledger_import=ledger_import),
            "status_url": self._url("import_status", ledger_import.pk),
            "row_errors": ledger_import.row_errors[:SHOWN_ROW_ERRORS],
            "more_errors": max(len(ledger_import.row_errors) - SHOWN_ROW_ERRORS, 0),
        }
        return TemplateResponse(request, "admin/accounts_app/import_progress.html", context)

    def import_status_view(self, request, import_id: int):
        ledger_import = self._ledger_import(request, import_id)
        return JsonResponse(ledger_import_status(ledger_import=ledger_import))

    def _info(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}"

    def _url(self, name: str, import_id: int) -> str:
        return reverse(f"admin:{self._info()}_{name}", args=[import_id])
