"""The connection's number policy, as a person sees it on the invoice after each export method:
keep both (e-conomic's number known to the export only), copy e-conomic's number back (kept on
the invoice as its external number), book with our number (e-conomic carries ours)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts_app.models import Invoice
from integration.models import CustomerLink, InvoiceExport
from integration.models.connection import NumberPolicy
from integration.models.mappings import CustomerLinkState
from integration.services.exports import export_process, export_run_refresh, export_run_start
from tests.exports.conftest import (
    booked_with,
    drafts_with,
    make_customer,
    make_invoice,
    reference_of,
)
from tests.sandbox.invoice_api import a_draft


def _policy(connection, policy: str, method: str) -> None:
    connection.number_policy = policy
    connection.export_method = method
    connection.voucher_journal_number = 1
    connection.save()


def _exported(connection, invoice: Invoice) -> Invoice:
    run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk))
    export_process(connection=connection, run=run)
    run = export_run_refresh(run=run)
    assert (run.done, run.failed) == (1, 0), list(run.jobs.values_list("last_error", flat=True))
    return Invoice.objects.get(pk=invoice.pk)


def _linked_customer(connection):
    customer = make_customer()
    CustomerLink.objects.create(connection=connection, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    return customer


def _remote_number(invoice: Invoice, sandbox, method: str) -> int:
    if method == "draft":
        return drafts_with(sandbox, reference_of(invoice))[0]["draftInvoiceNumber"]
    if method == "booked":
        return booked_with(sandbox, reference_of(invoice))[0]["bookedInvoiceNumber"]
    return _voucher_number(invoice, sandbox)


def _voucher_number(invoice: Invoice, sandbox) -> int:
    entries = sandbox.get("/journals/1/entries").json()["collection"]
    [entry] = [entry for entry in entries if entry["customerInvoice"] == invoice.number]
    return entry["voucher"]["voucherNumber"]


def test_copy_back_puts_the_draft_number_on_the_invoice(exporting, sandbox):
    _policy(exporting, NumberPolicy.COPY_BACK, "draft")
    invoice = _exported(exporting, make_invoice())
    [draft] = drafts_with(sandbox, reference_of(invoice))
    assert invoice.external_number == str(draft["draftInvoiceNumber"])


def test_copy_back_puts_the_booked_number_on_the_invoice(exporting, sandbox):
    _policy(exporting, NumberPolicy.COPY_BACK, "booked")
    invoice = _exported(exporting, make_invoice())
    [booked] = booked_with(sandbox, reference_of(invoice))
    assert invoice.external_number == str(booked["bookedInvoiceNumber"])


def test_copy_back_puts_the_voucher_number_on_the_invoice(exporting, sandbox):
    _policy(exporting, NumberPolicy.COPY_BACK, "voucher")
    customer = _linked_customer(exporting)
    invoice = _exported(exporting, make_invoice(customer))
    assert invoice.external_number == str(_voucher_number(invoice, sandbox))


def test_the_copied_number_leaves_our_number_state_and_totals_alone(exporting, sandbox):
    _policy(exporting, NumberPolicy.COPY_BACK, "booked")
    invoice = make_invoice(prices=("100.00",))
    before = Invoice.objects.filter(pk=invoice.pk).values(*Invoice.LOCKED_FIELDS, "state").get()
    _exported(exporting, invoice)
    after = Invoice.objects.filter(pk=invoice.pk).values(*Invoice.LOCKED_FIELDS, "state").get()
    assert after == before
    assert after["gross_total"] == Decimal("250.00")


@pytest.mark.parametrize("method", ["draft", "booked", "voucher"])
def test_keep_both_leaves_economic_s_number_with_the_export_only(exporting, sandbox, method):
    _policy(exporting, NumberPolicy.KEEP_BOTH, method)
    customer = _linked_customer(exporting)
    invoice = _exported(exporting, make_invoice(customer))
    export = InvoiceExport.objects.get(invoice=invoice)
    assert export.economic_number == str(_remote_number(invoice, sandbox, method))
    assert invoice.external_number == ""


@pytest.mark.parametrize("method", ["draft", "booked", "voucher"])
def test_book_with_our_number_copies_nothing_onto_the_invoice(exporting, sandbox, method):
    _policy(exporting, NumberPolicy.OURS, method)
    customer = _linked_customer(exporting)
    invoice = _exported(exporting, make_invoice(customer))
    assert invoice.external_number == ""
    if method == "booked":
        [booked] = booked_with(sandbox, reference_of(invoice))
        assert booked["bookedInvoiceNumber"] == invoice.number


def test_a_copied_number_is_on_the_invoice_list_and_page_and_finds_the_invoice(
    exporting, sandbox, client, clerk
):
    _policy(exporting, NumberPolicy.COPY_BACK, "booked")
    # A person booked invoice 700 in e-conomic: its numbers go on from there, above ours.
    draft = sandbox.post("/invoices/drafts", json=a_draft()).json()["draftInvoiceNumber"]
    sandbox.post("/invoices/booked", json={"draftInvoice": {"draftInvoiceNumber": draft},
                                           "bookWithNumber": 700})  # fmt: skip
    invoice = _exported(exporting, make_invoice())
    other = make_invoice()
    assert int(invoice.external_number) > 700 > other.number
    client.force_login(clerk)
    changelist = reverse("admin:accounts_app_invoice_changelist")

    listed = client.get(changelist).content.decode()
    page = client.get(reverse("admin:accounts_app_invoice_change", args=[invoice.pk]))
    found = client.get(changelist, {"q": invoice.external_number}).context["cl"].result_list

    assert f'<td class="field-external_number">{invoice.external_number}</td>' in listed
    assert invoice.external_number in page.content.decode()
    assert "External number" in page.content.decode()
    assert [row.pk for row in found] == [invoice.pk]
