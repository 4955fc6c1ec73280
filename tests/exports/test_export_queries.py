"""What an invoice's export costs the database, pinned: our CPU per invoice is mostly the ORM's,
so a statement more per invoice is a regression to catch here rather than in a benchmark."""

from django.conf import settings
from django.db import connection as database
from django.test.utils import CaptureQueriesContext

from accounts_app.models import Invoice
from integration.services.exports import export_process, export_run_start
from integration.services.exports.answered import TOGETHER
from tests.exports.conftest import make_customer, make_invoice

# Each draft: its claim and the bucket's take (in the database when there is no Redis). Each
# TOGETHER drafts, recorded at once: the calls' rows, then begin, the jobs done (one round
# trip), the run's count, the invoices' exports, commit.
PER_DRAFT = 2 if not settings.REDIS_URL else 1
PER_RECORD = 6


def _linked_customer(connection):
    """A customer whose card an earlier export made and linked, as in a bureau's daily run."""
    customer = make_customer()
    first = make_invoice(customer)
    export_process(connection=connection, run=export_run_start(
        connection=connection, invoices=Invoice.objects.filter(pk=first.pk)))  # fmt: skip
    return customer


def _statements(work) -> int:
    with CaptureQueriesContext(database) as captured:
        work()
    return len(captured.captured_queries)


def _export_counted(connection, invoices: list[Invoice]) -> tuple[int, int]:
    """(statements starting the run, statements working it) for these invoices."""
    chosen = Invoice.objects.filter(pk__in=[invoice.pk for invoice in invoices])
    runs = []
    starting = _statements(lambda: runs.append(
        export_run_start(connection=connection, invoices=chosen)))  # fmt: skip
    working = _statements(lambda: export_process(connection=connection, run=runs[0]))
    assert runs[0].jobs.filter(state="done").count() == len(invoices)
    return starting, working


def test_each_further_draft_costs_the_same_few_statements(exporting):
    customer = _linked_customer(exporting)
    few = _export_counted(exporting, [make_invoice(customer) for _ in range(2)])
    more = _export_counted(exporting, [make_invoice(customer) for _ in range(2 + TOGETHER)])
    assert more[1] - few[1] == TOGETHER * PER_DRAFT + PER_RECORD


def test_starting_a_run_costs_no_statement_per_invoice(exporting):
    customer = _linked_customer(exporting)
    few = _export_counted(exporting, [make_invoice(customer) for _ in range(2)])
    more = _export_counted(exporting, [make_invoice(customer) for _ in range(6)])
    assert more[0] == few[0]
