"""Never a second card: before a customer's card is created, e-conomic is asked (one call) for
the cards it has already, by CVR or VAT number, then e-mail. Private persons may share one card."""

import pytest
from django.urls import reverse

from accounts_app.models import Customer, Invoice
from integration.models import CustomerLink, ErrorKind, ExportJob, JobState
from integration.models.mappings import CustomerLinkState
from integration.services.connections import connection_client
from integration.services.exports import export_process, export_run_refresh, export_run_start
from integration.services.exports.jobs import export_jobs_retry
from integration.services.reference import reference_refresh
from integration.services.setup_check import SetupBlocked, setup_check
from integration.tasks import export_job_task
from tests.exports.conftest import drafts_with, make_customer, make_invoice, reference_of


def _card(sandbox, **fields) -> int:
    """A card typed in e-conomic by a bookkeeper (our cache has not seen it)."""
    body = {"name": "Typed ApS", "currency": "DKK", "customerGroup": {"customerGroupNumber": 1},
            "paymentTerms": {"paymentTermsNumber": 2}, "vatZone": {"vatZoneNumber": 1}, **fields}
    answer = sandbox.post("/customers", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["customerNumber"]


def _export(connection, invoice):
    run = export_run_start(connection=connection, invoices=Invoice.objects.filter(pk=invoice.pk))
    export_process(connection=connection, run=run)
    return export_run_refresh(run=run)


def _calls(sandbox, since, method, path="/customers"):
    return [entry for entry in sandbox.request_log(since, method=method)
            if entry["path"] == path]  # fmt: skip


def test_one_card_with_the_customers_cvr_is_linked_and_nothing_is_created(exporting, sandbox):
    number = _card(sandbox, name="Smeden A/S", corporateIdentificationNumber="DK 12 34 56 78")
    invoice = make_invoice(make_customer(name="Smeden A/S", vat_number="12345678"))
    since = sandbox.last_request_id()
    run = _export(exporting, invoice)
    assert (run.done, run.failed) == (1, 0)
    link = CustomerLink.objects.get(customer=invoice.customer)
    assert (link.state, link.remote_number, link.matched_by) == (CustomerLinkState.LINKED, number, "cvr")
    assert _calls(sandbox, since, "POST") == []
    [draft] = drafts_with(sandbox, reference_of(invoice))
    assert draft["customer"]["customerNumber"] == number


def test_a_vat_number_in_economics_vat_field_links_as_vat(exporting, sandbox):
    number = _card(sandbox, name="Hafen GmbH", vatNumber="DE987654321")
    invoice = make_invoice(make_customer(name="Hafen GmbH", vat_number="DE 987654321"))
    _export(exporting, invoice)
    link = CustomerLink.objects.get(customer=invoice.customer)
    assert (link.remote_number, link.matched_by) == (number, "vat")


def test_one_card_with_the_customers_email_is_linked_even_with_filter_characters_in_it(
    exporting, sandbox
):
    address = "faktura$(1):a@firma.dk"  # no comma: it separates addresses
    number = _card(sandbox, name="Firma (Nord), $:x", email=f"boss@firma.dk {address.upper()}")
    _card(sandbox, name="Another", email="x" + address)  # contains ours, but is not ours
    invoice = make_invoice(make_customer(name="Firma (Nord), $:x", email=address))
    since = sandbox.last_request_id()
    run = _export(exporting, invoice)
    assert (run.done, run.failed) == (1, 0)
    link = CustomerLink.objects.get(customer=invoice.customer)
    assert (link.remote_number, link.matched_by) == (number, "email")
    assert _calls(sandbox, since, "POST") == []


def test_an_email_card_of_another_company_is_not_taken(exporting, sandbox):
    other = _card(sandbox, name="Group A/S", email="bogholderi@group.dk",
                  corporateIdentificationNumber="87654321")  # fmt: skip
    invoice = make_invoice(make_customer(email="bogholderi@group.dk", vat_number="11223344"))
    _export(exporting, invoice)
    link = CustomerLink.objects.get(customer=invoice.customer)
    assert link.matched_by == "created" and link.remote_number != other


def test_several_candidates_wait_for_a_person_with_the_candidates_named(exporting, sandbox):
    first = _card(sandbox, name="Tvilling ApS", corporateIdentificationNumber="55667788")
    second = _card(sandbox, name="Tvilling ApS (old)", corporateIdentificationNumber="DK55667788")
    invoice = make_invoice(make_customer(name="Tvilling ApS", vat_number="55667788"))
    since = sandbox.last_request_id()
    run = _export(exporting, invoice)
    assert (run.done, run.failed) == (0, 1)
    link = CustomerLink.objects.get(customer=invoice.customer)
    assert (link.state, link.remote_number) == (CustomerLinkState.AMBIGUOUS, None)
    assert sorted(link.candidates) == [first, second] and link.matched_by == "cvr"
    customer_job = ExportJob.objects.get(kind="customer")
    assert (customer_job.state, customer_job.error_kind) == (JobState.FAILED, ErrorKind.CONFIGURATION)
    for expected in (f"{first} Tvilling ApS", f"{second} Tvilling ApS (old)", "customer links screen"):
        assert expected in customer_job.last_error
    invoice_job = ExportJob.objects.get(kind="invoice")
    assert invoice_job.state == JobState.FAILED
    assert f"{first} Tvilling ApS" in invoice_job.last_error
    assert _calls(sandbox, since, "POST") == []
    assert drafts_with(sandbox, reference_of(invoice)) == []


def test_no_candidate_creates_the_card_after_one_lookup(exporting, sandbox):
    invoice = make_invoice(make_customer(name="Ny Kunde ApS", vat_number="99887766",
                                         email="ny@kunde.dk"))  # fmt: skip
    since = sandbox.last_request_id()
    run = _export(exporting, invoice)
    assert (run.done, run.failed) == (1, 0)
    assert len(_calls(sandbox, since, "GET")) == 1  # CVR, VAT and e-mail in one $or: filter
    [created] = _calls(sandbox, since, "POST")
    link = CustomerLink.objects.get(customer=invoice.customer)
    assert (link.state, link.matched_by) == (CustomerLinkState.LINKED, "created")
    card = sandbox.get(f"/customers/{link.remote_number}").json()
    assert card["corporateIdentificationNumber"] == "99887766" and created["status"] == 201


def test_a_customer_pushed_on_change_links_the_card_economic_has(exporting, sandbox):
    exporting.push_on_change = True
    exporting.save()
    number = _card(sandbox, name="Pushed ApS", email="hej@pushed.dk")
    since = sandbox.last_request_id()
    customer = make_customer(name="Pushed ApS", email="hej@pushed.dk")
    export_job_task(ExportJob.objects.get(object_id=customer.pk, kind="customer").pk)
    link = CustomerLink.objects.get(customer=customer)
    assert (link.remote_number, link.matched_by) == (number, "email")
    assert [entry["method"] for entry in sandbox.request_log(since)] == ["GET"]


def test_an_invoice_blocked_on_finalize_makes_no_card_and_fails_with_its_blockers(
    exporting, sandbox
):
    exporting.auto_export, exporting.default_layout_number = True, 999
    exporting.save()
    since = sandbox.last_request_id()
    invoice = make_invoice(make_customer(name="Blokeret ApS"))
    assert list(ExportJob.objects.values_list("kind", flat=True)) == ["invoice"]
    job = ExportJob.objects.get()
    export_job_task(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "has no usable layout (999)" in job.last_error
    assert _calls(sandbox, since, "POST") == []
    # Fixed and retried, the invoice has its customer's card made, then goes.
    exporting.default_layout_number = 19
    exporting.save()
    export_jobs_retry(jobs=[job])
    export_job_task(job.pk)
    export_job_task(ExportJob.objects.get(kind="customer").pk)
    ExportJob.objects.filter(pk=job.pk).update(not_before=job.created_at)  # its wait is over
    export_job_task(job.pk)
    assert set(ExportJob.objects.values_list("state", flat=True)) == {JobState.DONE}
    assert len(drafts_with(sandbox, reference_of(invoice))) == 1


def _private_persons_card(connection, number=1):
    connection.private_customer_number = number
    connection.save()


def test_a_persons_invoice_goes_to_the_private_persons_card_with_the_person_as_recipient(
    exporting, sandbox
):
    _private_persons_card(exporting)  # 1 Horsens Kommune in the sandbox's seed
    person = make_customer(kind=Customer.Kind.PERSON, name="Jens Hansen", address="Lyngvej 3",
                           zip_code="7100", city="Vejle", email="jens@example.dk")  # fmt: skip
    invoice = make_invoice(person)
    since = sandbox.last_request_id()
    run = _export(exporting, invoice)
    assert (run.done, run.failed) == (1, 0)
    [draft] = drafts_with(sandbox, reference_of(invoice))
    assert draft["customer"]["customerNumber"] == 1
    assert (draft["recipient"]["name"], draft["recipient"]["address"]) == ("Jens Hansen", "Lyngvej 3")
    assert _calls(sandbox, since, "POST") == []
    assert not CustomerLink.objects.filter(customer=person).exists()
    assert not ExportJob.objects.filter(kind="customer").exists()


def test_a_persons_invoice_exported_on_finalize_makes_no_card(exporting, sandbox):
    _private_persons_card(exporting)
    exporting.auto_export, exporting.push_on_change = True, True
    exporting.save()
    since = sandbox.last_request_id()
    invoice = make_invoice(make_customer(kind=Customer.Kind.PERSON, name="Mette Sørensen"))
    for job in ExportJob.objects.order_by("kind"):
        export_job_task(job.pk)
    assert set(ExportJob.objects.values_list("state", flat=True)) == {JobState.DONE}
    [draft] = drafts_with(sandbox, reference_of(invoice))
    assert (draft["customer"]["customerNumber"], draft["recipient"]["name"]) == (1, "Mette Sørensen")
    assert _calls(sandbox, since, "POST") == []
    assert _calls(sandbox, since, "PUT", path="/customers/1") == []  # the shared card is left alone


def test_a_company_still_gets_its_own_card_with_the_private_persons_option_on(exporting, sandbox):
    _private_persons_card(exporting)
    invoice = make_invoice(make_customer(name="Firmaet ApS"))
    _export(exporting, invoice)
    link = CustomerLink.objects.get(customer=invoice.customer)
    assert link.matched_by == "created" and link.remote_number != 1


def test_the_setup_check_blocks_a_private_persons_card_economic_does_not_have(exporting, sandbox):
    _private_persons_card(exporting, number=4242)
    codes = [blocker.code for blocker in setup_check(connection=exporting).blockers]
    assert "private_customer_unknown" in codes
    _private_persons_card(exporting, number=_card(sandbox, name="Privatkunder"))
    reference_refresh(connection=exporting, client=connection_client(connection=exporting))
    codes = [blocker.code for blocker in setup_check(connection=exporting).blockers]
    assert "private_customer_unknown" not in codes


def test_a_run_refuses_a_persons_invoice_while_the_private_persons_card_is_missing(exporting):
    _private_persons_card(exporting, number=4242)
    invoice = make_invoice(make_customer(kind=Customer.Kind.PERSON, name="Ole Olsen"))
    with pytest.raises(SetupBlocked, match="private persons' invoices, 4242"):
        export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    assert not ExportJob.objects.exists()


def test_a_finance_manager_sets_the_private_persons_card_on_the_connection_form(
    exporting, client, manager
):
    client.force_login(manager)
    page = client.get(reverse("admin:integration_connection_change", args=[exporting.pk]))
    assert page.status_code == 200
    assert 'name="private_customer_number"' in page.content.decode()
