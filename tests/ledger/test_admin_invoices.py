"""The invoice screens: editing drafts with lines, the actions, and the lock on finalized ones."""
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts_app.models import Invoice, Payment
from tests.ledger.factories import CustomerFactory, VatCodeFactory, invoice_with_lines

CHANGELIST = reverse("admin:accounts_app_invoice_changelist")
pytestmark = pytest.mark.django_db


def run_action(client, action, *invoices):
    return client.post(CHANGELIST, {"action": action,
                                    "_selected_action": [invoice.pk for invoice in invoices]})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def line_form(prefix: str, vat_code, description="Consulting", quantity="1.5", price="33.33"):
    return {f"{prefix}-description": description, f"{prefix}-quantity": quantity,
            f"{prefix}-unit_price": price, f"{prefix}-discount_percent": "0",
            f"{prefix}-position": "0", f"{prefix}-vat_code": vat_code.pk}  # fmt: skip


def test_a_clerk_adds_a_draft_with_lines_and_sees_its_totals(client, clerk):
    customer, vat_code = CustomerFactory(), VatCodeFactory()
    client.force_login(clerk)
    data = {"customer": customer.pk, "issue_date": "2026-03-02", "currency": "DKK",
            "payment_condition": customer.payment_condition.pk, "exchange_rate": "1",
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", **line_form("lines-0", vat_code)}  # fmt: skip
    response = client.post(reverse("admin:accounts_app_invoice_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    invoice = Invoice.objects.get()
    # 1.5 x 33.33 = 49.995 -> 50.00 net; VAT 12.50; due date from "Net 14 days"
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("50.00"), Decimal("12.50"), Decimal("62.50"))
    assert invoice.due_date.isoformat() == "2026-03-16"
    page = client.get(reverse("admin:accounts_app_invoice_change", args=[invoice.pk]))
    assert "62.50" in page.content.decode()


@pytest.mark.parametrize("role", ["clerk", "manager"])
def test_the_finalize_action_numbers_ready_drafts_and_explains_refusals(client, request, role):
    ready, empty = invoice_with_lines(), invoice_with_lines(prices=[])
    client.force_login(request.getfixturevalue(role))
    response = run_action(client, "finalize", ready, empty)
    ready.refresh_from_db(), empty.refresh_from_db()
    assert ready.state == Invoice.State.FINALIZED and ready.number is not None
    assert empty.state == Invoice.State.DRAFT
    shown = messages_of(response)
    assert f"Finalized Invoice {ready.number}." in shown
    assert any("has no lines. Add at least one line" in message for message in shown)


@pytest.mark.parametrize("role", ["clerk", "manager"])
def test_the_credit_note_action_credits_a_finalized_invoice(client, request, role):
    invoice = invoice_with_lines(finalized=True)
    client.force_login(request.getfixturevalue(role))
    response = run_action(client, "create_credit_note", invoice)
    invoice.refresh_from_db()
    assert invoice.state == Invoice.State.CREDITED
    credit_note = invoice.credit_notes.get()
    assert f"Created Credit note {credit_note.number}." in messages_of(response)


@pytest.mark.parametrize("role", ["clerk", "manager"])
def test_the_pdf_action_returns_one_pdf_or_a_zip_of_several(client, request, role):
    first, second = invoice_with_lines(finalized=True), invoice_with_lines(finalized=True)
    client.force_login(request.getfixturevalue(role))
    single = run_action(client, "download_pdf", first)
    assert single["Content-Type"] == "application/pdf" and single.content.startswith(b"%PDF-")
    several = run_action(client, "download_pdf", first, second)
    assert several["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(several.content)).namelist()
    assert sorted(names) == sorted([f"invoice-{first.number}.pdf", f"invoice-{second.number}.pdf"])


def test_the_change_page_links_to_the_pdf(client, clerk):
    invoice = invoice_with_lines(finalized=True)
    client.force_login(clerk)
    page = client.get(reverse("admin:accounts_app_invoice_change", args=[invoice.pk]))
    pdf_url = reverse("admin:accounts_app_invoice_pdf", args=[invoice.pk])
    assert pdf_url in page.content.decode()
    assert client.get(pdf_url).content.startswith(b"%PDF-")


def test_a_finalized_invoice_opens_read_only_and_a_post_to_it_is_refused_with_the_reason(client, clerk):
    invoice = invoice_with_lines(finalized=True)
    url = reverse("admin:accounts_app_invoice_change", args=[invoice.pk])
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page and 'name="notes"' not in page
    assert "is finalized and cannot be edited" in page and "Create credit note" in page
    response = client.post(url, {"notes": "edited later", "customer": invoice.customer_id})
    assert response.status_code == 302
    assert f"{invoice} is finalized; your changes were not saved." in messages_of(response)[0]
    assert Invoice.objects.get(pk=invoice.pk).notes == ""


def test_a_draft_stays_editable_in_the_admin(client, clerk):
    invoice = invoice_with_lines()
    client.force_login(clerk)
    page = client.get(reverse("admin:accounts_app_invoice_change", args=[invoice.pk]))
    assert 'name="notes"' in page.content.decode()


def test_delete_refuses_a_selection_with_finalized_invoices_and_deletes_nothing(client, manager):
    draft, finalized = invoice_with_lines(), invoice_with_lines(finalized=True)
    client.force_login(manager)
    response = run_action(client, "delete_drafts", draft, finalized)
    assert any("cannot be deleted; nothing was deleted" in m for m in messages_of(response))
    assert Invoice.objects.filter(pk__in=[draft.pk, finalized.pk]).count() == 2
    confirm = client.post(CHANGELIST, {"action": "delete_drafts", "post": "yes",
                                       "_selected_action": [draft.pk]})  # fmt: skip
    assert confirm.status_code == 302 and not Invoice.objects.filter(pk=draft.pk).exists()


def test_a_clerk_has_no_delete_action(client, clerk):
    invoice_with_lines()
    client.force_login(clerk)
    page = client.get(CHANGELIST).content.decode()
    assert 'value="finalize"' in page and 'value="delete_drafts"' not in page


def test_a_payment_entered_in_the_admin_goes_through_the_service(client, clerk):
    invoice = invoice_with_lines(finalized=True)
    client.force_login(clerk)
    response = client.post(reverse("admin:accounts_app_payment_add"), {
        "invoice": invoice.pk, "date": "2026-03-20", "amount": "125.00", "source": "manual",
        "external_reference": "",
    })  # fmt: skip
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.state, invoice.amount_paid) == (Invoice.State.PAID, Decimal("125.00"))
    page = client.get(reverse("admin:accounts_app_invoice_change", args=[invoice.pk]))
    assert "20 Mar 2026" in page.content.decode()


def test_a_payment_on_a_draft_is_a_form_error(client, clerk):
    draft = invoice_with_lines()
    client.force_login(clerk)
    response = client.post(reverse("admin:accounts_app_payment_add"), {
        "invoice": draft.pk, "date": "2026-03-20", "amount": "10.00", "source": "manual",
    })  # fmt: skip
    assert response.status_code == 200
    assert "finalize it before registering payments" in response.content.decode()
    assert not Payment.objects.exists()


def test_an_issued_invoices_unit_prices_show_with_its_currency(client, clerk, settings):
    settings.LANGUAGE_CODE = "en"
    invoice = invoice_with_lines(prices=(Decimal("1234.50"),), finalized=True, currency="EUR")
    client.force_login(clerk)
    page = client.get(
        reverse("admin:accounts_app_invoice_change", args=[invoice.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    [cell] = re.findall(r'<td class="field-unit_price_shown">(.*?)</td>', page, re.S)
    assert "EUR 1,234.50" in cell
