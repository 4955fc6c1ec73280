"""Every ledger form of the admin, driven with generated hostile values: each answer is the saved
form or the form again with its errors, never a server error, and a refused form writes nothing.

Run with `-s` to see, per form, how many bad inputs were tried and how many ended in a server
error. The examples are derandomized and bounded, so the figures are the same on every run."""
import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts_app.models import (
    Customer,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentCondition,
    Project,
)
from accounts_app.services import invoice_line_add
from integration.models import Connection, CustomerLink, RemoteRecord
from tests.ledger.factories import (
    CustomerFactory,
    InvoiceFactory,
    ProjectFactory,
    VatCodeFactory,
    invoice_with_lines,
)

pytestmark = pytest.mark.django_db
EXAMPLES_PER_FORM = 10
# How much likelier a field keeps its valid value than takes a hostile one: an example breaks a
# few fields, so that a refusal of one does not hide what another would do.
VALID_WEIGHT = 5
WRITTEN = (Customer, Project, PaymentCondition, Invoice, InvoiceLine, Payment, CustomerLink)

TEXT = ["", " ", "x" * 5000, "\x00", "a\x00b", "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)",
        "<script>alert(1)</script>", "' OR 1=1 --", "²", "€" * 300, "\u202e", "\r\n", "\t"]
NUMBER = ["-1", "0", "1e12", "1000000000000", "99999999999999999999", "-99999999999999.99",
          "0.001", "1.005", "NaN", "sNaN", "Infinity", "-Infinity", "1e999", "²", "١٢", "0x10",
          "1,5", " 5 ", "1" * 400, "9" * 19, "-0.00", "1_000"]
DATE = ["9999-12-31", "0001-01-01", "1999-12-31", "2026-02-30", "²", "", "10000-01-01",
        "31/12/2026", "2026-13-01", "0000-00-00", "2026-1-1"]
CHOICE = ["", "nonexistent", "economic", "draft", "x" * 300]
REFERENCE = ["", "0", "-1", "99999999999999999999", "x", "1.5", "²", "1e3"]
CHARACTERS = st.characters(exclude_categories=("Cs",))  # the client cannot send a lone surrogate
HOSTILE = {
    "text": st.one_of(st.sampled_from(TEXT), st.text(CHARACTERS, max_size=600)),
    "number": st.one_of(st.sampled_from(NUMBER), st.integers(-(10**22), 10**22).map(str),
                        st.decimals(places=4, allow_nan=False, allow_infinity=False).map(str)),
    "date": st.one_of(st.sampled_from(DATE), st.dates().map(datetime.date.isoformat)),
    "choice": st.sampled_from(CHOICE),
    "reference": st.sampled_from(REFERENCE),
}  # fmt: skip


def hostile_or(valid, kind: str):
    """(value, whether it is a bad one): the valid value or a hostile one, so that most examples
    break a field or a few, not all of them."""
    bad = HOSTILE[kind].map(lambda value: (value, value != valid))
    return st.one_of(*[st.just((valid, False))] * VALID_WEIGHT, bad)


def line(prefix: str, world, **valid) -> dict:
    return {f"{prefix}-description": hostile_or("Work", "text"),
            f"{prefix}-quantity": hostile_or("2", "number"),
            f"{prefix}-unit_price": hostile_or("100.00", "number"),
            f"{prefix}-discount_percent": hostile_or("0", "number"),
            f"{prefix}-position": hostile_or("0", "number"),
            f"{prefix}-vat_code": hostile_or(str(world["vat_code"].pk), "reference"),
            **{f"{prefix}-{name}": st.just(value) for name, value in valid.items()}}  # fmt: skip


def invoice_header(world) -> dict:
    customer = world["customer"]
    return {"customer": hostile_or(str(customer.pk), "reference"),
            "project": hostile_or(str(world["project"].pk), "reference"),
            "issue_date": hostile_or(datetime.date.today().isoformat(), "date"),
            "payment_condition": hostile_or(str(customer.payment_condition.pk), "reference"),
            "due_date": hostile_or("", "date"), "currency": hostile_or("DKK", "text"),
            "exchange_rate": hostile_or("1", "number"), "our_reference": hostile_or("", "text"),
            "their_reference": hostile_or("", "text"), "notes": hostile_or("", "text"),
            "import_reference": hostile_or("", "text")}  # fmt: skip


def forms(world) -> dict[str, tuple[str, dict]]:
    """Each form's URL and a strategy for every field it posts."""
    draft, draft_line = world["draft"], world["draft"].lines.get()
    customer = world["customer"]
    return {
        "invoice and its lines": (reverse("admin:accounts_app_invoice_add"), {
            **invoice_header(world), "lines-TOTAL_FORMS": st.sampled_from(["1", "2"]),
            "lines-INITIAL_FORMS": st.just("0"), **line("lines-0", world),
            **line("lines-1", world)}),
        "a draft's line edited": (
            reverse("admin:accounts_app_invoice_change", args=[draft.pk]), {
                **invoice_header(world), "lines-TOTAL_FORMS": st.just("1"),
                "lines-INITIAL_FORMS": st.just("1"),
                **line("lines-0", world, id=str(draft_line.pk), invoice=str(draft.pk)),
                "lines-0-DELETE": st.sampled_from(["", "on"])}),
        "payment": (reverse("admin:accounts_app_payment_add"), {
            "invoice": hostile_or(str(world["issued"].pk), "reference"),
            "date": hostile_or(datetime.date.today().isoformat(), "date"),
            "amount": hostile_or("10.00", "number"),
            "source": hostile_or("manual", "choice"),
            "external_reference": hostile_or("", "text")}),
        "customer": (reverse("admin:accounts_app_customer_add"), {
            "number": hostile_or("900", "number"), "kind": hostile_or("company", "choice"),
            "name": hostile_or("Hostile ApS", "text"), "email": hostile_or("", "text"),
            "vat_number": hostile_or("", "text"), "ean": hostile_or("", "text"),
            "vat_situation": hostile_or("domestic", "choice"),
            "address": hostile_or("", "text"), "zip_code": hostile_or("", "text"),
            "city": hostile_or("", "text"), "country": hostile_or("DK", "text"),
            "currency": hostile_or("DKK", "text"),
            "payment_condition": hostile_or(str(customer.payment_condition.pk), "reference")}),
        "customer link": (reverse("admin:integration_customerlink_add"), {
            "connection": hostile_or(str(world["connection"].pk), "reference"),
            "customer": hostile_or(str(customer.pk), "reference"),
            "state": hostile_or("linked", "choice"),
            "remote_number": hostile_or("77", "number")}),
        "payment condition": (reverse("admin:accounts_app_paymentcondition_add"), {
            "name": hostile_or("Net 30", "text"), "kind": hostile_or("net", "choice"),
            "days": hostile_or("30", "number")}),
        "project": (reverse("admin:accounts_app_project_add"), {
            "number": hostile_or("900", "number"), "name": hostile_or("Hostile", "text"),
            "customer": hostile_or(str(customer.pk), "reference"),
            "active": st.sampled_from(["", "on", "x"])}),
    }  # fmt: skip


@pytest.fixture
def world():
    customer = CustomerFactory()
    draft = InvoiceFactory(customer=customer)
    invoice_line_add(invoice=draft, description="Work", quantity=Decimal("1"),
                     unit_price=Decimal("100.00"), vat_code=VatCodeFactory())  # fmt: skip
    connection = Connection.objects.create(name="Main", endpoint="sandbox", grant_token="grant")
    RemoteRecord.objects.create(connection=connection, kind="customer", number="77",
                                refreshed_at=datetime.datetime.now(datetime.UTC))  # fmt: skip
    return {"customer": customer, "project": ProjectFactory(customer=customer), "draft": draft,
            "vat_code": VatCodeFactory(), "issued": invoice_with_lines(finalized=True),
            "connection": connection}  # fmt: skip


def rows() -> dict[str, list]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WRITTEN}


def post_once(admin_client, url: str, example: dict, tally: Counter) -> None:
    """Post one example inside a transaction rolled back after it, so each starts alike."""
    data = {name: value[0] if isinstance(value, tuple) else value
            for name, value in example.items()}  # fmt: skip
    tally["bad inputs"] += any(isinstance(value, tuple) and value[1] for value in example.values())
    tally["tried"] += 1
    with transaction.atomic():
        before = rows()
        try:
            response = admin_client.post(url, data)
        except Exception as error:  # the test client re-raises what the view raised: a 500
            tally["server errors"] += 1
            raise AssertionError(f"server error {error!r} on {data!r}") from error
        after = rows()
        transaction.set_rollback(True)
    assert response.status_code in (200, 302), (response.status_code, data)
    if response.status_code == 200:
        tally["refused"] += 1
        assert response.context["errors"], "a 200 that shows no error"
        assert after == before, f"a refused form wrote: {data!r}"


@pytest.mark.parametrize("form", ["invoice and its lines", "a draft's line edited", "payment",
                                  "customer", "customer link", "payment condition", "project"])  # fmt: skip
def test_hostile_values_on_an_admin_form_end_in_a_form_error_or_a_valid_save(
    admin_client, world, form
):
    url, fields = forms(world)[form]
    tally = Counter()

    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.fixed_dictionaries(fields))
    def post_each(data):
        post_once(admin_client, url, data, tally)

    post_each()
    print(f"\n{form}: {tally['tried']} posted, {tally['bad inputs']} with bad inputs, "
          f"{tally['refused']} refused with a form error, {tally['server errors']} server errors")
    assert tally["server errors"] == 0
