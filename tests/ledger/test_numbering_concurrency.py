"""Gap-free numbering when several writers finalize at once. Every worker tries every draft
(in its own order), so the same invoice is raced for as well as the counter."""
import multiprocessing
import random
import threading

import pytest
from django.db import connections

from accounts_app.errors import InvoiceFinalizeError
from accounts_app.models import Invoice
from accounts_app.services import invoice_finalize
from tests.ledger.factories import invoice_with_lines

DRAFTS = 24
WORKERS = 4


def finalize_all(invoice_ids: list[int], seed: int) -> int:
    """Finalize every draft not yet taken by another worker; return how many this one took."""
    order = list(invoice_ids)
    random.Random(seed).shuffle(order)
    taken = 0
    for invoice_id in order:
        try:
            invoice_finalize(invoice=Invoice.objects.get(pk=invoice_id))
            taken += 1
        except InvoiceFinalizeError:
            pass  # another worker finalized it first: exactly what we race for
    return taken


def assert_numbered_one_to_n(invoice_ids: list[int]) -> None:
    invoices = Invoice.objects.filter(pk__in=invoice_ids)
    assert {invoice.state for invoice in invoices} == {Invoice.State.FINALIZED}
    assert sorted(invoice.number for invoice in invoices) == list(range(1, DRAFTS + 1))


def thread_worker(invoice_ids, seed, barrier, taken, errors):
    try:
        barrier.wait()
        taken.append(finalize_all(invoice_ids, seed))
    except Exception as error:  # noqa: BLE001 - reported to the test below
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_threads_finalizing_at_once_number_one_to_n_without_gaps_or_duplicates():
    invoice_ids = [invoice_with_lines().pk for _ in range(DRAFTS)]
    barrier, taken, errors = threading.Barrier(WORKERS), [], []
    threads = [
        threading.Thread(target=thread_worker, args=(invoice_ids, seed, barrier, taken, errors))
        for seed in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(taken) == DRAFTS
    assert_numbered_one_to_n(invoice_ids)


def process_worker(invoice_ids, seed, start, results):
    try:
        start.wait()
        results.put(finalize_all(invoice_ids, seed))
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_processes_finalizing_at_once_number_one_to_n_without_gaps_or_duplicates():
    invoice_ids = [invoice_with_lines().pk for _ in range(DRAFTS)]
    # Each process must open its own connection; one inherited across fork would be shared.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    processes = [
        context.Process(target=process_worker, args=(invoice_ids, seed, start, results))
        for seed in range(WORKERS)
    ]
    for process in processes:
        process.start()
    start.set()
    taken = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert [process.exitcode for process in processes] == [0] * WORKERS
    assert sum(taken) == DRAFTS
    assert_numbered_one_to_n(invoice_ids)
