"""Every ledger admin page opens for both finance roles, and the task queue for neither."""
import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django_q.models import Schedule

from accounts_app.models import Payment
from accounts_app.services import payment_register
from tests.ledger.factories import (
    ProjectFactory,
    SalesAccountFactory,
    ServiceTypeFactory,
    invoice_with_lines,
)

LEDGER_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "accounts_app"),
    key=lambda model: model._meta.model_name,
)


@pytest.fixture
def ledger_rows(db):
    """One row of every registered ledger model, keyed by model."""
    invoice = invoice_with_lines(finalized=True)
    payment = payment_register(invoice=invoice, date=datetime.date(2026, 1, 5),
                               amount=Decimal("10.00"))  # fmt: skip
    rows = {Payment: payment, type(invoice): invoice}
    project = ProjectFactory(customer=invoice.customer)
    service_type = ServiceTypeFactory(default_sales_account=SalesAccountFactory())
    for row in (invoice.customer, invoice.payment_condition, invoice.lines.get().vat_code,
                project, service_type, service_type.default_sales_account):  # fmt: skip
        rows[type(row)] = row
    return rows


def test_every_ledger_model_is_registered():
    names = {model._meta.model_name for model in LEDGER_MODELS}
    assert names == {"customer", "project", "servicetype", "vatcode", "paymentcondition",
                     "salesaccount", "invoice", "payment"}  # fmt: skip


@pytest.mark.parametrize("role", ["clerk", "manager"])
@pytest.mark.parametrize("model", LEDGER_MODELS, ids=lambda model: model._meta.model_name)
def test_changelist_add_and_change_pages_open_for_finance_staff(client, request, role, model,
                                                               ledger_rows):  # fmt: skip
    client.force_login(request.getfixturevalue(role))
    info = (model._meta.app_label, model._meta.model_name)
    urls = [
        reverse("admin:{}_{}_changelist".format(*info)),
        reverse("admin:{}_{}_add".format(*info)),
        reverse("admin:{}_{}_change".format(*info), args=[ledger_rows[model].pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["clerk", "manager"])
def test_search_and_filters_work_on_the_invoice_list(client, request, role, ledger_rows):
    client.force_login(request.getfixturevalue(role))
    url = reverse("admin:accounts_app_invoice_changelist")
    for query in ["?q=1", "?q=Customer", "?state__exact=finalized", "?kind=credit_note",
                  "?q=not-a-number"]:  # fmt: skip
        assert client.get(url + query).status_code == 200, query


@pytest.mark.parametrize("role", ["clerk", "manager"])
def test_the_import_and_export_pages_open_for_finance_staff(client, request, role, ledger_rows):
    client.force_login(request.getfixturevalue(role))
    for model in ("customer", "invoice"):
        for page in ("import", "export"):
            response = client.get(reverse(f"admin:accounts_app_{model}_{page}"))
            assert response.status_code == 200, (model, page)


@pytest.mark.parametrize("role", ["clerk", "manager"])
def test_the_task_queue_is_hidden_from_finance_staff(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("admin:django_q_schedule_changelist")).status_code == 403
    assert client.get(reverse("admin:django_q_schedule_add")).status_code == 403
    assert "django_q" not in client.get(reverse("admin:index")).content.decode()


def test_a_staff_user_given_django_q_permissions_still_cannot_open_the_task_queue(client, clerk):
    from django.contrib.auth.models import Permission

    clerk.user_permissions.set(Permission.objects.filter(content_type__app_label="django_q"))
    client.force_login(clerk)
    assert client.get(reverse("admin:django_q_schedule_changelist")).status_code == 403


def test_a_superuser_can_open_the_task_queue(admin_client, settings):
    Schedule.objects.create(name="nightly", func="math.floor", args="1")
    # django_q shows its queue table only with the ORM broker; with Redis the queue is in Redis.
    queue = ["ormq"] if "orm" in settings.Q_CLUSTER else []
    for name in ["schedule", "success", "failure", *queue]:
        assert admin_client.get(reverse(f"admin:django_q_{name}_changelist")).status_code == 200


def test_only_the_manager_may_open_the_delete_page(client, clerk, manager, ledger_rows):
    url = reverse("admin:accounts_app_customer_delete", args=[ledger_rows[Payment].invoice
                                                              .customer.pk])  # fmt: skip
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200
