"""An issued invoice cannot change, whatever writes to the database: triggers refuse an UPDATE
that changes what was issued (or makes it a draft again) and any change to an issued invoice's
lines. The application refuses the same in Invoice.save and InvoiceLine.save with a readable
message; these catch what bypasses them (QuerySet.update, bulk_update, raw SQL).

Still allowed once issued: the state among the issued states and amount_paid (payments, a
credit note), external_number (the accounting system's number, copied back), updated_at.

On PostgreSQL the triggers also refuse deleting an issued invoice or its lines. SQLite has no
TRUNCATE: Django's flush (and so every transactional test) empties a table with DELETE, which a
delete trigger would refuse, so there the application's refusal (InvoiceQuerySet.delete,
Invoice.delete) is the guard against deletion. PostgreSQL's flush truncates, which row
triggers do not see.
"""

from django.db import migrations

# The issued document: Invoice.LOCKED_FIELDS as columns, and when it was issued.
LOCKED_COLUMNS = (
    "number", "customer_id", "project_id", "issue_date", "due_date", "payment_condition_id",
    "currency", "exchange_rate", "our_reference", "their_reference", "notes",
    "credited_invoice_id", "corrects_id", "net_total", "vat_total", "gross_total",
    "import_reference",
    "buyer_name", "buyer_address", "buyer_zip_code", "buyer_city", "buyer_country",
    "buyer_vat_number", "buyer_ean", "buyer_vat_situation", "buyer_kind", "vat_rounding",
    "finalized_at",
)  # fmt: skip
INVOICE_MESSAGE = "an issued invoice cannot change: credit it and issue a new one"
LINE_MESSAGE = "the lines of an issued invoice cannot change: credit it and issue a new one"
TRIGGERS = ("invoice_issued_unchanged", "invoice_line_of_issued_unchanged",
            "invoice_line_of_issued_not_added")  # fmt: skip


def _changed(compare: str, columns: tuple[str, ...]) -> str:
    return " OR ".join(f"NEW.{column} {compare} OLD.{column}" for column in columns)


def _issued(invoice_id: str) -> str:
    return (
        f"(SELECT state FROM accounts_app_invoice WHERE id = {invoice_id}) <> 'draft'"
    )


# The statements take the locked columns: a later migration that locks one more column
# (0013: the buyer's language) creates the triggers again with it.
def sqlite_create(columns: tuple[str, ...]) -> list[str]:
    return [
    f"""CREATE TRIGGER invoice_issued_unchanged BEFORE UPDATE ON accounts_app_invoice
    FOR EACH ROW WHEN OLD.state <> 'draft' AND (NEW.state = 'draft' OR {_changed("IS NOT", columns)})
    BEGIN SELECT RAISE(ABORT, '{INVOICE_MESSAGE}'); END""",
    f"""CREATE TRIGGER invoice_line_of_issued_unchanged BEFORE UPDATE ON accounts_app_invoiceline
    FOR EACH ROW WHEN {_issued("OLD.invoice_id")} OR {_issued("NEW.invoice_id")}
    BEGIN SELECT RAISE(ABORT, '{LINE_MESSAGE}'); END""",
    f"""CREATE TRIGGER invoice_line_of_issued_not_added BEFORE INSERT ON accounts_app_invoiceline
    FOR EACH ROW WHEN {_issued("NEW.invoice_id")}
    BEGIN SELECT RAISE(ABORT, '{LINE_MESSAGE}'); END""",
    ]  # fmt: skip


SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]

# SQLSTATE 23000 (integrity_constraint_violation): Django raises it as IntegrityError, as it
# does SQLite's RAISE(ABORT) and every other broken invariant.
def postgresql_create(columns: tuple[str, ...]) -> list[str]:
    return [
    f"""CREATE FUNCTION invoice_issued_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.state <> 'draft' AND (TG_OP = 'DELETE' OR NEW.state = 'draft'
                                     OR {_changed("IS DISTINCT FROM", columns)}) THEN
            RAISE EXCEPTION '{INVOICE_MESSAGE}' USING ERRCODE = '23000';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$""",
    """CREATE TRIGGER invoice_issued_unchanged BEFORE UPDATE OR DELETE ON accounts_app_invoice
    FOR EACH ROW EXECUTE FUNCTION invoice_issued_unchanged()""",
    f"""CREATE FUNCTION invoice_line_of_issued_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (TG_OP <> 'INSERT' AND {_issued("OLD.invoice_id")})
           OR (TG_OP <> 'DELETE' AND {_issued("NEW.invoice_id")}) THEN
            RAISE EXCEPTION '{LINE_MESSAGE}' USING ERRCODE = '23000';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$""",
    """CREATE TRIGGER invoice_line_of_issued_unchanged
    BEFORE INSERT OR UPDATE OR DELETE ON accounts_app_invoiceline
    FOR EACH ROW EXECUTE FUNCTION invoice_line_of_issued_unchanged()""",
    ]  # fmt: skip


POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS invoice_issued_unchanged ON accounts_app_invoice",
    "DROP TRIGGER IF EXISTS invoice_line_of_issued_unchanged ON accounts_app_invoiceline",
    "DROP FUNCTION IF EXISTS invoice_issued_unchanged()",
    "DROP FUNCTION IF EXISTS invoice_line_of_issued_unchanged()",
]
STATEMENTS = {
    "sqlite": (sqlite_create, SQLITE_DROP),
    "postgresql": (postgresql_create, POSTGRESQL_DROP),
}


def triggers_run(connection, *, create: bool, columns: tuple[str, ...] = LOCKED_COLUMNS) -> None:
    if connection.vendor not in STATEMENTS:
        raise NotImplementedError(
            f"No issued-invoice triggers for {connection.vendor}: write them before using it."
        )
    creating, dropping = STATEMENTS[connection.vendor]
    statements = creating(columns) if create else dropping
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def triggers_create(apps, schema_editor) -> None:
    triggers_run(schema_editor.connection, create=True)


def triggers_drop(apps, schema_editor) -> None:
    triggers_run(schema_editor.connection, create=False)


class Migration(migrations.Migration):
    dependencies = [("accounts_app", "0011_issued_invoices_guarded")]

    operations = [migrations.RunPython(triggers_create, triggers_drop)]
