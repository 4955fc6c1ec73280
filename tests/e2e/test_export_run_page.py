"""The run page of an export that e-conomic partly refuses: once the run has finished, the page
loads once more to show the invoice that needs a person and its reason, and then stays put."""

import pytest
from django.urls import reverse

from integration.models import ExportJob, ExportRun
from tests.exports.conftest import make_invoice

pytestmark = [pytest.mark.browser, pytest.mark.broker]


def test_a_refused_invoice_is_shown_with_its_reason_once_the_run_has_finished(
    admin, exporting, sandbox, worker
):
    exporting.export_method = "booked"
    exporting.save()
    invoice = make_invoice()
    # The month is closed in e-conomic after the reference data was read, so the setup check
    # lets the export start; e-conomic creates the draft and refuses to book it (E04870).
    sandbox.bar_period(invoice.issue_date.year, invoice.issue_date.month)

    admin.open(reverse("admin:accounts_app_invoice_changelist"))
    admin.run_action("export_to_economic", [invoice.pk])
    admin.submit(admin.find("input[type=submit][value=Export]"))
    admin.wait_for_text("#export-text", "0 done, 0 failed of 1.")
    worker()

    outcome = "Done, with invoices that need attention"
    admin.wait_for_text("div.field-state div.readonly", outcome)
    admin.driver.execute_script("window.sameDocument = true;")
    assert admin.text("#export-text") == f"{outcome}: 0 done, 1 failed of 1."
    bar = admin.find("#export-bar")
    assert (bar.get_property("value"), bar.get_property("max")) == (1, 1)
    job = ExportJob.objects.get(kind="invoice", object_id=invoice.pk)
    assert job.state == "failed" and job.last_error
    attention = admin.inline("need a person")
    assert job.last_error[:60] in attention and "failed" in attention.lower()
    assert ExportRun.objects.get().failed == 1
    # The finished page follows nothing: it does not reload itself again.
    assert admin.find("#export-progress").get_attribute("data-finished") == "true"
    assert admin.driver.execute_script("return window.sameDocument === true;")
