"""Each kind of mapping is one grid: every one of ours with its e-conomic choice, unmapped
first, only what e-conomic would take offered, saved all at once or not at all."""

import html as entities
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from integration.models import (
    PaymentConditionPairing,
    SalesAccountMapping,
    ServiceTypeMapping,
    VatCodePairing,
)
from tests.integration.conftest import remote
from tests.ledger.factories import (
    PaymentConditionFactory,
    SalesAccountFactory,
    ServiceTypeFactory,
    VatCodeFactory,
)


def grid(model: str) -> str:
    return reverse(f"admin:integration_{model}_grid")


def text(html: str) -> str:
    return entities.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def row_names(html: str) -> list[str]:
    return [text(name).strip() for name in re.findall(r'<tr id="row-\d+"[^>]*>\s*<th scope="row">(.*?)</th>', html, re.S)]


def options(html: str, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


@pytest.fixture
def products(ready_connection):
    remote(ready_connection, "product", "1", "Konsulenttime", productGroup={"productGroupNumber": 3})
    remote(ready_connection, "product", "2", "Kørsel", productGroup={"productGroupNumber": 4})
    remote(ready_connection, "product", "OLD-1", "Udgået vare", barred=True, productGroup={"productGroupNumber": 1})
    return ready_connection


def test_the_service_type_grid_lists_every_service_type_unmapped_first(client, clerk, products):
    mapped, unmapped = ServiceTypeFactory(name="Consulting"), ServiceTypeFactory(name="Travel")
    ServiceTypeMapping.objects.create(connection=products, service_type=mapped, product=products.remote_records.get(number="1"))
    client.force_login(clerk)

    html = client.get(grid("servicetypemapping")).content.decode()

    assert row_names(html) == ["Travel", "Consulting"]
    assert options(html, f"row-{unmapped.pk}-product") == ["", "1", "2"]  # the barred product is not offered
    assert "1 Konsulenttime (product group 3)" in html
    assert "2 rows; unmapped ones first." in text(html)


def test_saving_the_grid_maps_every_row_in_one_submit(client, clerk, products):
    first, second = ServiceTypeFactory(name="Consulting"), ServiceTypeFactory(name="Travel")
    client.force_login(clerk)

    answer = client.post(grid("servicetypemapping"), {
        "connection": products.pk, f"row-{first.pk}-product": "1", f"row-{second.pk}-product": "2",
    }, follow=True)

    mapped = dict(ServiceTypeMapping.objects.values_list("service_type__name", "product__number"))
    assert mapped == {"Consulting": "1", "Travel": "2"}
    assert "Saved: 2 mapped, 0 unmapped, 0 unchanged." in text(answer.content.decode())


def test_a_barred_product_is_refused_and_nothing_is_saved(client, clerk, products):
    first, second = ServiceTypeFactory(name="Consulting"), ServiceTypeFactory(name="Travel")
    client.force_login(clerk)

    answer = client.post(grid("servicetypemapping"), {
        "connection": products.pk, f"row-{first.pk}-product": "1", f"row-{second.pk}-product": "OLD-1",
    })

    page = text(answer.content.decode())
    assert answer.status_code == 200 and not ServiceTypeMapping.objects.exists()
    assert "The product OLD-1 is barred in e-conomic: choose another" in page
    assert "Nothing was saved: 1 row cannot be mapped as chosen; it says why below." in page


def test_an_unknown_product_is_refused_by_name(client, clerk, products):
    service = ServiceTypeFactory(name="Consulting")
    client.force_login(clerk)
    answer = client.post(grid("servicetypemapping"), {"connection": products.pk, f"row-{service.pk}-product": "999"})
    assert "e-conomic has no product 999 (as last fetched)" in text(answer.content.decode())
    assert not ServiceTypeMapping.objects.exists()


def test_emptying_a_row_unmaps_it(client, clerk, products):
    service = ServiceTypeFactory(name="Consulting")
    ServiceTypeMapping.objects.create(connection=products, service_type=service, product=products.remote_records.get(number="1"))
    client.force_login(clerk)
    answer = client.post(grid("servicetypemapping"), {"connection": products.pk, f"row-{service.pk}-product": ""}, follow=True)
    assert not ServiceTypeMapping.objects.exists()
    assert "Saved: 0 mapped, 1 unmapped, 0 unchanged." in text(answer.content.decode())


def test_a_mapping_to_a_product_barred_since_is_shown_with_its_problem(client, clerk, products):
    service = ServiceTypeFactory(name="Consulting")
    ServiceTypeMapping.objects.create(connection=products, service_type=service, product=products.remote_records.get(number="OLD-1"))
    client.force_login(clerk)
    html = client.get(grid("servicetypemapping")).content.decode()
    assert "The product OLD-1 is barred in e-conomic" in text(html)
    assert options(html, f"row-{service.pk}-product")[:2] == ["", "OLD-1"]


@pytest.fixture
def vat_accounts(ready_connection):
    remote(ready_connection, "vat_account", "U25", "Salgsmoms 25%", ratePercentage=25.0, vatType={"vatTypeNumber": 1, "name": "Outgoing Sales Domestic"})
    remote(ready_connection, "vat_account", "I25", "Købsmoms 25%", ratePercentage=25.0, vatType={"vatTypeNumber": 2, "name": "Ingoing Purchase Domestic"})
    remote(ready_connection, "vat_account", "UV0", "Salg til udlandet 0%", ratePercentage=0.0, vatType={"vatTypeNumber": 1, "name": "Outgoing Sales Domestic"})
    return ready_connection


def test_the_vat_grid_offers_only_sales_vat_codes(client, clerk, vat_accounts):
    ours = VatCodeFactory(code="S25", rate=Decimal("25"))
    client.force_login(clerk)
    html = client.get(grid("vatcodepairing")).content.decode()
    assert options(html, f"row-{ours.pk}-vat_account") == ["", "U25", "UV0"]


def test_a_purchase_vat_code_is_refused_for_sales(client, clerk, vat_accounts):
    ours = VatCodeFactory(code="S25", rate=Decimal("25"))
    client.force_login(clerk)
    answer = client.post(grid("vatcodepairing"), {"connection": vat_accounts.pk, f"row-{ours.pk}-vat_account": "I25"})
    assert "e-conomic's VAT code I25 is for purchases (Ingoing Purchase Domestic); a sales invoice needs a sales VAT code." in text(answer.content.decode())
    assert not VatCodePairing.objects.exists()


def test_a_vat_code_of_another_rate_is_refused(client, clerk, vat_accounts):
    ours = VatCodeFactory(code="S25", rate=Decimal("25"))
    client.force_login(clerk)
    answer = client.post(grid("vatcodepairing"), {"connection": vat_accounts.pk, f"row-{ours.pk}-vat_account": "UV0"})
    assert "e-conomic's VAT code UV0 charges 0 %, and S25 (25 %) charges 25 %" in text(answer.content.decode())
    answer = client.post(grid("vatcodepairing"), {"connection": vat_accounts.pk, f"row-{ours.pk}-vat_account": "U25"})
    assert VatCodePairing.objects.get().vat_account.number == "U25"


def test_payment_terms_chosen_in_the_grid_are_kept_as_a_persons_choice(client, clerk, ready_connection):
    remote(ready_connection, "payment_terms", 1, "Netto 8 dage", paymentTermsType="net", daysOfCredit=8)
    remote(ready_connection, "payment_terms", 9, "Gammel", paymentTermsType="net", daysOfCredit=30, barred=True)
    condition = PaymentConditionFactory(name="Net 14 days")
    client.force_login(clerk)
    field = f"row-{condition.pk}-payment_terms"
    assert options(client.get(grid("paymentconditionpairing")).content.decode(), field) == ["", "1"]
    client.post(grid("paymentconditionpairing"), {"connection": ready_connection.pk, field: "1"})
    pairing = PaymentConditionPairing.objects.get()
    assert (pairing.payment_terms.number, pairing.chosen_by_person) == ("1", True)


@pytest.fixture
def groups(products):
    zones = lambda *accounts: [{"vatZone": {"vatZoneNumber": zone}, "salesAccount": {"accountNumber": account}} for zone, account in enumerate(accounts, 1)]  # noqa: E731
    remote(products, "product_group", 3, "Ydelser m/moms", salesAccounts=zones(1010, 1020, 1030, 1040))
    remote(products, "product_group", 4, "Ydelser u/moms", salesAccounts=zones(1040, 1020, 1030, 1040))
    remote(products, "account", 1010, "Salg m/moms", accountType="profitAndLoss")
    remote(products, "account", 1090, "Gammel salgskonto", accountType="profitAndLoss", barred=True)
    return products


def test_a_sales_account_maps_to_a_group_that_books_to_it_with_a_product_of_that_group(client, clerk, groups):
    account = SalesAccountFactory(number=1010, name="Sales")
    client.force_login(clerk)
    html = client.get(grid("salesaccountmapping")).content.decode()
    assert "3 Ydelser m/moms (books to 1010, 1020, 1030, 1040)" in html

    client.post(grid("salesaccountmapping"), {"connection": groups.pk, f"row-{account.pk}-product_group_number": "3", f"row-{account.pk}-product": "1"})

    mapping = SalesAccountMapping.objects.get()
    assert (mapping.product_group_number, mapping.product.number) == (3, "1")


@pytest.mark.parametrize(("group", "product", "refusal"), [
    ("4", "", "Product group 4 books its sales to 1040, 1020, 1030, not to 1010: choose a group that books to 1010"),
    ("3", "2", "Product 2 is in product group 4, not 3: choose a product of group 3, or none."),
    ("", "1", "Choose the product group first"),
    ("7", "", "e-conomic has no product group 7"),
])  # fmt: skip
def test_a_sales_account_mapping_e_conomic_would_not_book_is_refused(client, clerk, groups, group, product, refusal):
    account = SalesAccountFactory(number=1010, name="Sales")
    client.force_login(clerk)
    answer = client.post(grid("salesaccountmapping"), {"connection": groups.pk, f"row-{account.pk}-product_group_number": group, f"row-{account.pk}-product": product})
    assert refusal in text(answer.content.decode())
    assert not SalesAccountMapping.objects.exists()


def test_a_sales_account_e_conomic_has_barred_cannot_be_mapped(client, clerk, groups):
    account = SalesAccountFactory(number=1090, name="Old sales")
    client.force_login(clerk)
    answer = client.post(grid("salesaccountmapping"), {"connection": groups.pk, f"row-{account.pk}-product_group_number": "3"})
    assert "Account 1090 is no open sales (profit and loss) account in e-conomic's chart" in text(answer.content.decode())


def test_the_mapping_list_links_to_its_grid(client, clerk, ready_connection):
    client.force_login(clerk)
    html = client.get(reverse("admin:integration_vatcodepairing_changelist")).content.decode()
    assert f'href="{grid("vatcodepairing")}"' in html and "Edit all in one grid" in html


def test_a_user_who_may_only_look_sees_the_grid_but_cannot_save(client, django_user_model, products):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_servicetypemapping"))
    service = ServiceTypeFactory(name="Consulting")
    client.force_login(user)
    html = client.get(grid("servicetypemapping")).content.decode()
    assert "Consulting" in html and "Save every row" not in html
    answer = client.post(grid("servicetypemapping"), {"connection": products.pk, f"row-{service.pk}-product": "1"})
    assert answer.status_code == 403 and not ServiceTypeMapping.objects.exists()


def test_an_unknown_connection_is_a_404_not_an_error(client, clerk, ready_connection):
    client.force_login(clerk)
    assert client.get(grid("vatcodepairing"), {"connection": "abc"}).status_code == 404


def test_a_long_list_is_offered_once_for_all_rows_and_still_checked(client, clerk, products, monkeypatch):
    from integration.admin import mapping_grids

    monkeypatch.setattr(mapping_grids, "SELECT_LIMIT", 1)
    first, second = ServiceTypeFactory(name="Consulting"), ServiceTypeFactory(name="Travel")
    client.force_login(clerk)
    html = client.get(grid("servicetypemapping")).content.decode()
    assert html.count('<datalist id="choices-product">') == 1
    assert f'name="row-{first.pk}-product"' in html and 'list="choices-product"' in html
    answer = client.post(grid("servicetypemapping"), {"connection": products.pk, f"row-{first.pk}-product": "2", f"row-{second.pk}-product": "OLD-1"})
    assert "The product OLD-1 is barred in e-conomic" in text(answer.content.decode())
    client.post(grid("servicetypemapping"), {"connection": products.pk, f"row-{first.pk}-product": "2", f"row-{second.pk}-product": ""})
    assert ServiceTypeMapping.objects.get().product.number == "2"


def test_the_grid_asks_the_same_number_of_queries_for_many_rows(client, clerk, products, django_assert_max_num_queries):
    from django.db import connection as database
    from django.test.utils import CaptureQueriesContext

    client.force_login(clerk)
    ServiceTypeFactory()
    with CaptureQueriesContext(database) as few:
        client.get(grid("servicetypemapping"))
    for number in range(20):
        service = ServiceTypeFactory()
        if number % 2:
            ServiceTypeMapping.objects.create(connection=products, service_type=service, product=products.remote_records.get(number="1"))
    with django_assert_max_num_queries(len(few)):
        client.get(grid("servicetypemapping"))


def test_a_row_the_page_did_not_send_is_left_as_it_is(client, clerk, products):
    shown, added = ServiceTypeFactory(name="Consulting"), ServiceTypeFactory(name="Travel")
    ServiceTypeMapping.objects.create(connection=products, service_type=added, product=products.remote_records.get(number="2"))
    client.force_login(clerk)
    client.post(grid("servicetypemapping"), {"connection": products.pk, f"row-{shown.pk}-product": "1"})
    mapped = dict(ServiceTypeMapping.objects.values_list("service_type__name", "product__number"))
    assert mapped == {"Consulting": "1", "Travel": "2"}
