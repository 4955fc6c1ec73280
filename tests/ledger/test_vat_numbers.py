import pytest
from django.core.exceptions import ValidationError

from accounts_app.models import Customer
from tests.ledger.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def clean(**fields) -> Customer:
    customer = CustomerFactory.build(payment_condition=CustomerFactory().payment_condition,
                                     **fields)  # fmt: skip
    customer.full_clean()
    return customer


def test_a_valid_danish_cvr_number_is_accepted_and_stored_compact():
    assert clean(country="DK", vat_number="DK 1358 5628").vat_number == "13585628"


def test_an_invalid_cvr_number_is_an_error_on_the_vat_number_field():
    with pytest.raises(ValidationError) as raised:
        clean(country="DK", vat_number="13585627")
    assert list(raised.value.message_dict) == ["vat_number"]
    assert "not a valid VAT number for DK" in raised.value.message_dict["vat_number"][0]


def test_an_eu_vat_number_is_checked_with_its_country_prefix_added():
    assert clean(country="SE", vat_number="556036079301").vat_number == "SE556036079301"


def test_an_invalid_eu_vat_number_is_an_error_on_the_vat_number_field():
    with pytest.raises(ValidationError) as raised:
        clean(country="DE", vat_number="DE123456780")
    assert list(raised.value.message_dict) == ["vat_number"]


def test_greek_numbers_use_the_el_prefix():
    assert clean(country="GR", vat_number="094259216").vat_number == "EL094259216"


def test_a_number_for_a_country_without_rules_is_kept_as_entered():
    assert clean(country="AQ", vat_number="ANY-123").vat_number == "ANY-123"


def test_reverse_charge_without_a_vat_number_is_an_error_on_the_vat_number_field():
    with pytest.raises(ValidationError) as raised:
        clean(country="SE", vat_situation="eu_reverse_charge")
    assert "reverse charge needs a VAT number" in raised.value.message_dict["vat_number"][0]


def test_an_invalid_ean_is_an_error_on_the_ean_field():
    with pytest.raises(ValidationError) as raised:
        clean(ean="5790000000004")
    assert list(raised.value.message_dict) == ["ean"]


def test_the_admin_form_shows_an_invalid_cvr_number_on_its_field(admin_client):
    condition = CustomerFactory().payment_condition
    response = admin_client.post("/admin/accounts_app/customer/add/", {
        "number": "900", "kind": "company", "name": "Bad CVR ApS", "vat_number": "12345678",
        "country": "DK", "currency": "DKK", "payment_condition": condition.pk,
        "vat_situation": "domestic",
    })  # fmt: skip
    assert response.status_code == 200
    assert "not a valid VAT number for DK" in str(response.context["adminform"].form.errors["vat_number"])
    assert not Customer.objects.filter(number=900).exists()
