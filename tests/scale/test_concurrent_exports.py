"""Two export runs over the same invoices at once: the second starts while the first one's
workers (threads on their own database connections, or real django-q2 clusters) are mid-way,
so workers of both runs reach for the same jobs. Every invoice is in e-conomic once (counted by
our reference), every customer has one card, and each invoice is counted once, by the run that
exported it."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection as db_connection

from accounts_app.models import Invoice
from integration.models import ApiCall, ExportJob, ExportRun, JobState
from integration.services.exports import export_run_refresh, export_run_start, export_run_work
from tests.exports.conftest import make_customer, make_invoice, reference_of
from tests.scale.conftest import cluster_logs, qclusters

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _invoices(per_customer: int):
    customers = [make_customer(name=f"Samtidig {n} ApS") for n in range(2)]
    made = [make_invoice(customer) for customer in customers for _ in range(per_customer)]
    return Invoice.objects.filter(pk__in=[invoice.pk for invoice in made])


def _wait_for(condition, *, seconds: float = 60.0, why=lambda: "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, why()
        time.sleep(0.02)


def _open_invoice_jobs(run: ExportRun) -> int:
    return ExportJob.objects.filter(run=run, kind="invoice").exclude(state=JobState.DONE).count()


def _invoices_claimed(run: ExportRun) -> bool:
    return (
        ExportJob.objects.filter(run=run, kind="invoice").exclude(state=JobState.PENDING).exists()
    )


def _both_sent(runs: list[ExportRun]) -> bool:
    """Each run's workers made calls: they overlapped rather than one after the other."""
    return all(ApiCall.objects.filter(export_run=run).exists() for run in runs)


def _started_with_workers(connection, invoices, method: str, workers: int):
    """A run started as the export dialog starts it, worked by `workers` threads, each on its
    own database connection, as the tasks the run rings would work it."""
    run = export_run_start(connection=connection, invoices=invoices, method=method)

    def work() -> None:
        try:
            export_run_work(run=run)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    return run, threads


def _collection(sandbox, path: str) -> list[dict]:
    """A whole collection in one call, so the counting draws little from the agreement's
    rate limit after the runs have spent it."""
    answer = sandbox.get(path, params={"pagesize": 1000})
    assert answer.status_code == 200, answer.text
    return answer.json()["collection"]


def _in_economic(sandbox, invoices, method: str) -> dict[int, int]:
    """How many documents e-conomic holds per invoice, found by our reference."""
    if method == "voucher":
        found = [entry["customerInvoice"] for entry in _collection(sandbox, "/journals/1/entries")]
        return {invoice.number: found.count(invoice.number) for invoice in invoices}
    path = "/invoices/booked" if method == "booked" else "/invoices/drafts"
    found = [document.get("references", {}).get("other") for document in _collection(sandbox, path)]
    return {invoice.number: found.count(reference_of(invoice)) for invoice in invoices}


def _assert_each_once(sandbox, invoices, method: str, runs: list[ExportRun]) -> None:
    assert set(_in_economic(sandbox, invoices, method).values()) == {1}
    cards = [card["name"] for card in _collection(sandbox, "/customers")]
    for customer in {invoice.customer for invoice in invoices}:
        assert cards.count(customer.name) == 1, customer.name
    assert set(ExportJob.objects.values_list("state", flat=True)) == {JobState.DONE}
    runs = [export_run_refresh(run=run) for run in runs]
    # Each invoice counted once, by the run that exported it; each run finished, all done.
    assert sum(run.total for run in runs) == len(invoices)
    assert [(run.state, run.done, run.failed) for run in runs] == [
        ("done", run.total, 0) for run in runs
    ]


@pytest.mark.parametrize("method", ["draft", "booked", "voucher"])
def test_a_second_run_over_the_same_invoices_while_the_first_works_sends_each_once(
    exporting, sandbox, method
):
    exporting.voucher_journal_number = 1
    exporting.save()
    invoices = _invoices(per_customer=15)
    sandbox.set_faults(latency_ms=30)  # the first run's workers are mid-way when the second starts

    first, first_workers = _started_with_workers(exporting, invoices, method, workers=2)
    _wait_for(lambda: _invoices_claimed(first))
    assert _open_invoice_jobs(first) > 0, "the first run finished before the second started"
    second, second_workers = _started_with_workers(exporting, invoices, method, workers=2)
    for thread in first_workers + second_workers:
        thread.join(timeout=120)

    _assert_each_once(sandbox, invoices, method, [first, second])
    if method != "voucher":  # vouchers go in one bulk call, which the first run may take whole
        assert _both_sent([first, second])


@pytest.mark.broker
def test_a_second_run_enqueued_while_two_clusters_work_the_first_sends_each_once(
    exporting, sandbox, settings, tmp_path
):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": 2}  # each run rings two tasks
    invoices = _invoices(per_customer=15)
    sandbox.set_faults(latency_ms=30)

    with qclusters(2, workers=2, sandbox=sandbox, log_folder=tmp_path):
        first = export_run_start(connection=exporting, invoices=invoices)
        _wait_for(lambda: _invoices_claimed(first), why=lambda: cluster_logs(tmp_path))
        assert _open_invoice_jobs(first) > 0, "the first run finished before the second started"
        second = export_run_start(connection=exporting, invoices=invoices)
        _wait_for(
            lambda: not ExportRun.objects.filter(finished_at=None).exists()
            and not ExportJob.objects.exclude(state=JobState.DONE).exists(),
            seconds=120, why=lambda: cluster_logs(tmp_path),
        )  # fmt: skip

    _assert_each_once(sandbox, invoices, "draft", [first, second])
    assert _both_sent([first, second])
