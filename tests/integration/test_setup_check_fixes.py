"""Each setup-check finding links to the page its fix is made on: the row of its mapping grid,
or the connection's field."""

import re

from django.urls import reverse

from tests.integration.test_setup_check import complete, finalized_invoice  # noqa: F401
from tests.ledger.factories import SalesAccountFactory, ServiceTypeFactory, VatCodeFactory


def fix_links(client, connection) -> dict[str, str]:
    page = client.get(reverse("admin:integration_connection_setup_check", args=[connection.pk]))
    rows = re.findall(r'data-code="([^"]+)">.*?<td class="setup-fix">(.*?)</td>', page.content.decode(), re.S)
    return {code: (re.search(r'href="([^"]+)"', cell).group(1).replace("&amp;", "&") if "href" in cell else "") for code, cell in rows}


def test_an_unpaired_vat_code_links_to_its_row_of_the_vat_grid(client, clerk, complete):  # noqa: F811
    vat_code = VatCodeFactory(code="S25")
    finalized_invoice(vat_code=vat_code)
    client.force_login(clerk)

    url = fix_links(client, complete)["vat_code_unpaired"]

    assert url == f"{reverse('admin:integration_vatcodepairing_grid')}?connection={complete.pk}#row-{vat_code.pk}"
    grid = client.get(url.split("#")[0]).content.decode()
    assert f'<tr id="row-{vat_code.pk}"' in grid and "S25" in grid


def test_an_unmapped_service_type_and_sales_account_link_to_their_rows(client, clerk, complete):  # noqa: F811
    complete.default_product_number = ""
    complete.save()
    service_type = ServiceTypeFactory(name="Consulting")
    account = SalesAccountFactory(number=1010)
    finalized_invoice(service_type=service_type, sales_account=account)
    client.force_login(clerk)

    links = fix_links(client, complete)

    assert links["service_type_unmapped"].endswith(f"servicetypemapping/grid/?connection={complete.pk}#row-{service_type.pk}")
    assert links["sales_account_unmapped"].endswith(f"salesaccountmapping/grid/?connection={complete.pk}#row-{account.pk}")
    assert links["payment_condition_unpaired"].startswith(reverse("admin:integration_paymentconditionpairing_grid"))


def test_a_missing_default_links_to_the_connections_field(client, manager, complete):  # noqa: F811
    complete.default_layout_number = None
    complete.save()
    client.force_login(manager)
    links = fix_links(client, complete)
    assert links["default_layout_number_missing"] == reverse("admin:integration_connection_change", args=[complete.pk]) + "#id_default_layout_number"
    page = client.get(reverse("admin:integration_connection_change", args=[complete.pk])).content.decode()
    assert 'id="id_default_layout_number"' in page


def test_a_fix_made_in_the_environment_has_no_link(client, clerk, complete, settings):  # noqa: F811
    settings.ECONOMIC_ENDPOINTS = {**settings.ECONOMIC_ENDPOINTS, "sandbox": {**settings.ECONOMIC_ENDPOINTS["sandbox"], "app_secret_token": ""}}
    client.force_login(clerk)
    assert fix_links(client, complete)["app_token_missing"] == ""


def test_the_setup_check_links_to_every_mapping_grid_of_the_connection(client, clerk, complete):  # noqa: F811
    client.force_login(clerk)
    page = client.get(reverse("admin:integration_connection_setup_check", args=[complete.pk])).content.decode()
    for model in ("servicetypemapping", "vatcodepairing", "paymentconditionpairing", "salesaccountmapping"):
        url = f"{reverse(f'admin:integration_{model}_grid')}?connection={complete.pk}"
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200
