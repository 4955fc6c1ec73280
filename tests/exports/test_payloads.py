"""The payload builders: plain snapshots in, e-conomic's JSON out."""

import datetime
from decimal import Decimal

import pytest

from integration.economic import payloads

RECIPIENT = payloads.Recipient(name="Acme ApS", address="Vejen 1", zip_code="8000", city="Aarhus")


def snapshot(**changes) -> payloads.InvoiceSnapshot:
    line = payloads.LineSnapshot(
        description="Consulting", quantity=Decimal("2.00"), unit_price=Decimal("100.00"),
        discount_percent=Decimal("10.00"), product_number="SKU-1",
        net_amount=Decimal("180.00"), vat_amount=Decimal("45.00"),
    )  # fmt: skip
    values = dict(
        number=17, issue_date=datetime.date(2026, 3, 2), due_date=datetime.date(2026, 3, 16),
        currency="DKK", exchange_rate=Decimal("1"), customer_number=1001, recipient=RECIPIENT,
        layout_number=19, payment_terms_number=2, payment_terms_type="net", vat_zone_number=1,
        reference="LB-INV-17", lines=(line,), net_total=Decimal("180.00"),
        vat_total=Decimal("45.00"), gross_total=Decimal("225.00"),
    )  # fmt: skip
    values.update(changes)
    return payloads.InvoiceSnapshot(**values)


@pytest.mark.parametrize(
    ("situation", "zone"),
    [("domestic", 1), ("eu_reverse_charge", 2), ("abroad", 3), ("exempt", 4)],
)
def test_the_vat_situation_decides_the_zone(situation, zone):
    assert payloads.vat_zone_for(situation) == zone


def test_a_draft_carries_lines_terms_layout_zone_and_our_reference():
    body = payloads.draft_invoice_payload(snapshot())
    assert body["lines"] == [{
        "lineNumber": 1, "sortKey": 1, "product": {"productNumber": "SKU-1"},
        "description": "Consulting", "quantity": 2.0, "unitNetPrice": 100.0,
        "discountPercentage": 10.0,
    }]  # fmt: skip
    assert body["references"] == {"other": "LB-INV-17"}
    assert body["layout"] == {"layoutNumber": 19}
    assert body["paymentTerms"] == {"paymentTermsNumber": 2}
    assert body["recipient"]["vatZone"] == {"vatZoneNumber": 1}
    assert body["notes"]["heading"] == "Invoice 17"
    assert "dueDate" not in body and "project" not in body


def test_our_rate_per_unit_becomes_economics_rate_per_hundred():
    body = payloads.draft_invoice_payload(snapshot(currency="EUR", exchange_rate=Decimal("7.4612")))
    assert body["exchangeRate"] == 746.12


def test_without_our_rate_neither_document_carries_one_but_both_carry_the_currency():
    foreign = snapshot(currency="EUR", exchange_rate=None)
    draft = payloads.draft_invoice_payload(foreign)
    voucher = payloads.voucher_payload(foreign, accounting_year="2026", journal_number=1)
    [entry] = voucher["entries"]["manualCustomerInvoices"]
    assert draft["currency"] == "EUR" and "exchangeRate" not in draft
    assert entry["currency"] == {"code": "EUR"} and "exchangeRate" not in entry


def test_a_voucher_carries_our_rate_per_hundred_when_we_have_one():
    voucher = payloads.voucher_payload(snapshot(currency="SEK", exchange_rate=Decimal("0.68")),
                                       accounting_year="2026", journal_number=1)  # fmt: skip
    assert voucher["entries"]["manualCustomerInvoices"][0]["exchangeRate"] == 68.0


def test_economics_rate_per_hundred_reads_back_as_ours_per_unit():
    assert payloads.exchange_rate_per_unit({"exchangeRate": 743.914941}) == Decimal("7.43914941")
    assert payloads.exchange_rate_per_unit({}) is None


def test_a_due_date_is_sent_only_for_due_date_terms():
    body = payloads.draft_invoice_payload(snapshot(payment_terms_type="dueDate"))
    assert body["dueDate"] == "2026-03-16"


def test_a_credit_note_names_the_invoice_it_credits():
    notes = payloads.draft_invoice_payload(snapshot(credited_number=12))["notes"]
    assert notes == {"heading": "Credit note 17", "textLine1": "Credits invoice 12."}


def test_a_project_is_referenced_when_given():
    assert payloads.draft_invoice_payload(snapshot(project_number=7))["project"] == {
        "projectNumber": 7
    }


def test_empty_recipient_fields_are_left_out_because_economic_takes_no_nulls():
    body = payloads.draft_invoice_payload(snapshot(recipient=payloads.Recipient(name="Anna")))
    assert body["recipient"] == {"name": "Anna", "vatZone": {"vatZoneNumber": 1}}


def test_booking_with_our_number():
    assert payloads.booking_payload(draft_number=5, book_with_number=17) == {
        "draftInvoice": {"draftInvoiceNumber": 5}, "bookWithNumber": 17,
    }  # fmt: skip
    assert "bookWithNumber" not in payloads.booking_payload(draft_number=5)


def test_a_voucher_holds_the_gross_amount_owed_by_the_customer():
    voucher = payloads.voucher_payload(snapshot(), accounting_year="2026", journal_number=1)
    [entry] = voucher["entries"]["manualCustomerInvoices"]
    assert entry["amount"] == 225.0 and entry["customerInvoice"] == 17
    assert entry["customer"] == {"customerNumber": 1001}
    assert entry["text"] == "Invoice 17 LB-INV-17"
    assert entry["dueDate"] == "2026-03-16"
    assert voucher["accountingYear"] == {"year": "2026"}


def test_a_credit_note_voucher_carries_its_own_number_and_names_the_invoice_it_credits():
    line = payloads.LineSnapshot(  # a credit note's lines are the negative of the invoice's
        description="Consulting", quantity=Decimal("-2.00"), unit_price=Decimal("100.00"),
        discount_percent=Decimal("10.00"), product_number="SKU-1",
        net_amount=Decimal("-180.00"), vat_amount=Decimal("-45.00"),
    )  # fmt: skip
    credit_note = snapshot(number=18, credited_number=17, reference="LB-CN-18", lines=(line,),
                           net_total=Decimal("-180.00"), vat_total=Decimal("-45.00"),
                           gross_total=Decimal("-225.00"))  # fmt: skip
    voucher = payloads.voucher_payload(credit_note, accounting_year="2026", journal_number=1)
    [entry] = voucher["entries"]["manualCustomerInvoices"]
    assert entry["text"] == "Credit note 18 for invoice 17 LB-CN-18"
    assert (entry["customerInvoice"], entry["amount"]) == (18, -225.0)


def customer(**changes) -> payloads.CustomerSnapshot:
    values = dict(
        name="Acme ApS", kind="company", currency="DKK", customer_group_number=1,
        payment_terms_number=2, vat_zone_number=1, country_code="DK", vat_number="12345674",
    )  # fmt: skip
    values.update(changes)
    return payloads.CustomerSnapshot(**values)


def test_a_danish_company_sends_its_cvr_and_lets_economic_number_it():
    body = payloads.customer_payload(customer())
    assert body["corporateIdentificationNumber"] == "12345674"
    assert "customerNumber" not in body and "vatNumber" not in body


def test_a_foreign_company_sends_its_vat_number_and_ours_when_we_are_master():
    body = payloads.customer_payload(
        customer(country_code="DE", vat_number="DE123456789", number=42)
    )
    assert body["vatNumber"] == "DE123456789"
    assert body["customerNumber"] == 42


def test_a_person_sends_no_company_number():
    body = payloads.customer_payload(customer(kind="person"))
    assert "corporateIdentificationNumber" not in body and "vatNumber" not in body


def test_a_voucher_of_a_ledger_rounding_per_document_carries_the_invoices_vat_to_the_cent():
    def line(account: int) -> payloads.LineSnapshot:
        return payloads.LineSnapshot(
            description="Work", quantity=Decimal("2.00"), unit_price=Decimal("0.01"),
            discount_percent=Decimal("0"), product_number="1", net_amount=Decimal("0.02"),
            vat_amount=Decimal("0.01"), account_number=account, vat_code="U25",
            vat_rate=Decimal("25"),
        )  # fmt: skip

    invoice = snapshot(lines=(line(1010), line(1050), line(1060)), net_total=Decimal("0.06"),
                       vat_total=Decimal("0.02"), gross_total=Decimal("0.08"),
                       vat_rounding="document")  # fmt: skip
    entries = payloads.voucher_payload(invoice, accounting_year="2026", journal_number=1)[
        "entries"]["manualCustomerInvoices"]  # fmt: skip
    assert sum(Decimal(str(entry["contraVatAmount"])) for entry in entries) == Decimal("0.02")
    assert sum(Decimal(str(entry["amount"])) for entry in entries) == invoice.gross_total
