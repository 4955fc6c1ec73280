import pytest
from django.core.exceptions import ValidationError

from accounts_app.models import PaymentCondition
from integration.models import Connection, CustomerLink, PaymentConditionPairing, ServiceTypeMapping
from integration.models.mappings import CustomerLinkState
from integration.services.mappings import (
    customers_auto_match,
    identification_key,
    payment_conditions_pair,
    remote_customers_search,
)
from tests.integration.conftest import remote
from tests.ledger.factories import CustomerFactory, PaymentConditionFactory, ServiceTypeFactory


def link_of(connection, customer) -> CustomerLink:
    return CustomerLink.objects.get(connection=connection, customer=customer)


def test_it_links_by_cvr_first(connection):
    customer = CustomerFactory(name="Acme ApS", vat_number="13585628", email="a@acme.dk")
    remote(connection, "customer", 7, "Something else A/S", identification="DK 13 58 56 28")
    remote(connection, "customer", 8, "Acme ApS", email_field="a@acme.dk")
    result = customers_auto_match(connection=connection)
    assert result.linked == 1
    link = link_of(connection, customer)
    assert (link.state, link.remote_number, link.matched_by) == ("linked", 7, "cvr")


def test_it_links_by_email_when_no_cvr_matches(connection):
    customer = CustomerFactory(name="Anna Jensen", email="Anna@Example.dk")
    remote(connection, "customer", 9, "A. Jensen", email_field="bills@example.dk anna@example.dk")
    customers_auto_match(connection=connection)
    assert link_of(connection, customer).remote_number == 9


def test_it_links_by_exact_name_last(connection):
    customer = CustomerFactory(name="Müller & Søn (A/S)")
    remote(connection, "customer", 10, "müller & søn (a/s)")
    remote(connection, "customer", 11, "Müller & Søn")
    customers_auto_match(connection=connection)
    assert link_of(connection, customer).remote_number == 10


def test_several_candidates_wait_for_a_person(connection):
    customer = CustomerFactory(name="Nordic Trading")
    remote(connection, "customer", 20, "Nordic Trading")
    remote(connection, "customer", 21, "Nordic Trading")
    result = customers_auto_match(connection=connection)
    assert result.ambiguous == 1
    link = link_of(connection, customer)
    assert (link.state, link.remote_number, link.candidates) == ("ambiguous", None, [20, 21])


def test_no_candidate_creates_nothing(connection):
    CustomerFactory(name="Brand New ApS")
    result = customers_auto_match(connection=connection)
    assert result.unmatched == 1
    assert not CustomerLink.objects.exists()


def test_one_card_is_never_linked_to_two_customers(connection):
    first = CustomerFactory(name="Twin ApS", email="x@twin.dk")
    second = CustomerFactory(name="Twin ApS", email="x@twin.dk")
    remote(connection, "customer", 30, "Twin ApS", email_field="x@twin.dk")
    result = customers_auto_match(connection=connection)
    assert (result.linked, result.taken) == (1, 1)
    assert CustomerLink.objects.filter(remote_number=30).count() == 1
    assert {first.pk, second.pk} & set(CustomerLink.objects.values_list("customer_id", flat=True))


def test_a_persons_decision_is_kept(connection):
    customer = CustomerFactory(name="Kept ApS")
    CustomerLink.objects.create(connection=connection, customer=customer, state="create")
    remote(connection, "customer", 40, "Kept ApS")
    customers_auto_match(connection=connection)
    assert link_of(connection, customer).state == CustomerLinkState.CREATE


def test_the_database_refuses_a_second_link_to_one_card(connection):
    remote(connection, "customer", 5, "Shared card A/S")
    first, second = CustomerFactory(), CustomerFactory()
    CustomerLink.objects.create(
        connection=connection, customer=first, state="linked", remote_number=5
    )
    duplicate = CustomerLink(
        connection=connection, customer=second, state="linked", remote_number=5
    )
    with pytest.raises(ValidationError, match="already linked to another customer"):
        duplicate.full_clean()


def test_identification_keys_ignore_prefix_and_spacing():
    assert identification_key("DK 13 58 56 28") == identification_key("13585628") == "13585628"


def test_it_searches_cached_customers_by_number_name_cvr_and_email(connection):
    remote(
        connection, "customer", 101, "Acme ApS", identification="13585628", email_field="a@acme.dk"
    )
    remote(connection, "customer", 102, "Other", email_field="other@x.dk")
    def names(query):
        return [
            r.name for r in remote_customers_search(connection=connection, query=query)
        ]
    assert names("101") == ["Acme ApS"]
    assert names("acme") == ["Acme ApS"]
    assert names("DK13585628") == ["Acme ApS"]
    assert names("other@x") == ["Other"]


def test_payment_conditions_pair_by_type_and_days(connection):
    net14 = PaymentConditionFactory(name="Net 14", kind="net", days=14)
    month30 = PaymentConditionFactory(
        name="Month 30", kind=PaymentCondition.Kind.CURRENT_MONTH, days=30
    )
    cash = PaymentConditionFactory(name="Cash", kind="cash", days=0)
    odd = PaymentConditionFactory(name="Net 45", kind="net", days=45)
    remote(connection, "payment_terms", 2, "Netto 14 dage", paymentTermsType="net", daysOfCredit=14)
    remote(
        connection, "payment_terms", 9, "Netto 14 (copy)", paymentTermsType="net", daysOfCredit=14
    )
    remote(
        connection,
        "payment_terms",
        4,
        "Løbende måned 30",
        paymentTermsType="invoiceMonth",
        daysOfCredit=30,
    )
    remote(connection, "payment_terms", 3, "Kontant", paymentTermsType="paidInCash")
    counts = payment_conditions_pair(connection=connection)
    assert counts == {"paired": 3, "unmatched": 1, "kept": 0}
    pairs = {
        p.payment_condition_id: p.payment_terms.number
        for p in PaymentConditionPairing.objects.select_related("payment_terms")
    }
    assert pairs == {net14.pk: "2", month30.pk: "4", cash.pk: "3"}
    assert odd.pk not in pairs


def test_a_pairing_chosen_by_name_survives_automatic_pairing(connection):
    net14 = PaymentConditionFactory(name="Net 14", kind="net", days=14)
    remote(connection, "payment_terms", 2, "Netto 14 dage", paymentTermsType="net", daysOfCredit=14)
    chosen = remote(connection, "payment_terms", 7, "Special", paymentTermsType="dueDate")
    PaymentConditionPairing.objects.create(
        connection=connection, payment_condition=net14, payment_terms=chosen, chosen_by_person=True
    )
    payment_conditions_pair(connection=connection)
    assert PaymentConditionPairing.objects.get(payment_condition=net14).payment_terms == chosen


def test_a_mapping_refuses_a_record_of_another_connection(connection):
    other = Connection.objects.create(name="Other", endpoint="sandbox", grant_token="x")
    product = remote(other, "product", "P1")
    mapping = ServiceTypeMapping(
        connection=connection, service_type=ServiceTypeFactory(), product=product
    )
    with pytest.raises(ValidationError, match="belongs to connection Other"):
        mapping.full_clean()
