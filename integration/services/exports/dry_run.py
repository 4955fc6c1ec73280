"""The dry run: per invoice exactly what would be sent, and every blocker, with nothing written to
e-conomic and no job made; kept as a finished run with its report."""

from __future__ import annotations

from dataclasses import asdict

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts_app.models import Invoice
from integration.economic import payloads
from integration.models import Connection, ExportRun, RunState
from integration.models.connection import ExportMethod
from integration.services.export_context import ExportContext, invoices_for_export
from integration.services.exports.prediction import invoice_predict
from integration.services.exports.snapshots import invoice_blockers, invoice_snapshot
from integration.services.setup_check import setup_check


def export_dry_run(
    *, connection: Connection, invoices: QuerySet[Invoice], method: str, overrides: dict,
    user=None, selection: str = "",
) -> ExportRun:  # fmt: skip
    """Check the set-up and each invoice, and show what would be sent; never raises for a
    blocker, it reports it."""
    context = ExportContext.load(connection=connection, overrides=overrides, method=method)
    report = setup_check(connection=connection, invoices=invoices, context=context)
    chosen = invoices_for_export(invoices.values_list("pk", flat=True))
    if overrides.get("customer_number") and len({i.customer_id for i in chosen}) == 1:
        context.customers[chosen[0].customer_id] = int(overrides["customer_number"])
    findings = {
        "setup_blockers": [str(finding) for finding in report.blockers],
        "invoices": [_dry_run_invoice(invoice, context, method) for invoice in chosen],
    }
    return ExportRun.objects.create(
        connection=connection, method=method, overrides=overrides, created_by=user,
        selection=selection or _("%(count)d invoices (dry run)") % {"count": len(chosen)},
        dry_run=True,
        total=len(chosen), state=RunState.DONE, report=findings, finished_at=timezone.now(),
    )  # fmt: skip


def _dry_run_invoice(invoice: Invoice, context: ExportContext, method: str) -> dict:
    blockers = [str(blocker) for blocker in invoice_blockers(invoice, context)]
    entry = {
        "invoice": str(invoice),
        "number": invoice.number,
        "method": method,
        "blockers": blockers,
    }
    if blockers:
        return entry
    snapshot = invoice_snapshot(invoice, context)
    customer = context.customers.get(invoice.customer_id)
    entry.update(
        customer=customer or _("new e-conomic customer for %(customer)s") % {
            "customer": invoice.customer
        },
        reference=snapshot.reference, layout=snapshot.layout_number,
        payment_terms=snapshot.payment_terms_number, vat_zone=snapshot.vat_zone_number,
        currency=snapshot.currency, net=str(snapshot.net_total), vat=str(snapshot.vat_total),
        gross=str(snapshot.gross_total),
        lines=[{**asdict(line), "quantity": str(line.quantity), "unit_price": str(line.unit_price),
                "discount_percent": str(line.discount_percent), "net_amount": str(line.net_amount),
                "vat_amount": str(line.vat_amount), "vat_rate": str(line.vat_rate)}
               for line in snapshot.lines],
        document=payloads.draft_invoice_payload(snapshot) if customer else None,
        # Ours beside what e-conomic will book, per VAT code, for each way it may round VAT.
        totals=invoice_predict(snapshot=snapshot, context=context).as_report(),
    )  # fmt: skip
    if method == ExportMethod.VOUCHER:
        entry["accounting_year"] = context.accounting_year_for(invoice.issue_date)
    return entry
