"""Generated hostile cells in import rows: every refusal is in words (never the unexpected-error
note that stands for a traceback), and a refused file leaves nothing behind."""
import pytest
import tablib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts_app.models import Customer, Invoice, InvoiceLine
from accounts_app.resources import CustomerResource, InvoiceImportResource
from accounts_app.services.imports import UNEXPECTED, import_messages
from tests.ledger.factories import CustomerFactory, PaymentConditionFactory, VatCodeFactory

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "1e400", "NaN", "-0", "1,5", "10.005", "²", "9" * 40, "=1+1",
                     "x" * 600, "2026-02-30", "-1", "0", "DK\x00", "\u202e", "None"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
)  # fmt: skip
CUSTOMER_COLUMNS = ["number", "kind", "name", "vat_number", "country", "currency",
                    "payment_condition", "vat_situation", "email", "ean"]  # fmt: skip
LINE_COLUMNS = ["invoice_reference", "customer_number", "issue_date", "line", "description",
                "quantity", "unit_price", "discount_percent", "vat_code", "sales_account",
                "exchange_rate", "their_reference"]  # fmt: skip
UNEXPECTED_START = UNEXPECTED.split("(")[0]


def imported(resource, columns, row) -> list[str]:
    dataset = tablib.Dataset(row, headers=columns)
    result = resource.import_data(dataset, dry_run=False, use_transactions=True,
                                  rollback_on_validation_errors=True)  # fmt: skip
    return [message["message"] for message in import_messages(result, resource=resource)]


@pytest.fixture
def references(db):
    PaymentConditionFactory(name="Net 30", days=30)
    VatCodeFactory(code="S25")
    CustomerFactory(number=700)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.sampled_from(CUSTOMER_COLUMNS), value=HOSTILE)
def test_a_hostile_customer_cell_is_refused_in_words_or_imported(references, column, value):
    row = dict(zip(CUSTOMER_COLUMNS, [801, "company", "Fjord ApS", "", "DK", "DKK", "Net 30",
                                      "domestic", "", ""], strict=True))  # fmt: skip
    row[column] = value
    messages = imported(CustomerResource(), CUSTOMER_COLUMNS, tuple(row.values()))
    assert not [message for message in messages if message.startswith(UNEXPECTED_START)]
    new = Customer.objects.exclude(number=700)
    assert new.exists() == (not messages)
    new.delete()  # the examples share one test database


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.sampled_from(LINE_COLUMNS), value=HOSTILE)
def test_a_hostile_invoice_cell_is_refused_in_words_or_imported(references, column, value):
    row = dict(zip(LINE_COLUMNS, ["H-1", 700, "2026-02-03", 1, "Consulting", "2", "100.00", "0",
                                  "S25", "", "", ""], strict=True))  # fmt: skip
    row[column] = value
    messages = imported(InvoiceImportResource(), LINE_COLUMNS, tuple(row.values()))
    assert not [message for message in messages if message.startswith(UNEXPECTED_START)]
    if messages:
        assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()
    Invoice.objects.all().delete()
