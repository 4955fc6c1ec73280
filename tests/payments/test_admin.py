"""Screens: the import log with its counts, synced payments, "Import payments now", the
synced payments on the invoice page and the figures on the admin index."""

import pytest
from django.urls import reverse
from django_q.brokers import get_broker

from integration.models import PaymentImport
from tests.payments.conftest import exported, run_import


@pytest.fixture
def staff(admin_client):
    return admin_client


def test_the_import_log_lists_runs_with_their_counts_and_filters_errors(staff, paying, sandbox):
    _invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 250.0)
    run_import(paying)
    PaymentImport.objects.create(connection=paying, trigger="daily", state="failed", error="x")
    url = reverse("admin:integration_paymentimport_changelist")

    page = staff.get(url).content.decode()
    errors = staff.get(url + "?outcome=error")

    assert "Import payments now: Sandbox" in page
    assert errors.context["cl"].result_count == 1
    assert staff.get(url + "?outcome=ok").context["cl"].result_count == 1
    assert staff.get(reverse("admin:integration_paymentimport_add")).status_code == 403


def test_import_now_queues_an_import(staff, paying, django_capture_on_commit_callbacks):
    get_broker().purge_queue()
    url = reverse("admin:integration_paymentimport_import_now", args=[paying.pk])

    with django_capture_on_commit_callbacks(execute=True):
        answer = staff.post(url, follow=True)

    assert "Payment import queued" in answer.content.decode()
    assert get_broker().queue_size() == 1
    get_broker().purge_queue()


def test_the_invoice_page_shows_payments_seen_in_e_conomic(staff, paying, sandbox):
    invoice, number = exported(paying, sandbox)
    sandbox.register_payment(number, 100.0)
    run_import(paying)

    page = staff.get(reverse("admin:accounts_app_invoice_change", args=[invoice.pk]))

    assert "payments seen in e-conomic" in page.content.decode().lower()
    assert page.status_code == 200


def test_the_index_shows_the_open_amount_paid_this_month_and_the_last_import(
    staff, paying, sandbox
):
    _invoice, number = exported(paying, sandbox)
    exported(paying, sandbox)
    sandbox.register_payment(number, 100.0)
    run_import(paying)

    page = staff.get(reverse("admin:index")).content.decode()

    assert "DKK 400.00" in page
    assert "DKK 100.00" in page
    assert "Paid 0, partly paid 1, reversed 0, changed 0 — received DKK 100.00." in page


def test_synced_payments_are_read_only(staff, paying, sandbox):
    url = reverse("admin:integration_syncedpayment_changelist")

    assert staff.get(url).status_code == 200
    assert staff.get(reverse("admin:integration_syncedpayment_add")).status_code == 403


def test_a_clerk_reads_the_import_log_and_can_import_now(client, clerk, paying):
    import importlib

    from django.apps import apps

    importlib.import_module("integration.migrations.0006_payment_permissions").grant(apps, None)
    client.force_login(clerk)

    assert client.get(reverse("admin:integration_paymentimport_changelist")).status_code == 200
    assert client.get(reverse("admin:integration_syncedpayment_changelist")).status_code == 200
    answer = client.post(reverse("admin:integration_paymentimport_import_now", args=[paying.pk]))
    assert answer.status_code == 302
    get_broker().purge_queue()
