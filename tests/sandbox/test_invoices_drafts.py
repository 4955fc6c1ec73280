"""Draft invoices over HTTP: create, read, replace, delete, lines, PDF (REFERENCE §2.8)."""

from tests.sandbox import invoice_api
from tests.sandbox.invoice_api import a_draft, a_line, days_from_today

api, api_without_projects, economic_sandbox_url = invoice_api.FIXTURES


def test_creating_a_draft_answers_201_with_location_and_computed_totals(api):
    lines = [a_line(quantity=3, unitNetPrice=99.99, discountPercentage=10)]
    answer = api.post("/invoices/drafts", a_draft(lines=lines))
    assert answer.status_code == 201
    draft = answer.json()
    assert answer.headers["Location"] == draft["self"]
    assert draft["self"] == api.url(f"/invoices/drafts/{draft['draftInvoiceNumber']}")
    # 3 x 99.99 x 0.9 = 269.973 -> 269.97; VAT 25 % (product group 3 sales account) = 67.49
    assert draft["netAmount"] == 269.97
    assert draft["vatAmount"] == 67.49
    assert draft["grossAmount"] == 337.46
    assert draft["lines"][0]["totalNetAmount"] == 269.97


def test_vat_is_rounded_per_line_then_summed(api):
    lines = [a_line(unitNetPrice=0.02), a_line(unitNetPrice=0.02)]
    draft = api.create_draft(lines=lines)
    # each line: 0.02 x 25 % = 0.005 -> 0.01 (half-up); summed 0.02, not round(0.01) = 0.01
    assert draft["vatAmount"] == 0.02


def test_a_product_group_without_vat_gives_zero_vat(api):
    draft = api.create_draft(lines=[a_line(product={"productNumber": "2"}, unitNetPrice=10)])
    assert draft["vatAmount"] == 0
    assert draft["grossAmount"] == 10


def test_the_eu_vat_zone_uses_the_zones_sales_account(api):
    recipient = {"name": "Nordic Imports GmbH", "vatZone": {"vatZoneNumber": 2}}
    draft = api.create_draft(recipient=recipient)
    assert draft["vatAmount"] == 0
    assert draft["recipient"]["vatZone"]["name"] == "EU"


def test_lines_take_price_and_name_from_the_product_when_left_out(api):
    draft = api.create_draft(lines=[{"product": {"productNumber": "1"}, "quantity": 2}])
    line = draft["lines"][0]
    assert line["unitNetPrice"] == 950.0
    assert line["description"] == "Konsulenttime"
    assert line["lineNumber"] == 1 and line["sortKey"] == 1


def test_the_due_date_follows_net_payment_terms(api):
    draft = api.create_draft(date="2026-03-02")
    assert draft["dueDate"] == "2026-03-10"
    assert draft["paymentTerms"]["name"] == "Netto 8 dage"


def test_the_draft_answer_omits_false_booleans_nulls_and_line_vat(api):
    draft = api.create_draft()
    text = str(draft)
    assert "None" not in text and "False" not in text
    assert "vatRate" not in draft["lines"][0]


def test_a_draft_can_be_read_alone_and_in_the_collection(api):
    draft = api.create_draft(references={"other": "order-4711"})
    single = api.get(draft["self"]).json()
    assert single == draft
    collection = api.get("/invoices/drafts", params={"filter": "references.other$eq:order-4711"})
    assert [item["draftInvoiceNumber"] for item in collection.json()["collection"]] == [
        draft["draftInvoiceNumber"]
    ]
    assert "lines" not in collection.json()["collection"][0]


def test_drafts_are_listed_in_number_order_with_pagination(api):
    numbers = [api.create_draft()["draftInvoiceNumber"] for _ in range(3)]
    page = api.get("/invoices/drafts", params={"pagesize": 2}).json()
    assert [item["draftInvoiceNumber"] for item in page["collection"]] == numbers[:2]
    assert page["pagination"]["results"] == 3
    assert "nextPage" in page["pagination"]


def test_filtering_drafts_on_a_property_that_is_not_filterable_is_refused(api):
    answer = api.get("/invoices/drafts", params={"filter": "grossAmount$gt:1"})
    assert answer.status_code == 400
    assert answer.json()["errors"] == ["Filtering is not allowed on property 'grossAmount'."]


def test_put_replaces_the_draft_and_recomputes(api):
    draft = api.create_draft()
    replacement = a_draft(lines=[a_line(quantity=2)], notes={"heading": "Replaced"})
    answer = api.put(draft["self"], replacement)
    assert answer.status_code == 200
    replaced = answer.json()
    assert replaced["draftInvoiceNumber"] == draft["draftInvoiceNumber"]
    assert replaced["netAmount"] == 200
    assert replaced["notes"] == {"heading": "Replaced"}


def test_put_without_header_fields_keeps_them(api):
    draft = api.create_draft(date="2026-03-02")
    answer = api.put(
        draft["self"], {"recipient": {"name": "Other", "vatZone": {"vatZoneNumber": 1}}}
    )
    assert answer.status_code == 200
    replaced = answer.json()
    assert replaced["date"] == "2026-03-02"
    assert replaced["recipient"]["name"] == "Other"
    assert "lines" not in replaced  # PUT replaces: no lines sent, none kept


def test_put_on_an_unknown_draft_is_404(api):
    assert api.put("/invoices/drafts/999", a_draft()).status_code == 404


def test_delete_answers_e_conomics_status_body_then_404(api):
    draft = api.create_draft()
    answer = api.delete(draft["self"])
    assert answer.status_code == 200
    assert answer.json() == {
        "message": "Deleted invoice.",
        "deletedCount": 1,
        "deletedItems": [
            {"draftInvoiceNumber": draft["draftInvoiceNumber"], "self": draft["self"]}
        ],
    }
    assert api.get(draft["self"]).status_code == 404
    assert api.delete(draft["self"]).status_code == 404


def test_posting_lines_appends_them_with_the_next_line_numbers(api):
    draft = api.create_draft()
    answer = api.post(f"{draft['self']}/lines", {"lines": [a_line(unitNetPrice=50)]})
    assert answer.status_code == 201
    updated = answer.json()
    assert [line["lineNumber"] for line in updated["lines"]] == [1, 2]
    assert updated["netAmount"] == 150
    assert api.get(draft["self"]).json()["netAmount"] == 150


def test_the_pdf_is_a_real_pdf(api):
    draft = api.create_draft()
    answer = api.get(draft["pdf"]["download"])
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-1.4") and answer.content.rstrip().endswith(b"%%EOF")


def test_the_pdf_parses_and_names_the_customer(api):
    import io

    from pypdf import PdfReader

    draft = api.create_draft()
    reader = PdfReader(io.BytesIO(api.get(draft["pdf"]["download"]).content))
    assert len(reader.pages) == 1
    assert "Horsens Kommune" in reader.pages[0].extract_text()


def test_booking_instructions_are_a_ready_made_booking_body(api):
    draft = api.create_draft()
    instructions = api.get(draft["templates"]["bookingInstructions"]).json()
    assert instructions["draftInvoice"]["draftInvoiceNumber"] == draft["draftInvoiceNumber"]
    booked = api.post("/invoices/booked", {"draftInvoice": instructions["draftInvoice"]})
    assert booked.status_code == 201


def test_a_due_date_draft_uses_the_given_due_date(api):
    terms = api.get("/payment-terms").json()["collection"]
    number = next(t["paymentTermsNumber"] for t in terms if t["paymentTermsType"] == "dueDate")
    draft = api.create_draft(
        paymentTerms={"paymentTermsNumber": number}, dueDate=days_from_today(40)
    )
    assert draft["dueDate"] == days_from_today(40)
