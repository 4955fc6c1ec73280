"""One grid per kind of mapping: every service type, VAT code, payment condition and sales
account of ours beside the e-conomic record it maps to, unmapped first.

Only what e-conomic would take is offered and accepted, read from the reference data as last
fetched (no call to e-conomic): no barred or vanished record, only sales VAT codes of our rate,
only product groups that book to the sales account. A grid saves every row at once or none, so
a page of choices never lands half-way; each refused row says why and what to choose instead.
"""

from __future__ import annotations

from django.db import transaction

from integration.models import Connection, RemoteKind
from integration.services.mapping_grid_kinds import (
    Grid,
    GridRefused,
    GridRow,
    GridSaved,
    Reference,
    SalesAccountGrid,
)


def _kinds(grid: Grid) -> set[str]:
    kinds = {column.kind for column in grid.columns}
    return kinds | {RemoteKind.ACCOUNT} if isinstance(grid, SalesAccountGrid) else kinds


def mapping_grid_reference(*, grid: Grid, connection: Connection) -> Reference:
    return Reference.load(connection=connection, kinds=_kinds(grid))


def mapping_grid_choices(*, grid: Grid, reference: Reference) -> dict[str, list[tuple[str, str]]]:
    """Per column, the (number, label) of every record e-conomic would take there."""
    return {
        column.name: [
            (record.number, grid.choice_label(column, record))
            for record in reference.usable(column.kind)
            if grid.offered(column, record)
        ]
        for column in grid.columns
    }


def mapping_grid_rows(
    *, grid: Grid, connection: Connection, reference: Reference
) -> list[GridRow]:
    """Every one of ours with its mapping: unmapped first, then those that would not export,
    then the rest, each in our own order."""
    mappings = {
        getattr(mapping, f"{grid.local_field}_id"): mapping
        for mapping in grid.mapping_model.objects.filter(connection=connection).select_related(
            *[column.name for column in grid.columns if column.name != "product_group_number"]
        )
    }
    rows = []
    for local in grid.locals():
        mapping = mappings.get(local.pk)
        values = grid.values_of(mapping) if mapping else dict.fromkeys(
            (column.name for column in grid.columns), ""
        )  # fmt: skip
        rows.append(GridRow(local, values, grid.row_problem(local, values, reference)))
    order = {id(row): position for position, row in enumerate(rows)}
    return sorted(rows, key=lambda row: (row.mapped, not row.problem, order[id(row)]))


def mapping_grid_save(
    *, grid: Grid, connection: Connection, values: dict[int, dict[str, str]]
) -> GridSaved:
    """Save the rows a person set, all or none: every changed row is checked against the
    reference data first, and one refusal saves nothing (`GridRefused` names each row's).
    A row emptied is unmapped; a row left as it was is kept as it is."""
    reference = mapping_grid_reference(grid=grid, connection=connection)
    current = {row.local.pk: row for row in mapping_grid_rows(
        grid=grid, connection=connection, reference=reference)}  # fmt: skip
    changed = {
        pk: wanted for pk, wanted in values.items()
        if pk in current and _normal(wanted, grid) != current[pk].values
    }  # fmt: skip
    errors = {
        pk: problem for pk, wanted in changed.items()
        if (problem := grid.row_problem(current[pk].local, _normal(wanted, grid), reference))
    }  # fmt: skip
    if errors:
        raise GridRefused(errors)
    removed = 0
    with transaction.atomic():
        for pk, wanted in changed.items():
            removed += _save_row(grid, connection, current[pk].local, _normal(wanted, grid),
                                 reference)  # fmt: skip
    return GridSaved(saved=len(changed) - removed, removed=removed,
                     unchanged=len(current) - len(changed))  # fmt: skip


def _normal(wanted: dict[str, str], grid: Grid) -> dict[str, str]:
    return {column.name: (wanted.get(column.name) or "").strip() for column in grid.columns}


def _save_row(grid, connection, local, wanted, reference) -> int:
    """Map or unmap one row; answers 1 when it was unmapped."""
    required = [column for column in grid.columns if column.required]
    lookup = {"connection": connection, grid.local_field: local}
    if not all(wanted[column.name] for column in required):
        grid.mapping_model.objects.filter(**lookup).delete()
        return 1
    grid.mapping_model.objects.update_or_create(**lookup, defaults=grid.defaults(wanted, reference))
    return 0
