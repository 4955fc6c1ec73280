"""The VAT a draft line gets follows e-conomic's chain (REFERENCE §2.6): product → product group
→ the group's sales account for the recipient's VAT zone → that account's VAT code → its rate,
charged in the Domestic zone only. Codes are set through the control API."""

from tests.sandbox import invoice_api
from tests.sandbox.conftest import schema_errors
from tests.sandbox.invoice_api import a_line

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES

EU_RECIPIENT = {"name": "Nordic Imports GmbH", "vatZone": {"vatZoneNumber": 2}}


def add_vat_code(api, code: str, rate) -> None:
    answer = api.control("PUT", f"/vat-accounts/{code}", {"ratePercentage": rate})
    assert answer.status_code == 200, answer.text


def set_account_code(api, account: int, code) -> dict:
    answer = api.control("PUT", f"/accounts/{account}", {"vatCode": code})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_domestic_line_gets_the_rate_of_its_groups_sales_account_code(api):
    draft = api.create_draft(lines=[a_line(unitNetPrice=100)])  # product 1: group 3 → 1010 U25
    assert (draft["netAmount"], draft["vatAmount"], draft["grossAmount"]) == (100, 25, 125)


def test_a_new_vat_code_on_the_account_changes_the_vat_of_new_drafts(api):
    before = api.create_draft(lines=[a_line(unitNetPrice=100)])
    add_vat_code(api, "U12", 12)
    set_account_code(api, 1010, "U12")
    after = api.create_draft(lines=[a_line(unitNetPrice=100)])
    assert after["vatAmount"] == 12
    assert api.get(before["self"]).json()["vatAmount"] == 25  # priced when it was written


def test_an_account_without_a_vat_code_gives_no_vat(api):
    set_account_code(api, 1010, None)
    assert api.create_draft()["vatAmount"] == 0


def test_the_account_shows_its_vat_code_over_rest(api):
    add_vat_code(api, "U12", 12)
    set_account_code(api, 1010, "U12")
    account = api.get("/accounts/1010").json()
    assert account["vatAccount"]["vatCode"] == "U12"
    assert account["vatAccount"]["self"] == api.url("/vat-accounts/U12")
    assert api.get("/vat-accounts/U12").json()["ratePercentage"] == 12


def test_an_eu_recipient_pays_no_vat_even_on_an_account_with_a_vat_code(api):
    answer = api.control("PUT", "/product-groups/3/sales-accounts/2", {"accountNumber": 1010})
    assert answer.status_code == 200, answer.text
    draft = api.create_draft(recipient=EU_RECIPIENT)
    assert draft["vatAmount"] == 0
    assert draft["grossAmount"] == draft["netAmount"]


def test_an_abroad_or_exempt_recipient_pays_no_vat(api):
    for zone in (3, 4):
        recipient = {"name": "Somewhere", "vatZone": {"vatZoneNumber": zone}}
        assert api.create_draft(recipient=recipient)["vatAmount"] == 0


def test_a_new_account_can_be_created_with_a_code_and_used_by_a_group(api):
    add_vat_code(api, "U10", 10)
    account = set_account_code(api, 1050, "U10")
    assert account["accountType"] == "profitAndLoss"
    api.control("PUT", "/product-groups/3/sales-accounts/1", {"accountNumber": 1050})
    assert api.create_draft(lines=[a_line(unitNetPrice=100)])["vatAmount"] == 10
    sales = api.get("/product-groups/3/sales-accounts").json()
    assert schema_errors(sales, "product-groups.productGroupNumber.sales-accounts.get") == []


def test_an_unknown_vat_code_is_refused_by_the_control_api(api):
    answer = api.control("PUT", "/accounts/1010", {"vatCode": "NOPE"})
    assert answer.status_code == 400
    assert api.get("/accounts/1010").json()["vatAccount"]["vatCode"] == "U25"


def test_a_sales_account_that_does_not_exist_is_refused(api):
    answer = api.control("PUT", "/product-groups/3/sales-accounts/1", {"accountNumber": 4242})
    assert answer.status_code == 400


def test_accounts_and_vat_accounts_still_validate_against_the_schemas(api):
    add_vat_code(api, "U12", 12)
    set_account_code(api, 1050, "U12")
    assert schema_errors(api.get("/accounts").json(), "accounts.get") == []
    assert schema_errors(api.get("/vat-accounts").json(), "vat-accounts.get") == []
