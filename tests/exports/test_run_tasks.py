"""How many tasks an export run rings: one per worker that is to take part, on this machine or,
with EXPORT_TASKS, on all of them."""

import pytest
from django_q.brokers import get_broker

from accounts_app.models import Invoice
from integration.models import CustomerLink
from integration.models.mappings import CustomerLinkState
from integration.services.exports import export_run_start
from tests.exports.conftest import make_customer, make_invoice, queued_tasks


def _rung_for_a_new_run(connection, capture) -> list[tuple]:
    customer = make_customer()
    CustomerLink.objects.create(connection=connection, customer=customer,
                                state=CustomerLinkState.LINKED, remote_number=1)  # fmt: skip
    invoice = make_invoice(customer)
    broker = get_broker()
    queued_tasks(broker)
    with capture(execute=True):
        run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk))
    rung = [task["args"] for task in queued_tasks(broker)]
    assert set(rung) <= {(run.pk,)}
    return rung


@pytest.mark.parametrize(("workers", "export_tasks", "rung"), [(3, 0, 3), (1, 5, 5)])
def test_a_run_rings_a_task_per_worker_of_this_machine_or_of_all(
    exporting, settings, django_capture_on_commit_callbacks, workers, export_tasks, rung
):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": workers}
    settings.EXPORT_TASKS = export_tasks
    assert len(_rung_for_a_new_run(exporting, django_capture_on_commit_callbacks)) == rung
