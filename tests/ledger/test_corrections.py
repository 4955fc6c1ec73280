"""Correcting an issued invoice in one action: a credit note cancels it in full and a draft copy,
linked to it, takes its place. The original stays as it was issued."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts_app.errors import InvoiceCorrectError
from accounts_app.models import Invoice
from accounts_app.services import invoice_correct, invoice_credit, invoice_finalize
from tests.ledger.factories import InvoiceFactory, ProjectFactory, invoice_with_lines

pytestmark = pytest.mark.django_db


def issued(invoice: Invoice) -> dict:
    """The issued document: every locked field and every line as stored."""
    stored = Invoice.objects.values(*Invoice.LOCKED_FIELDS).get(pk=invoice.pk)
    return {**stored, "lines": list(invoice.lines.values())}


def test_a_correction_credits_the_invoice_and_opens_a_linked_draft_copy():
    project = ProjectFactory()
    original = invoice_with_lines(
        prices=[Decimal("99.99"), Decimal("10.00")], finalized=True, customer=project.customer,
        project=project, currency="EUR", exchange_rate=Decimal("7.45"), their_reference="PO 7",
    )  # fmt: skip
    before = issued(original)

    correction = invoice_correct(invoice=original)

    credit_note, draft = correction.credit_note, correction.draft
    assert issued(original) == before
    assert Invoice.objects.get(pk=original.pk).state == Invoice.State.CREDITED
    assert credit_note.credited_invoice_id == original.pk
    assert credit_note.state == Invoice.State.FINALIZED
    assert credit_note.gross_total == -original.gross_total
    assert (draft.state, draft.number, draft.corrects_id) == (Invoice.State.DRAFT, None, original.pk)
    assert (draft.customer, draft.project, draft.currency, draft.exchange_rate) == (
        project.customer, project, "EUR", Decimal("7.450000"),
    )  # fmt: skip
    assert draft.their_reference == "PO 7"
    assert [(line.description, line.quantity, line.unit_price, line.vat_code_id,
             line.issued_vat_rate) for line in draft.lines.all()] == [
        (line.description, line.quantity, line.unit_price, line.vat_code_id, None)
        for line in original.lines.all()
    ]  # fmt: skip
    assert draft.gross_total == original.gross_total
    assert original.corrected_by == draft


def test_the_draft_once_finalized_is_a_new_invoice_still_linked():
    original = invoice_with_lines(finalized=True)
    draft = invoice_correct(invoice=original).draft
    draft.lines.update(description="Corrected")

    finalized = invoice_finalize(invoice=draft)

    assert finalized.number > original.number and finalized.corrects_id == original.pk
    assert not finalized.is_credit_note


@pytest.mark.parametrize(
    ("make", "refusal"),
    [
        (lambda: invoice_with_lines(), "is a draft; edit it"),
        (lambda: invoice_credit(invoice=invoice_with_lines(finalized=True)), "is a credit note"),
        (lambda: _corrected(), "has already been corrected by Invoice draft"),
        (lambda: _credited(), "has already been credited, so it cannot be corrected"),
    ],
    ids=["draft", "credit note", "corrected", "credited"],
)
def test_a_correction_is_refused_with_the_reason_and_nothing_changes(make, refusal):
    invoice = make()
    count = Invoice.objects.count()

    with pytest.raises(InvoiceCorrectError, match=refusal):
        invoice_correct(invoice=invoice)

    assert Invoice.objects.count() == count


def _corrected() -> Invoice:
    invoice = invoice_with_lines(finalized=True)
    invoice_correct(invoice=invoice)
    return invoice


def _credited() -> Invoice:
    invoice = invoice_with_lines(finalized=True)
    invoice_credit(invoice=invoice)
    return invoice


def test_the_database_refuses_a_second_correction_and_a_correcting_credit_note():
    original = invoice_with_lines(finalized=True)
    credit_note = invoice_correct(invoice=original).credit_note
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceFactory(customer=original.customer, corrects=original)
    other = invoice_with_lines(finalized=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=credit_note.pk).update(corrects=other)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=other.pk).update(corrects=other)


def test_the_invoice_page_corrects_and_each_page_links_the_other_two(client, clerk):
    original = invoice_with_lines(finalized=True)
    client.force_login(clerk)
    page = client.get(reverse("admin:accounts_app_invoice_change", args=[original.pk]))
    correct_url = reverse("admin:accounts_app_invoice_correct", args=[original.pk])
    assert correct_url in page.content.decode()

    answer = client.post(correct_url)

    draft = Invoice.objects.get(corrects=original)
    credit_note = original.credit_notes.get()
    assert answer["Location"] == reverse("admin:accounts_app_invoice_change", args=[draft.pk])
    shown = [str(message) for message in get_messages(answer.wsgi_request)]
    assert shown == [f"{original} is credited by {credit_note}; {draft} is its correction: "
                     "edit it and finalize it to issue it."]  # fmt: skip
    for document, others in [(original, [credit_note, draft]), (credit_note, [original, draft]),
                             (draft, [original, credit_note])]:  # fmt: skip
        html = client.get(reverse("admin:accounts_app_invoice_change", args=[document.pk]))
        for other in others:
            link = reverse("admin:accounts_app_invoice_change", args=[other.pk])
            assert f'<a href="{link}">{other}</a>' in html.content.decode()
    again = client.get(reverse("admin:accounts_app_invoice_change", args=[original.pk]))
    assert correct_url not in again.content.decode()
    refused = client.post(correct_url)
    assert "has already been corrected" in str(list(get_messages(refused.wsgi_request))[-1])


def test_without_the_permission_there_is_no_button_and_the_post_is_refused(client):
    original = invoice_with_lines(finalized=True)
    viewer = User.objects.create_user(username="viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_invoice"))
    client.force_login(viewer)
    correct_url = reverse("admin:accounts_app_invoice_correct", args=[original.pk])

    page = client.get(reverse("admin:accounts_app_invoice_change", args=[original.pk]))
    answer = client.post(correct_url)

    assert page.status_code == 200 and correct_url not in page.content.decode()
    assert answer.status_code == 403
    assert not Invoice.objects.filter(corrects=original).exists()


def test_the_list_action_corrects_each_selected_invoice_and_explains_refusals(client, clerk):
    original, draft = invoice_with_lines(finalized=True), invoice_with_lines()
    client.force_login(clerk)

    answer = client.post(reverse("admin:accounts_app_invoice_changelist"),
                         {"action": "correct", "_selected_action": [original.pk, draft.pk]})  # fmt: skip

    correction = Invoice.objects.get(corrects=original)
    shown = [str(message) for message in get_messages(answer.wsgi_request)]
    assert f"Credited and opened the correction {correction}." in shown
    assert f"{draft} is a draft; edit it instead of correcting it." in shown
