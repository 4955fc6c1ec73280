"""Reference data (REFERENCE §1.3, §2.2–2.7, §2.15): same keys as the recorded responses, valid
against e-conomic's schemas, and the lookups the invoice resources use."""
import datetime
from decimal import Decimal

import pytest

from economic_sandbox.resources import reference
from economic_sandbox.seed import new_agreement
from tests.sandbox.conftest import recorded, schema_errors, without_false

COLLECTIONS = [
    # (path, schema, recording or None)
    ("/layouts", "layouts.get", "layouts.json"),
    ("/payment-terms", "payment-terms.get", "payment_terms.json"),
    ("/vat-zones", "vat-zones.get", "vat_zones.json"),
    ("/units", "units.get", "units.json"),
    ("/customer-groups", "customer-groups.get", "customer_groups.json"),
    ("/product-groups", "product-groups.get", "product_groups.json"),
    ("/vat-types", "vat-types.get", "vat_types.json"),
    ("/accounting-years", "accounting-years.get", "accounting_years.json"),
    ("/vat-accounts", "vat-accounts.get", None),
    ("/accounts", "accounts.get", None),
    ("/currencies", "currencies.get", None),
    ("/product-groups/1/sales-accounts", "product-groups.productGroupNumber.sales-accounts.get",
     None),
]


def test_self_has_the_recorded_keys_and_validates(sandbox):
    body = sandbox.get("/self").json()
    assert set(body) == set(recorded("self.json"))
    assert body["agreementNumber"] == 9000001
    assert body["settings"] == {"baseCurrency": "DKK"}
    assert body["application"]["requiredRoles"] == [{"roleNumber": 2, "name": "SuperUser"}]
    assert schema_errors(body, "self.get") == []


def test_the_projects_module_is_listed_only_where_it_is_on(sandbox):
    with_projects = sandbox.get("/self").json()["modules"]
    without = sandbox.session_for("sandbox-grant-2").get(sandbox.url("/self")).json()["modules"]
    assert {"moduleNumber": 4, "name": "Projektstyring",
            "self": sandbox.url("/modules/agreement/4")} in with_projects
    assert all(module["moduleNumber"] != 4 for module in without)


@pytest.mark.parametrize("path, schema, recording", COLLECTIONS)
def test_a_reference_collection_validates_against_its_schema(sandbox, path, schema, recording):
    body = sandbox.get(path).json()
    assert body["collection"]
    assert schema_errors(body, schema) == []


@pytest.mark.parametrize("path, schema, recording",
                         [item for item in COLLECTIONS if item[2]])
def test_a_reference_collection_has_the_recorded_item_keys(sandbox, path, schema, recording):
    # The first open one: the recordings hold no closed year.
    ours = [item for item in sandbox.get(path).json()["collection"] if not item.get("closed")][0]
    theirs = without_false(recorded(recording)["collection"][0])
    assert set(ours) == set(theirs)


def test_vat_zones_are_the_four_danish_ones_and_false_is_left_out(sandbox):
    zones = sandbox.get("/vat-zones").json()["collection"]
    assert [zone["name"] for zone in zones] == ["Domestic", "EU", "Abroad", "Domestic exempt VAT"]
    assert "enabledForSupplier" not in zones[3]


@pytest.mark.parametrize("path", ["/layouts/19", "/payment-terms/7", "/vat-zones/2", "/units/2",
                                  "/customer-groups/1", "/product-groups/1", "/vat-accounts/U25",
                                  "/accounts/1010", "/currencies/EUR", "/accounting-years/" +
                                  str(datetime.date.today().year), "/vat-types/1"])
def test_a_single_reference_resource_links_itself(sandbox, path):
    body = sandbox.get(path).json()
    assert body["self"] == sandbox.url(path)


THIS_YEAR = str(datetime.date.today().year)
SINGLES = [
    ("/layouts/19", "layouts.layoutNumber.get"),
    ("/payment-terms/1", "payment-terms.paymentTermsNumber.get"),
    ("/vat-zones/4", "vat-zones.vatZoneNumber.get"),
    ("/units/2", "units.unitNumber.get"),
    ("/customer-groups/2", "customer-groups.customerGroupNumber.get"),
    ("/product-groups/3", "product-groups.productGroupNumber.get"),
    ("/vat-accounts/UEUV", "vat-accounts.id.get"),
    ("/vat-types/3", "vat-types.id.get"),
    ("/accounts/5600", "accounts.accountNumber.get"),
    ("/currencies/SEK", "currencies.code.get"),
    (f"/accounting-years/{THIS_YEAR}", "accounting-years.accountingYear.get"),
    (f"/accounting-years/{THIS_YEAR}/periods", "accounting-years.accountingYear.periods.get"),
    (f"/accounting-years/{THIS_YEAR}/periods/12",
     "accounting-years.accountingYear.periods.accountingYearPeriod.get"),
    ("/product-groups/1/products", "product-groups.productGroupNumber.products.get"),
    ("/customer-groups/1/customers", "customer-groups.customerGroupNumber.customers.get"),
]


@pytest.mark.parametrize("path, schema", SINGLES)
def test_a_reference_resource_validates_against_its_schema(sandbox, path, schema):
    answer = sandbox.get(path)
    assert answer.status_code == 200
    assert schema_errors(answer.json(), schema) == []


def test_the_reference_data_is_read_only(sandbox):
    answer = sandbox.delete("/layouts/19")
    assert answer.status_code == 405
    assert answer.json()["httpStatusCode"] == 405


def test_an_unknown_path_is_404(sandbox):
    assert sandbox.get("/no-such-thing").status_code == 404


def test_an_unknown_reference_resource_is_404(sandbox):
    assert sandbox.get("/layouts/999").status_code == 404
    assert sandbox.get("/currencies/XXX").status_code == 404


def test_payment_terms_without_days_of_credit_leave_the_key_out(sandbox):
    body = sandbox.get("/payment-terms/7").json()
    assert body["paymentTermsType"] == "dueDate"
    assert "daysOfCredit" not in body


def test_a_product_group_has_one_sales_account_per_vat_zone(sandbox):
    entries = sandbox.get("/product-groups/1/sales-accounts").json()["collection"]
    pairs = [(entry["vatZone"]["vatZoneNumber"], entry["salesAccount"]["accountNumber"])
             for entry in entries]
    assert pairs == [(1, 1010), (2, 1020), (3, 1030), (4, 1040)]
    assert entries[0]["salesAccount"]["vatAccount"]["vatCode"] == "U25"


def test_the_six_currencies_are_there(sandbox):
    codes = [item["code"] for item in sandbox.get("/currencies").json()["collection"]]
    assert sorted(codes) == ["DKK", "EUR", "GBP", "NOK", "SEK", "USD"]


def test_the_year_before_last_is_closed_with_barred_periods(sandbox):
    year = datetime.date.today().year
    years = {item["year"]: item for item in sandbox.get("/accounting-years").json()["collection"]}
    assert years[str(year - 2)]["closed"] is True
    assert "closed" not in years[str(year)]
    periods = sandbox.get(f"/accounting-years/{year - 2}/periods").json()["collection"]
    assert len(periods) == 12 and all(period["closed"] for period in periods)
    open_period = sandbox.get(f"/accounting-years/{year}/periods/3").json()
    assert open_period["fromDate"] == f"{year}-03-01" and "closed" not in open_period


@pytest.mark.parametrize("group, zone, rate", [
    (1, 1, "25"), (1, 2, "0"), (1, 3, "0"), (1, 4, "0"), (2, 1, "0"), (3, 1, "25")])
def test_vat_rate_follows_sales_account_and_vat_account(group, zone, rate):
    agreement = new_agreement(1, "grant", "Test ApS")
    assert reference.vat_rate(agreement, group, zone) == Decimal(rate)


def test_vat_rate_of_an_unknown_group_is_a_lookup_error():
    with pytest.raises(LookupError):
        reference.vat_rate(new_agreement(1, "grant", "Test ApS"), 99, 1)


def test_period_is_barred_only_in_the_closed_year():
    agreement = new_agreement(1, "grant", "Test ApS")
    year = datetime.date.today().year
    assert reference.period_is_barred(agreement, f"{year - 2}-06-15")
    assert not reference.period_is_barred(agreement, datetime.date(year, 6, 15))
    assert not reference.period_is_barred(agreement, "1990-01-01")
