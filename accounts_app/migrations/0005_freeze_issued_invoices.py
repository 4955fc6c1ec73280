"""Freeze the invoices issued before invoices were frozen at finalization: their buyer from
their customer as it is now, and each line's VAT code and rate from its VAT code (the best
record there is of what they were issued with)."""

from django.db import migrations

BUYER_FIELDS = ("name", "address", "zip_code", "city", "vat_number", "ean", "vat_situation",
                "kind")  # fmt: skip
BATCH = 500


def freeze_issued_invoices(apps, schema_editor):
    Invoice = apps.get_model("accounts_app", "Invoice")
    InvoiceLine = apps.get_model("accounts_app", "InvoiceLine")
    issued = Invoice.objects.exclude(state="draft").filter(buyer_vat_situation="")
    invoices = []
    for invoice in issued.select_related("customer").iterator(chunk_size=BATCH):
        for name in BUYER_FIELDS:
            setattr(invoice, f"buyer_{name}", getattr(invoice.customer, name))
        invoice.buyer_country = str(invoice.customer.country)
        invoices.append(invoice)
    fields = [f"buyer_{name}" for name in (*BUYER_FIELDS, "country")]
    Invoice.objects.bulk_update(invoices, fields, batch_size=BATCH)
    lines = []
    unfrozen = InvoiceLine.objects.exclude(invoice__state="draft").filter(
        issued_vat_rate__isnull=True, vat_code__isnull=False
    )
    for line in unfrozen.select_related("vat_code").iterator(chunk_size=BATCH):
        line.issued_vat_code, line.issued_vat_rate = line.vat_code.code, line.vat_code.rate
        lines.append(line)
    InvoiceLine.objects.bulk_update(lines, ["issued_vat_code", "issued_vat_rate"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("accounts_app", "0004_invoice_frozen_buyer_and_line_vat")]

    # Going back drops the fields in 0004; nothing to undo here.
    operations = [migrations.RunPython(freeze_issued_invoices, migrations.RunPython.noop)]
