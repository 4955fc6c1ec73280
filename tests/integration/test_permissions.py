"""A finance clerk uses the mapping screens; only a manager changes a connection."""

import pytest
from django.urls import reverse

MAPPING_SCREENS = [
    "servicetypemapping", "vatcodepairing", "paymentconditionpairing", "salesaccountmapping",
    "customerlink",
]  # fmt: skip


@pytest.mark.parametrize("model", MAPPING_SCREENS)
def test_a_clerk_can_open_and_add_on_every_mapping_screen(client, clerk, connection, model):
    client.force_login(clerk)
    assert client.get(reverse(f"admin:integration_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:integration_{model}_add")).status_code == 200


@pytest.mark.parametrize("model", ["connection", "remoterecord", "apicall"])
def test_a_clerk_can_look_at_connections_reference_data_and_calls(client, clerk, connection, model):
    client.force_login(clerk)
    assert client.get(reverse(f"admin:integration_{model}_changelist")).status_code == 200


def test_a_clerk_cannot_change_or_add_a_connection(client, clerk, connection):
    client.force_login(clerk)
    change = reverse("admin:integration_connection_change", args=[connection.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="new_grant_token"' not in page.content.decode()  # read-only view
    assert client.post(change, {"name": "Hijacked"}).status_code == 403
    assert client.get(reverse("admin:integration_connection_add")).status_code == 403
    connection.refresh_from_db()
    assert connection.name == "Main agreement"


def test_a_manager_can_change_a_connection(client, manager, connection):
    client.force_login(manager)
    page = client.get(reverse("admin:integration_connection_change", args=[connection.pk]))
    assert 'name="new_grant_token"' in page.content.decode()


def test_a_clerk_can_open_the_setup_check(client, clerk, connection):
    client.force_login(clerk)
    page = client.get(reverse("admin:integration_connection_setup_check", args=[connection.pk]))
    assert page.status_code == 200
    assert "not_tested" in page.content.decode()


def test_the_task_queue_admin_is_for_superusers_only(client, manager):
    client.force_login(manager)
    assert client.get(reverse("admin:django_q_schedule_changelist")).status_code == 403


def test_a_clerk_searches_economic_customers_and_links_one(client, clerk, connection):
    from integration.models import CustomerLink
    from tests.integration.conftest import remote
    from tests.ledger.factories import CustomerFactory

    customer = CustomerFactory(name="Acme ApS")
    remote(connection, "customer", 77, "ACME ApS", email_field="billing@acme.dk")
    remote(connection, "customer", 78, "Unrelated A/S")
    client.force_login(clerk)
    url = reverse("admin:integration_customerlink_find")
    page = client.get(url, {"connection": connection.pk, "customer": customer.pk, "q": "acme"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "ACME ApS" in html and "Unrelated" not in html
    answer = client.post(url, {"connection": connection.pk, "customer": customer.pk,
                               "remote_number": "77"})
    assert answer.status_code == 302
    link = CustomerLink.objects.get(customer=customer)
    assert (link.state, link.remote_number, link.matched_by) == ("linked", 77, "person")


def test_linking_a_card_linked_elsewhere_is_refused_with_the_reason(client, clerk, connection):
    from integration.models import CustomerLink
    from tests.ledger.factories import CustomerFactory

    first, second = CustomerFactory(), CustomerFactory()
    CustomerLink.objects.create(connection=connection, customer=first, state="linked", remote_number=5)
    client.force_login(clerk)
    answer = client.post(reverse("admin:integration_customerlink_find"),
                         {"connection": connection.pk, "customer": second.pk, "remote_number": "5"},
                         follow=True)
    assert "already linked to" in answer.content.decode()
    assert not CustomerLink.objects.filter(customer=second).exists()


def test_the_connection_page_shows_the_agreements_modules_and_the_apps_roles(
    client, clerk, ready_connection
):
    client.force_login(clerk)
    page = client.get(reverse("admin:integration_connection_change", args=[ready_connection.pk]))
    html = page.content.decode()
    assert "Projektstyring (4)" in html
    assert "SuperUser" in html


def test_each_customer_link_in_the_list_opens_the_search_at_no_query_per_row(
    client, clerk, connection
):
    from django.db import connection as database
    from django.test.utils import CaptureQueriesContext

    from integration.models import CustomerLink
    from tests.ledger.factories import CustomerFactory

    def listed() -> tuple[str, int]:
        with CaptureQueriesContext(database) as queries:
            page = client.get(reverse("admin:integration_customerlink_changelist"))
        return page.content.decode(), len(queries)

    client.force_login(clerk)
    customers = [CustomerFactory() for _ in range(12)]
    for customer in customers[:2]:
        CustomerLink.objects.create(connection=connection, customer=customer)
    _, few = listed()
    for customer in customers[2:]:
        CustomerLink.objects.create(connection=connection, customer=customer)
    html, many = listed()
    find = reverse("admin:integration_customerlink_find")
    assert f'{find}?connection={connection.pk}&amp;customer={customers[-1].pk}' in html
    assert many == few
