"""One test per business error code of draft invoices (REFERENCE §4.1), in e-conomic's bodies."""

from tests.sandbox import invoice_api
from tests.sandbox.invoice_api import a_draft, a_line, errors_of, first_error

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES


def test_a_missing_required_property_is_e04020_in_the_e04300_envelope(api):
    draft = a_draft()
    del draft["layout"]
    answer = api.post("/invoices/drafts", draft)
    body = answer.json()
    assert body["message"] == "Validation failed. 1 error found."
    assert body["errorCount"] == 1 and body["httpStatusCode"] == 400
    assert body["logId"].endswith("-CPH") and body["logTime"]
    assert first_error(errors_of(answer), "layout")["errorCode"] == "E04020"


def test_an_unknown_customer_is_e06000(api):
    answer = api.post("/invoices/drafts", a_draft(customer={"customerNumber": 4242}))
    error = first_error(errors_of(answer), "customer")
    assert error["errorCode"] == "E06000"
    assert error["errorMessage"] == "Customer '4242' does not exist."
    assert error["inputValue"] == 4242


def test_an_unknown_customer_given_by_self_link_is_e06000(api):
    customer = {"self": api.url("/customers/4242")}
    answer = api.post("/invoices/drafts", a_draft(customer=customer))
    assert first_error(errors_of(answer), "customer")["errorCode"] == "E06000"


def test_an_unknown_product_is_e06000_under_the_lines_array_index(api):
    lines = [a_line(), a_line(product={"productNumber": "NOPE"})]
    answer = api.post("/invoices/drafts", a_draft(lines=lines))
    assert first_error(errors_of(answer), "lines", 1, "product")["errorCode"] == "E06000"


def test_unknown_layout_payment_terms_vat_zone_and_currency_are_each_e06000(api):
    draft = a_draft(
        layout={"layoutNumber": 999},
        paymentTerms={"paymentTermsNumber": 999},
        currency="XXX",
        recipient={"name": "x", "vatZone": {"vatZoneNumber": 99}},
    )
    errors = errors_of(api.post("/invoices/drafts", draft))
    assert first_error(errors, "layout")["errorCode"] == "E06000"
    assert first_error(errors, "paymentTerms")["errorCode"] == "E06000"
    assert first_error(errors, "currency")["errorCode"] == "E06000"
    assert first_error(errors, "recipient", "vatZone")["errorCode"] == "E06000"


def test_a_line_with_a_product_but_no_quantity_is_e04730(api):
    line = a_line()
    del line["quantity"]
    answer = api.post("/invoices/drafts", a_draft(lines=[line]))
    assert first_error(errors_of(answer), "lines", 0, "quantity")["errorCode"] == "E04730"


def test_more_than_two_decimals_is_e04740(api):
    answer = api.post("/invoices/drafts", a_draft(lines=[a_line(unitNetPrice=10.005)]))
    error = first_error(errors_of(answer), "lines", 0, "unitNetPrice")
    assert error["errorCode"] == "E04740"
    assert error["inputValue"] == 10.005


def test_a_text_over_the_schemas_max_length_is_e04010(api):
    answer = api.post("/invoices/drafts", a_draft(references={"other": "x" * 251}))
    assert first_error(errors_of(answer), "references", "other")["errorCode"] == "E04010"


def closed_year_date(api) -> str:
    years = [y for y in api.get("/accounting-years").json()["collection"] if y.get("closed")]
    return years[0]["fromDate"]


def test_a_draft_dated_in_a_barred_period_is_created(api):
    answer = api.post("/invoices/drafts", a_draft(date=closed_year_date(api)))
    assert answer.status_code == 201, answer.text


def test_booking_a_draft_dated_in_a_barred_period_is_e04870_and_keeps_the_draft(api):
    draft = api.create_draft(date=closed_year_date(api))
    answer = api.post("/invoices/booked", {"draftInvoice": {"draftInvoiceNumber":
                                                             draft["draftInvoiceNumber"]}})
    assert first_error(errors_of(answer), "date")["errorCode"] == "E04870"
    assert api.get(draft["self"]).status_code == 200
    assert api.get("/invoices/booked").json()["collection"] == []


def test_a_barred_product_is_e06600(api):
    product = api.get("/products/1").json()
    product["barred"] = True
    for key in ("self", "lastUpdated", "invoices", "pricing", "inventory", "metaData"):
        product.pop(key, None)
    assert api.put("/products/1", product).status_code == 200
    answer = api.post("/invoices/drafts", a_draft())
    error = first_error(errors_of(answer), "lines", 0, "product")
    assert error["errorCode"] == "E06600"
    assert error["errorMessage"] == "Product '1' is barred."


def test_a_project_without_the_projects_module_is_refused_on_project(api_without_projects):
    answer = api_without_projects.post("/invoices/drafts", a_draft(project={"projectNumber": 1}))
    error = first_error(errors_of(answer), "project")
    assert error["errorCode"] == "E06000"
    assert "projects module is not enabled" in error["errorMessage"]


def test_an_unknown_project_with_the_module_is_e06000(api):
    answer = api.post("/invoices/drafts", a_draft(project={"projectNumber": 777}))
    assert first_error(errors_of(answer), "project")["errorCode"] == "E06000"


def test_a_known_project_is_accepted_and_linked(api):
    created = api.post("/api/v22.0.0/projects", {"name": "Website", "projectGroupNumber": 1})
    number = created.json()["number"]
    draft = api.create_draft(project={"projectNumber": number})
    assert draft["project"]["projectNumber"] == number
    assert draft["project"]["self"].endswith(f"/projects/{number}")


def test_a_project_given_by_self_link_is_kept_by_number(api):
    number = api.post("/api/v22.0.0/projects", {"name": "W", "projectGroupNumber": 1}).json()[
        "number"
    ]
    draft = api.create_draft(project={"self": f"https://restapi.e-conomic.com/projects/{number}"})
    assert draft["project"] == {"projectNumber": number, "self": api.url(f"/projects/{number}")}


def test_due_date_terms_without_a_due_date_are_refused(api):
    terms = api.get("/payment-terms").json()["collection"]
    number = next(t["paymentTermsNumber"] for t in terms if t["paymentTermsType"] == "dueDate")
    answer = api.post("/invoices/drafts", a_draft(paymentTerms={"paymentTermsNumber": number}))
    assert first_error(errors_of(answer), "dueDate")["errorCode"] == "E04020"


def test_a_reference_without_an_identifier_is_e04500(api):
    answer = api.post("/invoices/drafts", a_draft(layout={}))
    assert first_error(errors_of(answer), "layout")["errorCode"] == "E04500"


def test_several_errors_are_counted_together(api):
    draft = a_draft(customer={"customerNumber": 4242}, lines=[a_line(quantity=1.234)])
    body = api.post("/invoices/drafts", draft).json()
    # schema errors come first: the decimals error stops the request before the lookups
    assert body["errorCount"] == 1
    assert first_error(body["errors"], "lines", 0, "quantity")["errorCode"] == "E04740"


def test_a_body_that_is_not_json_is_refused(api):
    answer = api.request(
        "POST", "/invoices/drafts", data=b"{", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
