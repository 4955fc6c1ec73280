"""The Content-Security-Policy holds on the main screens: each page loads in Chromium without a
single violation (a `securitypolicyviolation` event, recorded by a script that the browser runs
in every document before the page's own)."""

import pytest
from django.urls import reverse

from accounts_app.models import Invoice, LedgerImport
from integration.services.exports import export_run_start
from tests.exports.conftest import make_invoice

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def violations(admin, path: str) -> list[str]:
    admin.open(path)
    admin.find("#content")
    return admin.driver.execute_script("return window.cspViolations;")


def test_the_main_screens_load_without_a_content_security_policy_violation(admin, exporting):
    admin.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                 {"source": RECORD_VIOLATIONS})  # fmt: skip
    invoice = make_invoice()
    run = export_run_start(connection=exporting, invoices=Invoice.objects.filter(pk=invoice.pk))
    ledger_import = LedgerImport.objects.create(kind="invoice_lines", file_name="lines.csv",
                                                file_format="csv", content=b"", total_rows=3)  # fmt: skip
    screens = [
        reverse("admin:index"),
        reverse("admin:accounts_app_invoice_changelist"),
        reverse("admin:accounts_app_invoice_change", args=[invoice.pk]),
        reverse("admin:accounts_app_invoice_add"),
        reverse("admin:accounts_app_invoice_import"),
        reverse("admin:accounts_app_invoice_import_progress", args=[ledger_import.pk]),
        reverse("admin:accounts_app_invoice_export"),
        reverse("admin:accounts_app_customer_changelist"),
        reverse("admin:accounts_app_customer_add"),
        reverse("admin:accounts_app_payment_changelist"),
        reverse("admin:integration_connection_changelist"),
        reverse("admin:integration_connection_change", args=[exporting.pk]),
        reverse("admin:integration_exportrun_change", args=[run.pk]),
    ]
    found = {path: violations(admin, path) for path in screens}
    assert {path: seen for path, seen in found.items() if seen} == {}
    # The recorder itself works: an inline style set by a script is refused and recorded.
    admin.driver.execute_script("document.body.setAttribute('style', 'color: red');")
    assert admin.driver.execute_script("return window.cspViolations;")
