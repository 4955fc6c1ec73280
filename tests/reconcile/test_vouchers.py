"""Invoices sent as journal vouchers are reconciled too: found unbooked in the journal or booked
in their accounting year by our reference in the entry text, their totals, customer and what is
left to pay held against ours, and a stray voucher with our reference named."""

import pytest

from integration.models import FindingKind, ReconcileFinding
from integration.models.connection import ExportMethod
from integration.services.reconcile import finding_fix, finding_fixes
from tests.reconcile.conftest import export_of, exported, reconciled

JOURNAL = 1


@pytest.fixture
def vouchering(reconciling):
    reconciling.voucher_journal_number = JOURNAL
    reconciling.save()
    return reconciling


def open_findings() -> dict:
    return {
        (finding.kind, finding.document): finding
        for finding in ReconcileFinding.objects.filter(state="open")
    }


def book_journal(sandbox):
    assert sandbox.post(f"/journalsapi/v15.0.0/journals/{JOURNAL}/book").status_code == 204


@pytest.mark.parametrize("booked", [False, True], ids=["in the journal", "booked"])
def test_vouchers_in_agreement_have_no_finding_within_the_budget(vouchering, sandbox, booked):
    exported(vouchering, ExportMethod.VOUCHER, count=2)
    if booked:
        book_journal(sandbox)

    run = reconciled(vouchering)

    assert open_findings() == {}
    # drafts, booked invoices, the journal, the vouchers' accounting year, changed cards
    assert (run.documents, run.found, run.api_calls, run.budget) == (2, 0, 5, 11)


def test_a_voucher_deleted_from_the_journal_is_missing(vouchering, sandbox):
    kept, deleted = exported(vouchering, ExportMethod.VOUCHER, count=2)
    entries = sandbox.get(f"/journals/{JOURNAL}/entries").json()["collection"]
    [entry] = [
        e for e in entries if e["voucher"]["voucherNumber"] == export_of(deleted).voucher_number
    ]
    gone = sandbox.delete(f"/journals/{JOURNAL}/entries/{entry['journalEntryNumber']}")
    assert gone.status_code in (200, 204), gone.text

    reconciled(vouchering)

    [(kind, document)] = open_findings()
    assert (kind, document) == (FindingKind.MISSING, f"invoice {deleted.pk}")
    finding = open_findings()[(kind, document)]
    assert f"no voucher {export_of(deleted).voucher_number}" in finding.detail


def test_a_booked_voucher_paid_in_part_shows_its_remainder_and_the_fix_imports(vouchering, sandbox):
    [invoice] = exported(vouchering, ExportMethod.VOUCHER)
    book_journal(sandbox)
    sandbox.register_voucher_payment(invoice.number, 100.0)

    reconciled(vouchering)

    finding = open_findings()[(FindingKind.REMAINDER, f"invoice {invoice.pk}")]
    assert (finding.ours["open"], finding.theirs) == ("250.00", {"remainder": "150.00"})
    assert "booked voucher" in finding.detail
    assert finding_fix(finding=finding, fix="accept").startswith("A payment import was queued")


def test_a_voucher_sent_twice_with_our_reference_is_named_and_cannot_be_relinked(
    vouchering, sandbox
):
    [invoice] = exported(vouchering, ExportMethod.VOUCHER)
    [entry] = sandbox.get(f"/journals/{JOURNAL}/entries").json()["collection"]
    copy = {key: entry[key] for key in ("customer", "amount", "date", "text", "contraAccount",
                                        "contraVatAccount", "currency")}  # fmt: skip
    body = {"accountingYear": entry["voucher"]["accountingYear"],
            "entries": {"manualCustomerInvoices": [copy]}}  # fmt: skip
    answer = sandbox.post(f"/journals/{JOURNAL}/vouchers", json=body)
    assert answer.status_code == 201, answer.text
    stray = answer.json()[0]["voucherNumber"]

    reconciled(vouchering)

    year = entry["voucher"]["accountingYear"]["year"]
    finding = open_findings()[(FindingKind.NOT_OURS, f"voucher {year}-{stray}")]
    assert finding.theirs["what"] == "voucher"
    assert "relink" not in finding_fixes(finding=finding)
    assert not any(kind == FindingKind.MISSING for kind, _ in open_findings())
    assert (FindingKind.TOTALS, f"invoice {invoice.pk}") not in open_findings()


def test_an_entry_moved_to_another_account_in_the_journal_is_found_until_moved_back(
    vouchering, sandbox
):
    [invoice] = exported(vouchering, ExportMethod.VOUCHER)
    [entry] = sandbox.get(f"/journals/{JOURNAL}/entries").json()["collection"]
    ours = (entry["contraAccount"]["accountNumber"], entry["contraVatAccount"]["vatCode"])
    sandbox.edit_journal_entry(entry["journalEntryNumber"], contraAccount=1050)

    reconciled(vouchering)

    finding = open_findings()[(FindingKind.ACCOUNTS, f"invoice {invoice.pk}")]
    [theirs] = finding.theirs["postings"]
    [mine] = finding.ours["postings"]
    assert (mine["account"], mine["vat_code"]) == ours
    assert (theirs["account"], theirs["vat_code"]) == (1050, ours[1])
    assert (theirs["net"], theirs["vat"]) == (mine["net"], mine["vat"]) == ("200.00", "50.00")
    assert "account 1050" in finding.detail

    sandbox.edit_journal_entry(entry["journalEntryNumber"], contraAccount=ours[0])
    reconciled(vouchering)
    assert open_findings() == {}
    assert ReconcileFinding.objects.get(pk=finding.pk).state == "fixed"


def test_an_entry_without_its_vat_code_in_the_journal_is_found(vouchering, sandbox):
    [invoice] = exported(vouchering, ExportMethod.VOUCHER)
    [entry] = sandbox.get(f"/journals/{JOURNAL}/entries").json()["collection"]
    sandbox.edit_journal_entry(entry["journalEntryNumber"], contraVatCode=None)

    reconciled(vouchering)

    finding = open_findings()[(FindingKind.ACCOUNTS, f"invoice {invoice.pk}")]
    assert finding.theirs["postings"][0]["vat_code"] is None
