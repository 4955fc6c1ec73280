"""Bad input on the admin's forms is a form error that names the problem, never a server error,
and nothing is saved."""
import datetime
import html

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts_app.models import Invoice, Payment, PaymentCondition
from integration.models import Connection, CustomerLink, RemoteRecord
from tests.ledger.factories import (
    CustomerFactory,
    ProjectFactory,
    VatCodeFactory,
    invoice_with_lines,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def invoice_form(customer, vat_code, *, quantity="1", price="100.00", **header):
    return {
        "customer": customer.pk, "issue_date": TODAY.isoformat(), "currency": "DKK",
        "payment_condition": customer.payment_condition.pk, "exchange_rate": "1",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-description": "Work",
        "lines-0-quantity": quantity, "lines-0-unit_price": price,
        "lines-0-discount_percent": "0", "lines-0-position": "0",
        "lines-0-vat_code": vat_code.pk, **header,
    }  # fmt: skip


def errors_of(response) -> str:
    assert response.status_code == 200, "the form was accepted"
    return html.unescape(" ".join(str(error) for error in response.context["errors"]))


def refused_invoice(admin_client, **values) -> str:
    data = invoice_form(CustomerFactory(), VatCodeFactory(), **values)
    response = admin_client.post(reverse("admin:accounts_app_invoice_add"), data)
    assert not Invoice.objects.exists()
    return errors_of(response)


def test_a_line_of_a_trillion_is_a_form_error(admin_client):
    assert "too large" in refused_invoice(admin_client, quantity="10000", price="100000000.00")


def test_lines_summing_past_a_trillion_are_a_form_error(admin_client):
    vat_code = VatCodeFactory()
    data = {**invoice_form(CustomerFactory(), vat_code, price="500000000000.00"),
            "lines-TOTAL_FORMS": "2", "lines-1-description": "More", "lines-1-quantity": "1",
            "lines-1-unit_price": "500000000000.00", "lines-1-discount_percent": "0",
            "lines-1-position": "1", "lines-1-vat_code": vat_code.pk}  # fmt: skip
    response = admin_client.post(reverse("admin:accounts_app_invoice_add"), data)
    assert "gross of 1,250,000,000,000.00 is too large" in errors_of(response)
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("issue_date", ["9999-12-31", "1999-12-31"])
def test_an_issue_date_out_of_range_is_a_form_error(admin_client, issue_date):
    assert "outside the ledger's dates" in refused_invoice(admin_client, issue_date=issue_date)


def test_a_project_of_another_customer_is_a_form_error(admin_client):
    project = ProjectFactory()
    assert "choose one of this customer's projects" in refused_invoice(
        admin_client, project=project.pk)


def test_a_base_currency_invoice_at_another_rate_is_a_form_error(admin_client):
    assert "its rate is 1" in refused_invoice(admin_client, exchange_rate="7.45")


def test_millions_of_days_of_credit_are_a_form_error(admin_client):
    response = admin_client.post(reverse("admin:accounts_app_paymentcondition_add"),
                                 {"name": "Forever", "kind": "net", "days": "5000000"})  # fmt: skip
    assert "less than or equal to 999" in errors_of(response)
    assert not PaymentCondition.objects.filter(name="Forever").exists()


def test_a_clerk_cannot_enter_a_payment_as_if_it_came_from_economic(admin_client):
    invoice = invoice_with_lines(finalized=True)
    response = admin_client.post(reverse("admin:accounts_app_payment_add"), {
        "invoice": invoice.pk, "date": TODAY.isoformat(), "amount": "10.00",
        "source": "economic", "external_reference": "entry-7",
    })  # fmt: skip
    assert response.status_code == 302
    assert Payment.objects.get().source == Payment.Source.MANUAL


def test_a_payment_dated_tomorrow_is_a_form_error(admin_client):
    invoice = invoice_with_lines(finalized=True)
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = admin_client.post(reverse("admin:accounts_app_payment_add"), {
        "invoice": invoice.pk, "date": tomorrow.isoformat(), "amount": "10.00"})
    assert "in the future" in errors_of(response)
    assert not Payment.objects.exists()


@pytest.fixture
def connection():
    connection = Connection.objects.create(name="Main", endpoint="sandbox", grant_token="grant")
    RemoteRecord.objects.create(connection=connection, kind="customer", number="77",
                                name="Acme ApS", refreshed_at=datetime.datetime.now(datetime.UTC))
    return connection


@pytest.mark.parametrize(("number", "problem"), [
    ("-1", "greater than or equal to 0"),
    ("99999999999999999999", "less than or equal to"),
    ("1000000000", "run from 1 to 999999999"),
    ("78", "e-conomic has no customer 78"),
])  # fmt: skip
def test_a_customer_link_to_a_number_economic_lacks_is_a_form_error(
    admin_client, connection, number, problem
):
    response = admin_client.post(reverse("admin:integration_customerlink_add"), {
        "connection": connection.pk, "customer": CustomerFactory().pk, "state": "linked",
        "remote_number": number, "candidates": "[]"})  # fmt: skip
    assert problem in errors_of(response)
    assert not CustomerLink.objects.exists()


def test_a_customer_link_to_a_cached_customer_is_saved(admin_client, connection):
    response = admin_client.post(reverse("admin:integration_customerlink_add"), {
        "connection": connection.pk, "customer": CustomerFactory().pk, "state": "linked",
        "remote_number": "77"})  # fmt: skip
    assert response.status_code == 302
    assert CustomerLink.objects.get().remote_number == 77


@pytest.mark.parametrize("number", ["-5", "99999999999999999999", "78"])
def test_the_search_refuses_linking_a_number_economic_lacks(admin_client, connection, number):
    response = admin_client.post(reverse("admin:integration_customerlink_find"), {
        "connection": connection.pk, "customer": CustomerFactory().pk, "remote_number": number})
    assert response.status_code == 302
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("e-conomic" in message and number.lstrip("-") in message for message in shown)
    assert not CustomerLink.objects.exists()

