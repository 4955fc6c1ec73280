"""The two VAT rounding models an agreement can have (ADDENDUM §1: e-conomic does not document
its own): "line" rounds each line's VAT and sums, "document" rounds once per rate on the summed
line nets, half-up. Three lines of 0.02 at 25 % tell them apart: 3 × 0.01 against 0.015 → 0.02."""

from tests.sandbox import invoice_api
from tests.sandbox.conftest import schema_errors
from tests.sandbox.invoice_api import a_line

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES

TINY_LINES = [a_line(unitNetPrice=0.02) for _ in range(3)]


def set_model(api, model: str):
    return api.control("PUT", "/vat-rounding", {"model": model})


def totals(document: dict) -> tuple:
    keys = ("netAmount", "vatAmount", "grossAmount", "roundingAmount")
    return tuple(document[key] for key in keys)


def test_an_agreement_rounds_vat_per_line_by_default(api):
    assert api.control("GET", "/vat-rounding").json() == {"model": "line"}
    assert api.control("GET", "").json()["vatRounding"] == "line"
    assert totals(api.create_draft(lines=TINY_LINES)) == (0.06, 0.03, 0.09, 0)


def test_the_document_model_rounds_once_on_the_summed_nets(api):
    assert set_model(api, "document").json() == {"model": "document"}
    assert totals(api.create_draft(lines=TINY_LINES)) == (0.06, 0.02, 0.08, 0)


def test_a_booked_invoice_keeps_the_models_totals_and_shows_line_vat_to_four_places(api):
    set_model(api, "document")
    booked = api.book(api.create_draft(lines=TINY_LINES)["draftInvoiceNumber"])
    assert totals(booked) == (0.06, 0.02, 0.08, 0)
    assert [line["vatAmount"] for line in booked["lines"]] == [0.005, 0.005, 0.005]
    assert booked["remainder"] == 0.08


def test_the_line_model_books_line_vat_rounded_to_cents(api):
    booked = api.book(api.create_draft(lines=TINY_LINES)["draftInvoiceNumber"])
    assert totals(booked) == (0.06, 0.03, 0.09, 0)
    assert [line["vatAmount"] for line in booked["lines"]] == [0.01, 0.01, 0.01]


def test_the_document_model_rounds_each_rate_on_its_own(api):
    api.control("PUT", "/vat-accounts/U10", {"ratePercentage": 10})
    api.control("PUT", "/accounts/1050", {"vatCode": "U10"})
    api.control("PUT", "/product-groups/1/sales-accounts/1", {"accountNumber": 1050})
    set_model(api, "document")
    lines = [a_line(unitNetPrice=0.02), a_line(product={"productNumber": "SKU-100"},
                                               unitNetPrice=0.05)]
    # 25 % of 0.02 = 0.005 → 0.01 and 10 % of 0.05 = 0.005 → 0.01; rounded once over both
    # rates it would be 0.01.
    assert api.create_draft(lines=lines)["vatAmount"] == 0.02


def test_an_agreement_can_be_created_with_the_document_model(sandbox):
    created = sandbox.create_agreement(grantToken="rounding", vatRounding="document")
    assert created["vatRounding"] == "document"


def test_an_unknown_model_is_refused(api):
    assert set_model(api, "banker").status_code == 400
    assert api.control("GET", "/vat-rounding").json() == {"model": "line"}


def test_drafts_and_booked_invoices_of_both_models_validate_against_the_schemas(api):
    for model in ("line", "document"):
        set_model(api, model)
        draft = api.create_draft(lines=TINY_LINES)
        assert schema_errors(api.get(draft["self"]).json(),
                             "invoices.drafts.draftInvoiceNumber.get") == []
        booked = api.book(draft["draftInvoiceNumber"])
        assert schema_errors(api.get(booked["self"]).json(),
                             "invoices.booked.bookedInvoiceNumber.get") == []
