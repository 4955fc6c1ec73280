"""Issued invoices written in bulk, as the database allows it: an issued invoice's lines cannot
be added once it is issued (a trigger refuses it), so the rows go in as drafts, their lines are
added, and then they are issued in one statement per batch."""

ISSUED_FIELDS = ["state", "number", "finalized_at"]


def issued_invoices_create(rows: list, lines_build) -> list:
    """Create the Invoice rows as given (issued or drafts) with the lines `lines_build(created)`
    adds; return the created rows."""
    from accounts_app.models import Invoice

    issued = [(row.state, row.number, row.finalized_at) for row in rows]
    for row in rows:
        row.state, row.number, row.finalized_at = "draft", None, None
    created = Invoice.objects.bulk_create(rows)
    # The rows in memory are as issued again (lines_build may read their numbers); the stored
    # ones stay drafts until the lines are in.
    for row, (state, number, finalized_at) in zip(created, issued, strict=True):
        row.state, row.number, row.finalized_at = state, number, finalized_at
    lines_build(created)
    Invoice.objects.bulk_update(
        [row for row in created if row.state != "draft"], ISSUED_FIELDS, batch_size=1000
    )
    return created
