"""Issue 13: what e-conomic books is what our ledger says, to the cent.

A seeded random ledger (domestic 25 % and 0 % lines on three sales accounts, EU reverse charge,
abroad and exempt customers, quantities and prices with cents, discounts, customers in EUR and
SEK at our exchange rate or at none, about 5 % of the invoices credited) is exported by each
method (draft, booked, voucher) under each VAT rounding model of the agreement ("line",
"document"), each pair to a fresh sandbox agreement and connection: first the invoices, then the
credit notes, as a bookkeeper would see them go. Then e-conomic's side is read back (the drafts
with their lines; the ledger entries of the booked invoices and of the voucher journal once
booked) and held against our ledger in base currency (DKK): revenue per account, VAT per VAT
code, receivable per customer. Every difference is printed to the cent, then one line per
method and model with the totals; and the VAT difference of each invoice, with whether the
export recorded it (`InvoiceExport.vat_difference`). API calls per invoice (customers linked
beforehand, no PDF) are held against the goals.

The ledger and the chart it is coded for are in `bench/random_ledger.py`. Our side in DKK:
each invoice's amounts at its rate, ours or (none given) the one e-conomic applied as the export
recorded it; converted per posting and the øre left over put on the largest revenue posting,
so that each invoice's revenue and VAT sum to its receivable.

The sandbox runs in its own process on loopback, without latency or rate limit (this measures
amounts, not speed). Prints figures; it is not a test.

    .venv/bin/python bench/ledger_truth.py [--invoices 1000] [--customers 200] [--seed 13]
        [--methods draft,booked,voucher] [--models line,document]
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import logging
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
scratch = Path(tempfile.mkdtemp(prefix="ledger-truth-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from accounts_app.models import Invoice  # noqa: E402
from bench.random_ledger import SALES_ACCOUNTS, VAT_CODES, build_ledger, ledger_mix  # noqa: E402
from economic_sandbox.pytest_plugin import SandboxClient, SandboxProcess  # noqa: E402

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
GOALS = {"draft": 1.05, "booked": 2.05, "voucher": 0.05}
JOURNAL = 1  # the sandbox's "Daglig"
PAGE = 1000  # the largest page e-conomic serves
agreement_numbers = itertools.count(9300001)


def money(amount) -> Decimal:
    return Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)


# -- the connection ----------------------------------------------------------------------------


def connect(sandbox: SandboxClient, method: str, model: str, profiles: dict):
    """A fresh agreement that rounds VAT by `model`, and a connection to it set up as a person
    would: tested, reference data read, VAT codes paired, sales accounts mapped, every customer's
    card made in e-conomic and linked."""
    from integration.models import Connection
    from integration.services.connections import connection_client, connection_test
    from integration.services.mappings import payment_conditions_pair
    from integration.services.reference import reference_refresh

    agreement = sandbox.create_agreement(agreementNumber=next(agreement_numbers))
    number = agreement["agreementNumber"]
    sandbox.call_control("PUT", f"/agreements/{number}/vat-rounding", {"model": model})
    shown = sandbox.call_control("GET", f"/agreements/{number}")["vatRounding"]
    assert shown == model, f"agreement {number} rounds by {shown}, not {model}"
    grant = agreement.get("grantToken") or f"sandbox-grant-{number}"
    connection = Connection.objects.create(
        name=f"Truth {number}", endpoint="sandbox", grant_token=grant, export_method=method,
        voucher_journal_number=JOURNAL, include_pdf=False, default_layout_number=19,
        default_payment_terms_number=2, default_vat_zone_number=1,
        default_customer_group_number=1, default_product_number="1",
    )  # fmt: skip
    assert connection_test(connection=connection), connection.test_error
    reference_refresh(connection=connection, client=connection_client(connection=connection))
    _pair_and_map(connection)
    payment_conditions_pair(connection=connection)
    _link_customers(sandbox.session_for(grant), sandbox, connection, profiles)
    return connection, sandbox.session_for(grant)


def _pair_and_map(connection) -> None:
    from accounts_app.models import SalesAccount, VatCode
    from integration.models import RemoteRecord, SalesAccountMapping, VatCodePairing

    def remote(kind: str, number: str):
        return RemoteRecord.objects.get(connection=connection, kind=kind, number=number)

    for code, (_, _, theirs) in VAT_CODES.items():
        VatCodePairing.objects.create(connection=connection, vat_code=VatCode.objects.get(
            code=code), vat_account=remote("vat_account", theirs))  # fmt: skip
    for number, (_, group, product) in SALES_ACCOUNTS.items():
        SalesAccountMapping.objects.create(
            connection=connection, sales_account=SalesAccount.objects.get(number=number),
            product_group_number=group, product=remote("product", product),
        )  # fmt: skip


def _link_customers(session, sandbox: SandboxClient, connection, profiles: dict) -> None:
    """Cards made straight in the sandbox: setting the scene, not part of what is measured."""
    from accounts_app.models import Customer
    from integration.models import CustomerLink
    from integration.models.mappings import CustomerLinkState

    customers = list(Customer.objects.filter(pk__in=profiles))
    for customer in customers:
        card = {
            "customerNumber": customer.number, "name": customer.name,
            "currency": customer.currency, "customerGroup": {"customerGroupNumber": 1},
            "paymentTerms": {"paymentTermsNumber": 2},
            "vatZone": {"vatZoneNumber": profiles[customer.pk].zone},
        }  # fmt: skip
        session.post(sandbox.url("/customers"), json=card, timeout=10).raise_for_status()
    CustomerLink.objects.bulk_create(
        CustomerLink(connection=connection, customer=customer, state=CustomerLinkState.LINKED,
                     remote_number=customer.number)
        for customer in customers
    )  # fmt: skip


# -- the export --------------------------------------------------------------------------------


def export(connection, invoice_ids: list[int]):
    """One run over the invoices; stops the bench, printing every blocker, when it is refused."""
    from integration.services.blockers import Refused
    from integration.services.exports import export_run_refresh, export_run_start, export_run_work
    from integration.services.setup_check import SetupBlocked

    invoices = Invoice.objects.filter(pk__in=invoice_ids)
    try:
        run = export_run_start(connection=connection, invoices=invoices)
    except Refused as refused:
        sys.exit("Refused:\n" + "\n".join(f"  {blocker}" for blocker in refused.blockers))
    except SetupBlocked as blocked:
        sys.exit(str(blocked))
    export_run_work(run=run)
    run = export_run_refresh(run=run)
    for job in run.jobs.exclude(state="done"):
        print(f"    job {job.kind} {job.object_id} {job.state}: {job.last_error}", flush=True)
    return run


def calls_per_invoice(runs: list, invoices: int) -> tuple[float, int]:
    """API calls per invoice, customer and PDF calls left out (counted apart: there should be
    none, the customers are linked and the PDF is off)."""
    from integration.models import ApiCall

    paths = list(ApiCall.objects.filter(export_run__in=runs).values_list("path", flat=True))
    apart = [path for path in paths if path.startswith("/customers") or "attachment" in path]
    return (len(paths) - len(apart)) / invoices, len(apart)


# -- the figures -------------------------------------------------------------------------------


@dataclass
class Figures:
    """Amounts in base currency (DKK): revenue per account, VAT per code, receivable per
    customer; and VAT per document in its own currency, by our invoice id."""

    revenue: dict = field(default_factory=lambda: defaultdict(Decimal))
    vat: dict = field(default_factory=lambda: defaultdict(Decimal))
    receivable: dict = field(default_factory=lambda: defaultdict(Decimal))
    document_vat: dict = field(default_factory=dict)
    coded_revenue: dict = field(default_factory=lambda: defaultdict(Decimal))  # (account, code)
    coded_first: dict = field(default_factory=dict)  # (account, code): the first invoice's id

    def add(self, *, customer: int, revenue: dict, vat: dict, gross_base: Decimal) -> None:
        """One document: its revenue per account and VAT per code in base currency, rounded
        per posting, the øre left over on the largest revenue posting."""
        left_over = gross_base - sum(revenue.values(), ZERO) - sum(vat.values(), ZERO)
        if revenue and left_over:
            largest = max(revenue, key=lambda account: abs(revenue[account]))
            revenue = {**revenue, largest: revenue[largest] + left_over}
        for account, amount in revenue.items():
            self.revenue[account] += amount
        for code, amount in vat.items():
            self.vat[code] += amount
        self.receivable[customer] += gross_base


def ours(invoice_ids: list[int], connection) -> Figures:
    """Our ledger: each invoice's lines by sales account and e-conomic VAT code, at its rate
    (ours, or the one e-conomic applied, as the export recorded it)."""
    from integration.models import InvoiceExport

    exports = {export.invoice_id: export for export in
               InvoiceExport.objects.filter(connection=connection, invoice__in=invoice_ids)}
    figures = Figures()
    for invoice in Invoice.objects.filter(pk__in=invoice_ids).prefetch_related("lines"):
        export = exports.get(invoice.pk)
        applied = export.exchange_rate if export else None
        if invoice.exchange_rate and applied and applied != invoice.exchange_rate:
            print(f"    invoice {invoice.number}: our rate {invoice.exchange_rate}, e-conomic "
                  f"applied {applied}")  # fmt: skip
        rate = invoice.exchange_rate or applied
        if rate is None:
            print(f"    invoice {invoice.number}: no rate known (not exported?)")
            continue
        net, vat = defaultdict(Decimal), defaultdict(Decimal)
        bases = defaultdict(Decimal)  # (e-conomic code, rate) -> net, for a ledger per document
        for line in invoice.lines.all():
            net[line.sales_account.number] += line.net_amount
            vat[VAT_CODES[line.issued_vat_code][2]] += line.vat_amount
            bases[VAT_CODES[line.issued_vat_code][2], line.issued_vat_rate] += line.net_amount
        if invoice.vat_rounding == "document":
            vat = defaultdict(Decimal)
            for (code, percent), base in bases.items():
                vat[code] += money(base * percent / 100)
        figures.add(customer=invoice.customer.number,
                    revenue={account: money(amount * rate) for account, amount in net.items()},
                    vat={code: money(amount * rate) for code, amount in vat.items() if amount},
                    gross_base=money(invoice.gross_total * rate))  # fmt: skip
        figures.document_vat[invoice.pk] = invoice.vat_total
    return figures


def paged(session, sandbox: SandboxClient, path: str) -> list[dict]:
    items, page = [], 0
    while True:
        answer = session.get(sandbox.url(path), params={"pagesize": PAGE, "skippages": page},
                             timeout=60)  # fmt: skip
        answer.raise_for_status()
        collection = answer.json()["collection"]
        items += collection
        if len(collection) < PAGE:
            return items
        page += 1


def theirs_from_ledger(session, sandbox, connection) -> Figures:
    """e-conomic's ledger this year: revenue per sales account, VAT per code (on the VAT
    accounts), receivable per customer, and VAT per voucher mapped to our invoices."""
    from integration.models import InvoiceExport

    by_voucher = {}
    for export in InvoiceExport.objects.filter(connection=connection):
        by_voucher[export.booked_number or export.voucher_number] = export.invoice_id
    figures = Figures()
    entries = paged(session, sandbox, f"/accounting-years/{datetime.date.today().year}/entries")
    for entry in entries:
        account, base = entry["account"]["accountNumber"], money(entry["amountInBaseCurrency"])
        code = (entry.get("vatAccount") or {}).get("vatCode")
        invoice_id = by_voucher.get(entry["voucherNumber"])
        if "customer" in entry:
            figures.receivable[entry["customer"]["customerNumber"]] += base
            figures.document_vat.setdefault(invoice_id, ZERO)
        elif account in SALES_ACCOUNTS:
            figures.revenue[account] -= base
            figures.coded_revenue[account, code] -= base
            figures.coded_first.setdefault((account, code), invoice_id)
        elif code:
            figures.vat[code] -= base
            figures.document_vat[invoice_id] = figures.document_vat.get(invoice_id, ZERO) - money(
                entry["amount"])  # fmt: skip
    return figures


def theirs_from_drafts(session, sandbox, connection) -> Figures:
    """e-conomic's drafts: each line's revenue on its product's group's sales account for the
    draft's zone, carrying that account's VAT code; the draft's VAT on the one code with a rate
    (only U25 has one here)."""
    from integration.models import InvoiceExport

    by_draft = dict(InvoiceExport.objects.filter(connection=connection, draft_deleted_at=None)
                    .values_list("draft_number", "invoice_id"))  # fmt: skip
    chart = _chart(session, sandbox)
    figures = Figures()
    for summary in paged(session, sandbox, "/invoices/drafts"):
        number = summary["draftInvoiceNumber"]
        draft = session.get(sandbox.url(f"/invoices/drafts/{number}"), timeout=10).json()
        _add_draft(figures, draft, chart)
        if number not in by_draft:
            print(f"    draft {number} is not one of ours")
        figures.document_vat[by_draft.get(number)] = money(draft["vatAmount"])
    return figures


def _add_draft(figures: Figures, draft: dict, chart) -> None:
    product_groups, zone_accounts, account_codes = chart
    zone = draft["recipient"]["vatZone"]["vatZoneNumber"]
    rate = Decimal(str(draft["exchangeRate"])) / 100
    net, codes = defaultdict(Decimal), set()
    for line in draft.get("lines", []):
        group = product_groups[line["product"]["productNumber"]]
        account = zone_accounts[group, zone]
        net[account] += money(line["totalNetAmount"])
        if zone == 1 and account_codes.get(account):
            codes.add(account_codes[account])
    vat_base = money(draft["grossAmountInBaseCurrency"]) - money(draft["netAmountInBaseCurrency"])
    if len(codes) > 1:
        print(f"    draft {draft['draftInvoiceNumber']}: VAT on {sorted(codes)}, not split here")
    vat = {codes.pop(): vat_base} if codes and vat_base else {}
    figures.add(customer=draft["customer"]["customerNumber"],
                revenue={account: money(amount * rate) for account, amount in net.items()},
                vat=vat, gross_base=money(draft["grossAmountInBaseCurrency"]))  # fmt: skip


def _chart(session, sandbox):
    """Which group each product is in, each group's sales account per zone, each account's
    VAT code: as e-conomic says."""
    products = paged(session, sandbox, "/products")
    groups = {product["productNumber"]: product["productGroup"]["productGroupNumber"]
              for product in products}  # fmt: skip
    zone_accounts = {}
    for group in set(groups.values()):
        for item in paged(session, sandbox, f"/product-groups/{group}/sales-accounts"):
            zone_accounts[group, item["vatZone"]["vatZoneNumber"]] = (
                item["salesAccount"]["accountNumber"])  # fmt: skip
    codes = {account["accountNumber"]: (account.get("vatAccount") or {}).get("vatCode")
             for account in paged(session, sandbox, "/accounts")}  # fmt: skip
    return groups, zone_accounts, codes


def revenue_codes(label: str, session, sandbox, their: Figures) -> None:
    """The VAT code each revenue posting carries in e-conomic's ledger, held against the code
    e-conomic's chart gives the account: a VAT return adds revenue up by these codes."""
    chart = {account["accountNumber"]: (account.get("vatAccount") or {}).get("vatCode")
             for account in paged(session, sandbox, "/accounts")}  # fmt: skip
    for (account, code), amount in sorted(their.coded_revenue.items(), key=str):
        first = Invoice.objects.filter(pk=their.coded_first[account, code]).first()
        verdict = "as the chart" if code == chart.get(account) else (
            f"the chart gives {account} {chart.get(account) or 'no code'}; first on {first}")
        print(f"    {label} revenue on {account} carrying {code or 'no code'}: {amount:.2f} "
              f"({verdict})")  # fmt: skip


def book_journal(session, sandbox) -> None:
    """A person books the voucher journal: only then are the vouchers in the ledger."""
    answer = session.post(sandbox.url(f"/journalsapi/v15.0.0/journals/{JOURNAL}/book"),
                          timeout=120)  # fmt: skip
    if answer.status_code != 204:
        print(f"    booking journal {JOURNAL}: {answer.status_code} {answer.text[:2000]}")


# -- the comparison ----------------------------------------------------------------------------


def compare(label: str, our: Figures, their: Figures) -> list[str]:
    """Print each difference (e-conomic's less ours) and answer the totals line's parts."""
    summary = []
    for name in ("revenue", "vat", "receivable"):
        mine, other = getattr(our, name), getattr(their, name)
        differences = {key: other.get(key, ZERO) - mine.get(key, ZERO)
                       for key in sorted(set(mine) | set(other), key=str)}  # fmt: skip
        differences = {key: value for key, value in differences.items() if value}
        for key, value in differences.items():
            print(f"    {label} {name} {key}: ours {mine.get(key, ZERO):.2f}, e-conomic "
                  f"{other.get(key, ZERO):.2f}, difference {value:+.2f}")  # fmt: skip
        total_ours, total_theirs = sum(mine.values(), ZERO), sum(other.values(), ZERO)
        found = (f"{len(differences)} differ, {sum(differences.values(), ZERO):+.2f}"
                 if differences else "0.00 difference")  # fmt: skip
        summary.append(f"{name} {total_ours:.2f} / {total_theirs:.2f} ({found})")
    return summary


def document_differences(label: str, our: Figures, their: Figures, connection) -> str:
    """Each invoice's VAT, e-conomic's less ours, in its currency; and whether the export kept
    that difference on `InvoiceExport.vat_difference`."""
    from integration.models import InvoiceExport

    recorded = dict(InvoiceExport.objects.filter(connection=connection)
                    .values_list("invoice_id", "vat_difference"))  # fmt: skip
    found, unrecorded = {}, 0
    for invoice_id, vat in their.document_vat.items():
        difference = vat - our.document_vat.get(invoice_id, ZERO)
        if difference:
            found[invoice_id] = difference
        if (recorded.get(invoice_id) or ZERO) != difference:
            unrecorded += 1
            print(f"    {label} invoice id {invoice_id}: VAT difference {difference:+.2f}, "
                  f"recorded {recorded.get(invoice_id)}")  # fmt: skip
    largest = max((abs(value) for value in found.values()), default=ZERO)
    return (f"{len(found)} invoices' VAT differs from ours, sum {sum(found.values(), ZERO):+.2f}, "
            f"largest {largest:.2f}; {len(their.document_vat) - unrecorded} of "
            f"{len(their.document_vat)} recorded on InvoiceExport.vat_difference as e-conomic "
            "shows it")  # fmt: skip


def one_pair(sandbox, method: str, model: str, ledger) -> None:
    from integration.models import InvoiceExport

    profiles, originals, credit_notes, _ = ledger
    started = time.monotonic()
    connection, session = connect(sandbox, method, model, profiles)
    runs = [export(connection, originals), export(connection, credit_notes)]
    sent = len(originals) + len(credit_notes)
    per_invoice, apart = calls_per_invoice(runs, sent)
    label = f"{method}×{model}"
    if method == "draft":
        their = theirs_from_drafts(session, sandbox, connection)
        deleted = set(InvoiceExport.objects.filter(connection=connection).exclude(
            draft_deleted_at=None).values_list("invoice_id", flat=True))  # fmt: skip
        gone = deleted | set(Invoice.objects.filter(
            credited_invoice__in=deleted).values_list("pk", flat=True))  # fmt: skip
        expected = [pk for pk in originals + credit_notes if pk not in gone]
        print(f"    {len(deleted)} drafts deleted for their credit notes (neither side counted)")
    else:
        if method == "voucher":
            book_journal(session, sandbox)
        their = theirs_from_ledger(session, sandbox, connection)
        revenue_codes(label, session, sandbox, their)
        expected = originals + credit_notes
    our = ours(expected, connection)
    done = sum(run.done for run in runs)
    per_document = document_differences(label, our, their, connection)
    print(f"  {label}: {done} of {sent} done; {per_document}")
    print(f"  {label}: API calls/invoice {per_invoice:.3f} (goal {GOALS[method]:.2f}, "
          f"{'met' if per_invoice <= GOALS[method] else 'MISSED'}); customer and PDF calls "
          f"{apart}; {time.monotonic() - started:.0f} s")  # fmt: skip
    print(f"  {label}: " + "; ".join(compare(label, our, their)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--methods", default="draft,booked,voucher")
    parser.add_argument("--models", default="line,document")
    parser.add_argument(
        "--ledger-rounding", default="follow", choices=["follow", "line", "document"],
        help="how our ledger rounds VAT (LEDGER_VAT_ROUNDING): as each agreement does (a ledger "
        "of the same invoices per model), or one way for all",
    )  # fmt: skip
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    logging.getLogger("django-q").setLevel(logging.WARNING)  # one "Enqueued" line per run
    running = SandboxProcess(None).start()
    sandbox = running.client()
    sandbox.reset()
    sandbox.set_faults()
    sandbox.set_rate_limit(enabled=False)
    settings.ECONOMIC_ENDPOINTS["sandbox"].update(
        rest_url=sandbox.base_url, openapi_url=sandbox.base_url, app_secret_token=sandbox.app_token
    )
    # Our own bucket opened wide as well: amounts are measured here, not pace.
    settings.ECONOMIC_RATE_LIMIT.update(capacity=1e9, refill_per_second=1e9)
    ledgers, people = {}, None
    for model in options.models.split(","):
        rounding = model if options.ledger_rounding == "follow" else options.ledger_rounding
        if rounding not in ledgers:
            # The same seed: the same invoices and lines, their VAT rounded this way.
            settings.LEDGER_VAT_ROUNDING = rounding
            started = time.monotonic()
            rng = random.Random(options.seed)
            if people:
                rng.random()  # what the first ledger drew for its customers: the same invoices
            ledgers[rounding] = build_ledger(rng, options.invoices, options.customers, people)
            people = ledgers[rounding][3]
            print(f"ledger rounding VAT {rounding}: {options.invoices} invoices and "
                  f"{len(ledgers[rounding][2])} credit notes for {options.customers} customers, "
                  f"seed {options.seed}; {ledger_mix(ledgers[rounding][1])}; built in "
                  f"{time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
    for method in options.methods.split(","):
        for model in options.models.split(","):
            rounding = model if options.ledger_rounding == "follow" else options.ledger_rounding
            print(f"  {method}×{model}: the ledger rounds VAT {rounding}")
            one_pair(sandbox, method, model, ledgers[rounding])
    running.stop()


if __name__ == "__main__":
    main()
