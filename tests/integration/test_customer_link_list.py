"""The customer-link list opens the search for any customer, and links in bulk every selected
customer e-conomic has exactly one suggestion for, saying what it linked and what it left."""

import html as entities
import re

from django.contrib.messages import get_messages
from django.urls import reverse

from integration.models import CustomerLink
from tests.integration.conftest import remote
from tests.ledger.factories import CustomerFactory

LIST = "admin:integration_customerlink_changelist"


def text(page: str) -> str:
    return entities.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_list_has_a_button_to_the_search(client, clerk, connection):
    client.force_login(clerk)
    page = client.get(reverse(LIST)).content.decode()
    assert f'href="{reverse("admin:integration_customerlink_find")}"' in page
    assert "Find a customer in e-conomic" in page


def test_the_search_first_finds_our_customer_then_theirs(client, clerk, connection):
    ours = CustomerFactory(name="Acme ApS", vat_number="13585628")
    CustomerFactory(name="Other A/S")
    remote(connection, "customer", 7, "ACME ApS", identification="DK13585628")
    client.force_login(clerk)
    find = reverse("admin:integration_customerlink_find")

    page = client.get(find, {"q": "acme"}).content.decode()
    assert "Acme ApS" in page and "Other A/S" not in page
    assert f"{find}?connection={connection.pk}&amp;customer={ours.pk}" in page

    page = client.get(find, {"connection": connection.pk, "customer": ours.pk}).content.decode()
    assert f"Find {ours} in e-conomic" in text(page) and "ACME ApS" in page


def test_a_customer_id_that_is_no_number_is_a_404(client, clerk, connection):
    client.force_login(clerk)
    find = reverse("admin:integration_customerlink_find")
    assert client.get(find, {"connection": connection.pk, "customer": "x"}).status_code == 404


def test_link_suggested_links_the_unambiguous_and_says_what_it_left(client, clerk, connection):
    single = CustomerFactory(name="Acme ApS", vat_number="13585628")
    twice = CustomerFactory(name="Nordic Trading")
    nothing = CustomerFactory(name="Brand New ApS")
    remote(connection, "customer", 7, "Acme A/S", identification="DK 13 58 56 28")
    remote(connection, "customer", 20, "Nordic Trading")
    remote(connection, "customer", 21, "Nordic Trading")
    links = [CustomerLink.objects.create(connection=connection, customer=customer, state="create")
             for customer in (single, twice, nothing)]
    client.force_login(clerk)

    answer = client.post(reverse(LIST), {
        "action": "link_suggested", "_selected_action": [link.pk for link in links]})

    assert answer.status_code == 302
    single_link = CustomerLink.objects.get(customer=single)
    assert (single_link.state, single_link.remote_number, single_link.matched_by) == ("linked", 7, "cvr")
    assert CustomerLink.objects.get(customer=twice).state == "create"
    message = " ".join(said(answer))
    assert f"Main agreement: Linked 1: {single} → 7." in message
    assert f"Left 1 with several candidates, for a person to choose: {twice} (20, 21)." in message
    assert f"Left 1 with no suggestion in e-conomic: {nothing}." in message


def test_link_suggested_never_gives_a_card_a_second_customer(client, clerk, connection):
    first = CustomerFactory(name="Twin ApS")
    second = CustomerFactory(name="Twin ApS")
    remote(connection, "customer", 30, "Twin ApS")
    CustomerLink.objects.create(connection=connection, customer=first, state="linked", remote_number=30)
    link = CustomerLink.objects.create(connection=connection, customer=second, state="ambiguous", candidates=[30, 31])
    client.force_login(clerk)

    answer = client.post(reverse(LIST), {"action": "link_suggested", "_selected_action": [link.pk]})

    assert CustomerLink.objects.get(customer=second).state == "ambiguous"
    assert f"Left 1 whose only candidate is linked to another customer already: {second} (30)." in " ".join(said(answer))
