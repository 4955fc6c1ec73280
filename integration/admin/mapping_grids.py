"""The mapping grids on the admin: one page per kind, every row of ours with its e-conomic
choice, saved in one submit (`services/mapping_grids.py` decides what is valid)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from integration.models import Connection
from integration.services.mapping_grid_kinds import GRID_OF_MAPPING, Grid, GridRefused, GridRow
from integration.services.mapping_grids import (
    mapping_grid_choices,
    mapping_grid_reference,
    mapping_grid_rows,
    mapping_grid_save,
)

SELECT_LIMIT = 100  # choices a row's own select holds; past it the rows share one datalist


@dataclass
class ShownRow:
    row: GridRow
    fields: list[forms.BoundField]
    errors: list[str]


class MappingGridForm(forms.Form):
    """A select per row and column; any value is taken here and judged by the service, which
    names the problem (a barred product, a purchase VAT code) rather than "not a valid choice"."""

    def __init__(self, *args, grid: Grid, rows: list[GridRow], choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid, self.rows = grid, rows
        # A long list is offered once per column (a datalist the rows' inputs share), not once
        # per row: a select of 1,000 products on each of 300 rows would be a page of 300,000.
        self.datalists = {name: offered for name, offered in choices.items()
                          if len(offered) > SELECT_LIMIT}  # fmt: skip
        for row in rows:
            for column in grid.columns:
                self.fields[self.field_name(row, column)] = forms.CharField(
                    required=False, initial=row.values[column.name], label=column.label,
                    widget=self._widget(column, row.values[column.name], choices[column.name]),
                )  # fmt: skip
                self.fields[self.field_name(row, column)].widget.attrs["aria-label"] = (
                    f"{row.local}: {column.label}"
                )

    def _widget(self, column, current: str, offered: list[tuple[str, str]]) -> forms.Widget:
        if column.name in self.datalists:
            return forms.TextInput(attrs={
                "list": f"choices-{column.name}", "autocomplete": "off", "size": 14,
                "placeholder": _("number, or empty"),
            })  # fmt: skip
        if current and current not in {number for number, _label in offered}:
            offered = [(current, _("%(number)s (not usable: see the note)")
                        % {"number": current}), *offered]  # fmt: skip
        return forms.Select(choices=[("", _("— not mapped —")), *offered])

    @staticmethod
    def field_name(row: GridRow, column) -> str:
        return f"row-{row.local.pk}-{column.name}"

    def wanted(self) -> dict[int, dict[str, str]]:
        """The rows the page sent; a row added since the page was opened is not among them
        and is left as it is (its absent field is no wish to unmap it)."""
        return {
            row.local.pk: {
                column.name: self.cleaned_data.get(self.field_name(row, column), "")
                for column in self.grid.columns
            }
            for row in self.rows
            if self.field_name(row, self.grid.columns[0]) in self.data
        }

    def refuse(self, errors: dict[int, str]) -> None:
        for row in self.rows:
            if row.local.pk in errors:
                self.add_error(self.field_name(row, self.grid.columns[0]), errors[row.local.pk])

    def shown_rows(self) -> list[ShownRow]:
        shown = []
        for row in self.rows:
            fields = [self[self.field_name(row, column)] for column in self.grid.columns]
            errors = [error for field in fields for error in field.errors]
            shown.append(ShownRow(row, fields, errors))
        return shown


def grid_url(model, connection: Connection | None = None, anchor: str = "") -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_grid")
    if connection is not None:
        url += "?" + urlencode({"connection": connection.pk})
    return url + (f"#{anchor}" if anchor else "")


def _connection(request) -> tuple[Connection | None, list[Connection]]:
    connections = list(Connection.objects.order_by("-active", "name"))
    chosen = (request.POST if request.method == "POST" else request.GET).get("connection", "")
    if not chosen:
        return (connections[0] if connections else None), connections
    found = next((each for each in connections if str(each.pk) == chosen), None)
    if found is None:
        raise Http404(_("No connection %(connection)s.") % {"connection": chosen})
    return found, connections


class MappingGridAdminMixin:
    """Adds the grid page of the ModelAdmin's kind of mapping, and a link to it on its list."""

    change_list_template = "admin/integration/mapping_change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_grid"
        view = self.admin_site.admin_view(self.grid_view)
        return [path("grid/", view, name=name)] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {"grid_url": grid_url(self.model), "grid_title": GRID_OF_MAPPING[self.model].title}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def may_save_grid(self, request) -> bool:
        return all(check(request) for check in (
            self.has_add_permission, self.has_change_permission, self.has_delete_permission))

    def grid_view(self, request):
        """Every one of ours of this kind with its e-conomic choice; saved all at once."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST" and not self.may_save_grid(request):
            raise PermissionDenied
        grid = GRID_OF_MAPPING[self.model]
        connection, connections = _connection(request)
        form = None
        if connection is not None:
            form = self._grid_form(request, grid, connection)
            if request.method == "POST" and self._grid_save(request, grid, connection, form):
                return redirect(grid_url(self.model, connection))
        context = {
            **self.admin_site.each_context(request),
            "title": grid.title, "opts": self.opts, "grid": grid, "form": form,
            "connection": connection, "connections": connections,
            "may_save": self.may_save_grid(request), "grid_url": grid_url(self.model),
            "rows": form.shown_rows() if form else [],
        }  # fmt: skip
        return TemplateResponse(request, "admin/integration/mapping_grid.html", context)

    def _grid_form(self, request, grid, connection) -> MappingGridForm:
        reference = mapping_grid_reference(grid=grid, connection=connection)
        return MappingGridForm(
            request.POST if request.method == "POST" else None, grid=grid,
            rows=mapping_grid_rows(grid=grid, connection=connection, reference=reference),
            choices=mapping_grid_choices(grid=grid, reference=reference),
        )  # fmt: skip

    def _grid_save(self, request, grid, connection, form) -> bool:
        if not form.is_valid():
            return False
        try:
            saved = mapping_grid_save(grid=grid, connection=connection, values=form.wanted())
        except GridRefused as refused:
            form.refuse(refused.errors)
            self.message_user(request, ngettext(
                "Nothing was saved: %(count)s row cannot be mapped as chosen; it says why below.",
                "Nothing was saved: %(count)s rows cannot be mapped as chosen; each says why "
                "below.", len(refused.errors)) % {"count": len(refused.errors)},
                messages.ERROR)  # fmt: skip
            return False
        self.message_user(request, _(
            "Saved: %(saved)s mapped, %(removed)s unmapped, %(unchanged)s unchanged."
        ) % {"saved": saved.saved, "removed": saved.removed, "unchanged": saved.unchanged},
            messages.SUCCESS)  # fmt: skip
        return True
