"""A finance manager, in a real browser, takes the ledger to e-conomic and back: connects the
sandbox agreement, tests it, reads its reference data, pairs what the setup check asks for,
exports three invoices while the run page's progress bar follows the worker, and sees a payment
registered in e-conomic turn an invoice paid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts_app.models import Invoice
from integration.models import Connection, ExportRun, InvoiceExport, PaymentImport
from integration.models.reference import RemoteKind, RemoteRecord
from tests.e2e.pages import Admin
from tests.exports.conftest import make_invoice

pytestmark = [pytest.mark.browser, pytest.mark.broker]


def test_a_manager_connects_exports_and_sees_a_payment_arrive(admin, sandbox_endpoint, worker):
    invoices = [make_invoice() for _ in range(3)]

    connection = _connect(admin, sandbox_endpoint)
    _make_ready(admin, connection)
    _export(admin, invoices, worker)
    _import_payments(admin, sandbox_endpoint, connection, invoices)


def _connect(admin: Admin, sandbox) -> Connection:
    """Add the connection with the token typed in, test it, read e-conomic's lists."""
    admin.open(reverse("admin:integration_connection_add"))
    admin.type("name", "Our agreement")
    admin.choose("endpoint", "e-conomic sandbox (local)")
    admin.type("new_grant_token", sandbox.grant_token)
    admin.choose("export_method", "Booked invoice (booked at once)")
    admin.choose("payment_sync", "Full and partial payments")
    for field, number in (("default_product_number", 1), ("default_layout_number", 19),
                          ("default_payment_terms_number", 2), ("default_vat_zone_number", 1),
                          ("default_customer_group_number", 1)):  # fmt: skip
        admin.type(field, number)
    admin.save()
    admin.wait_for_text("ul.messagelist", "was added successfully")
    connection = Connection.objects.get(name="Our agreement")
    # Typed once, stored encrypted, never shown again.
    assert connection.grant_token == sandbox.grant_token
    assert sandbox.grant_token not in admin.driver.page_source

    admin.run_action("test_connection", [connection.pk])
    admin.wait_for_text("ul.messagelist", "connected to agreement")
    assert admin.messages() == [
        f"Our agreement: connected to agreement {sandbox.agreement_number} "
        f"({Connection.objects.get().company_name})."
    ]
    admin.run_action("refresh_reference_data", [connection.pk])
    admin.wait_for_text("ul.messagelist", "Our agreement: read")
    layouts = RemoteRecord.objects.filter(connection=connection, kind=RemoteKind.LAYOUT).count()
    assert layouts and f" {layouts} layout" in admin.messages()[0]
    connection.refresh_from_db()
    assert connection.tested_at and connection.reference_refreshed_at
    return connection


def _make_ready(admin: Admin, connection: Connection) -> None:
    """The setup check names the VAT code to pair; pair it (and the payment conditions) until
    the check says the first export may start."""
    admin.click_link("Setup check")
    admin.wait_for_text("#content-main", "blocker")
    blocker = admin.find("tr[data-code=vat_code_unpaired]").text
    assert "VAT code S25" in blocker and "Blocker" in blocker

    admin.open(reverse("admin:integration_vatcodepairing_add"))
    admin.choose("connection", str(connection))
    admin.choose("vat_code", "S25 (25 %)")
    admin.choose_searching("vat_account", "U25", "U25")
    admin.save()
    admin.wait_for_text("ul.messagelist", "was added successfully")

    admin.open(reverse("admin:integration_connection_changelist"))
    admin.run_action("pair_payment_conditions", [connection.pk])
    admin.wait_for_text("ul.messagelist", "1 paired")

    admin.click_link("Setup check")
    admin.wait_for_text("#content-main", "Ready to export")
    assert admin.text("p.success") == "Ready to export: nothing blocks the first export."
    assert not admin.find_all("tr.setup-blocker")


def _export(admin: Admin, invoices: list[Invoice], worker) -> None:
    """Select the invoices, confirm the dialog, and follow the run page while a worker that
    starts only now sends them: the bar is seen at 0, moved by the page's script to the end,
    and the page then shows the finished run."""
    admin.open(reverse("admin:accounts_app_invoice_changelist"))
    admin.run_action("export_to_economic", [invoice.pk for invoice in invoices])
    admin.wait_for_text("#content-main", "3 invoices:")
    assert admin.find("select[name=method] option:checked").text.startswith("Booked invoice")
    admin.submit(admin.find("input[type=submit][value=Export]"))

    admin.wait_for_text("#export-text", "0 done, 0 failed of 3.")
    run = ExportRun.objects.get()
    assert admin.driver.current_url.endswith(
        reverse("admin:integration_exportrun_change", args=[run.pk])
    )
    bar = admin.find("#export-bar")
    assert (bar.get_property("value"), bar.get_property("max")) == (0, 3)
    # No estimate before anything is through: there is nothing to estimate from.
    assert admin.text("#export-text").endswith("of 3.")
    admin.record_bar("#export-bar")

    worker()
    admin.wait_for_text("div.field-state div.readonly", "Done")
    assert admin.text("#export-text") == "Done: 3 done, 0 failed of 3."
    bar = admin.find("#export-bar")
    assert (bar.get_property("value"), bar.get_property("max")) == (3, 3)
    moves = admin.bar_values()
    assert moves[-1] == 3 and moves == sorted(moves), moves
    assert admin.text("div.field-done div.readonly") == "3"

    run.refresh_from_db()
    assert (run.state, run.done, run.failed, run.total) == ("done", 3, 0, 3)
    exported = InvoiceExport.objects.filter(invoice__in=invoices, booked_number__isnull=False)
    assert exported.count() == 3


def _import_payments(admin: Admin, sandbox, connection, invoices: list[Invoice]) -> None:
    """e-conomic's numbers as the invoice list shows them; pay one in full and one in part
    there; "Import payments now"; each invoice page shows what arrived."""
    admin.open(reverse("admin:accounts_app_invoice_changelist"))
    shown = {
        invoice.pk: admin.text(
            f"#result_list tr:has(input[value='{invoice.pk}']) td.field-economic_status"
        )
        for invoice in invoices
    }
    stored = dict(InvoiceExport.objects.values_list("invoice", "booked_number"))
    assert shown == {pk: f"booked {number}" for pk, number in stored.items()}

    paid, partly_paid, open_one = invoices
    sandbox.register_payment(stored[paid.pk], 250.0)
    sandbox.register_payment(stored[partly_paid.pk], 100.0)

    admin.open(reverse("admin:integration_paymentimport_changelist"))
    admin.click_button(f"Import payments now: {connection.name}")
    admin.wait_for_text("ul.messagelist", f"Payment import queued for {connection.name}.")

    _see_state(admin, paid, "Paid", "DKK 250.00")
    seen = admin.inline("payments seen in e-conomic")
    for cell in ("DKK 250.00", "Cash payment", "Active", connection.name):
        assert cell in seen, seen
    _see_state(admin, partly_paid, "Partly paid", "DKK 100.00")
    _see_state(admin, open_one, "Finalized", "DKK 0.00")

    run = PaymentImport.objects.get()
    assert (run.trigger, run.state, run.paid, run.partial) == ("manual", "done", 1, 1)
    states = {invoice.pk: invoice.state for invoice in Invoice.objects.filter(pk__in=stored)}
    assert states == {paid.pk: "paid", partly_paid.pk: "partly_paid", open_one.pk: "finalized"}
    assert Invoice.objects.get(pk=paid.pk).amount_paid == Decimal("250.00")


def _see_state(admin: Admin, invoice: Invoice, state: str, amount_paid: str) -> None:
    """Open the invoice; reload it as a person would until the import has been through."""
    url = reverse("admin:accounts_app_invoice_change", args=[invoice.pk])

    def shows_state(driver) -> bool:
        admin.open(url)
        return admin.text("div.field-state div.readonly") == state

    admin.wait_until(shows_state, f"{invoice} never showed {state}")
    assert admin.text("div.field-amount_paid_shown div.readonly") == amount_paid
