"""The setup check: every reason the first export could fail on set-up, each with its fix,
found before anything is sent. Exports refuse to start while a blocker stands.

It reads the connection, the mappings and the reference-data cache; it calls e-conomic only
through "Test connection" and "Refresh reference data", which the person runs first.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from accounts_app.models import (
    Invoice,
    InvoiceLine,
    PaymentCondition,
    SalesAccount,
    ServiceType,
    VatCode,
)
from accounts_app.services import invoice_render_pdf
from integration.models import Connection, RemoteKind, RemoteRecord
from integration.models.connection import ExportMethod

BLOCKER = "blocker"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: str  # BLOCKER or WARNING
    code: str  # stable, for tests and for links to the fix
    message: str  # what is wrong, in a bookkeeper's words
    fix: str  # what to do about it

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCKER


@dataclass
class SetupReport:
    connection: Connection
    findings: list[Finding]

    @property
    def blockers(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.blocks]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.blocks]

    @property
    def ready(self) -> bool:
        return not self.blockers

    def summary(self) -> str:
        if self.ready:
            return f"{self.connection}: ready to export ({len(self.warnings)} warnings)."
        codes = ", ".join(finding.code for finding in self.blockers)
        return f"{self.connection}: {len(self.blockers)} blockers stand ({codes})."


class SetupBlocked(Exception):
    """An export was asked for while the setup check has blockers."""

    def __init__(self, report: SetupReport):
        self.report = report
        lines = [f"- {finding.message} Fix: {finding.fix}" for finding in report.blockers]
        super().__init__(
            f"Export to '{report.connection}' cannot start until the set-up is complete:\n"
            + "\n".join(lines)
        )


class Cache:
    """The reference-data cache of one connection, read once per check."""

    def __init__(self, connection: Connection):
        self.records: dict[tuple[str, str], RemoteRecord] = {
            (record.kind, record.number): record
            for record in RemoteRecord.objects.filter(connection=connection, present=True)
        }

    def get(self, kind: str, number: object) -> RemoteRecord | None:
        return self.records.get((kind, str(number))) if number not in (None, "") else None

    def of_kind(self, kind: str) -> list[RemoteRecord]:
        return [record for (each, _), record in self.records.items() if each == kind]


Check = Callable[[Connection, Cache, "QuerySet | None"], Iterable[Finding]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    CHECKS.append(function)
    return function


def setup_check(*, connection: Connection, invoices: QuerySet | None = None) -> SetupReport:
    """Run every check. `invoices` are the ones about to be exported (their dates, VAT codes
    and service types are checked); without them, every finalized invoice is considered."""
    cache = Cache(connection)
    findings = [finding for each in CHECKS for finding in each(connection, cache, invoices)]
    return SetupReport(connection=connection, findings=findings)


def setup_require_ready(*, connection: Connection, invoices: QuerySet | None = None) -> SetupReport:
    report = setup_check(connection=connection, invoices=invoices)
    if not report.ready:
        raise SetupBlocked(report)
    return report


# -- the connection itself -------------------------------------------------------------------

ROLES_FOR_METHOD = {
    ExportMethod.DRAFT: {"SuperUser", "Sales"},
    ExportMethod.BOOKED: {"SuperUser", "Sales"},
    ExportMethod.VOUCHER: {"SuperUser", "Bookkeeping"},
}


@check
def check_tokens(connection, cache, invoices):
    if not connection.grant_token:
        yield Finding(
            BLOCKER,
            "grant_token_missing",
            "The agreement grant token is not set.",
            "Paste the grant token on the connection and save.",
        )
    elif connection.test_error:
        yield Finding(
            BLOCKER,
            "tokens_refused",
            f"The last connection test failed: {connection.test_error}",
            "Correct the tokens, then run Test connection.",
        )
    elif connection.tested_at is None:
        yield Finding(
            BLOCKER,
            "not_tested",
            "The connection has not been tested yet.",
            "Run the action Test connection.",
        )
    if not connection.endpoint_config.get("app_secret_token"):
        yield Finding(
            BLOCKER,
            "app_token_missing",
            f"No app secret token is configured for {connection.endpoint_config['label']}.",
            "Set ECONOMIC_APP_SECRET_TOKEN in the environment and restart.",
        )


@check
def check_role(connection, cache, invoices):
    if connection.tested_at is None or not connection.required_roles:
        return
    allowed = ROLES_FOR_METHOD[connection.export_method]
    if not allowed & set(connection.required_roles):
        yield Finding(
            BLOCKER,
            "role_insufficient",
            f"The app has the role {', '.join(connection.required_roles)}, which cannot "
            f"{connection.get_export_method_display().lower()}.",
            f"Use an app with one of the roles {', '.join(sorted(allowed))}.",
        )


@check
def check_projects_module(connection, cache, invoices):
    if (
        connection.sync_projects
        and connection.tested_at
        and not connection.has_module("Projektstyring")
    ):
        yield Finding(
            BLOCKER,
            "projects_module_off",
            "Project sync is on, but the agreement does not have e-conomic's projects module.",
            "Turn the projects module on in e-conomic (Settings > Subscription), or turn "
            "project sync off on the connection.",
        )


@check
def check_reference_data(connection, cache, invoices):
    if connection.reference_refreshed_at is None:
        yield Finding(
            BLOCKER,
            "reference_not_loaded",
            "e-conomic's reference data has not been read yet.",
            "Run the action Refresh reference data.",
        )


DEFAULTS = [
    ("default_layout_number", RemoteKind.LAYOUT, "layout"),
    ("default_payment_terms_number", RemoteKind.PAYMENT_TERMS, "payment terms"),
    ("default_vat_zone_number", RemoteKind.VAT_ZONE, "VAT zone"),
    ("default_customer_group_number", RemoteKind.CUSTOMER_GROUP, "customer group"),
]


@check
def check_defaults(connection, cache, invoices):
    if connection.reference_refreshed_at is None:
        return
    for field, kind, label in DEFAULTS:
        number = getattr(connection, field)
        if number in (None, ""):
            yield Finding(
                BLOCKER,
                f"{field}_missing",
                f"No default {label} is set.",
                f"Choose the default {label} on the connection.",
            )
        elif cache.get(kind, number) is None:
            yield Finding(
                BLOCKER,
                f"{field}_unknown",
                f"The default {label} {number} does not exist in e-conomic.",
                f"Choose one of e-conomic's {label} records, or refresh reference data.",
            )


@check
def check_journal(connection, cache, invoices):
    if (
        connection.export_method != ExportMethod.VOUCHER
        or connection.reference_refreshed_at is None
    ):
        return
    journal = cache.get(RemoteKind.JOURNAL, connection.voucher_journal_number)
    if journal is None:
        yield Finding(
            BLOCKER,
            "journal_missing",
            f"Journal {connection.voucher_journal_number} does not exist in e-conomic.",
            "Choose an existing journal on the connection, or create it in e-conomic.",
        )
        return
    yield from _journal_room(journal, invoices)


def _journal_room(journal: RemoteRecord, invoices) -> Iterable[Finding]:
    numbers = journal.data.get("settings", {}).get("voucherNumbers", {})
    minimum, maximum = numbers.get("minimumVoucherNumber"), numbers.get("maximumVoucherNumber")
    if minimum is None or maximum is None:
        return
    room = maximum - minimum + 1 - journal.data.get("voucherCount", 0)
    needed = invoices.count() if invoices is not None else 1
    if room < needed:
        yield Finding(
            BLOCKER,
            "journal_full",
            f"Journal {journal.number} has room for {max(room, 0)} more vouchers; "
            f"{needed} are needed.",
            "Widen the journal's voucher number range in e-conomic, or choose another journal.",
        )


def accounting_year_open(cache: Cache, day: datetime.date) -> bool:
    """Whether `day` falls in an open accounting year and an open period of it."""
    iso = day.isoformat()
    for year in cache.of_kind(RemoteKind.ACCOUNTING_YEAR):
        data = year.data
        if data.get("fromDate", "") <= iso <= data.get("toDate", ""):
            if data.get("closed"):
                return False
            return not any(
                period.get("fromDate", "") <= iso <= period.get("toDate", "")
                and (period.get("closed") or period.get("barred"))
                for period in data.get("periodList", [])
            )
    return False


# -- the ledger against the mappings ---------------------------------------------------------


def _invoices(invoices):
    if invoices is not None:
        return invoices
    return Invoice.objects.exclude(state=Invoice.State.DRAFT)


def _lines(invoices):
    return InvoiceLine.objects.filter(invoice__in=_invoices(invoices))


@check
def check_service_types(connection, cache, invoices):
    """Every service type gets a product: its own mapping, or the default product."""
    if connection.reference_refreshed_at is None:
        return
    default = connection.default_product_number
    if default and cache.get(RemoteKind.PRODUCT, default) is None:
        yield Finding(
            BLOCKER,
            "default_product_unknown",
            f"The default product {default} does not exist in e-conomic.",
            "Choose one of e-conomic's products as the default, or refresh reference data.",
        )
    mapped = {
        mapping.service_type_id: mapping
        for mapping in connection.servicetypemapping_set.select_related("product", "service_type")
    }
    for mapping in mapped.values():
        if not mapping.product.present or mapping.product.barred:
            yield Finding(
                BLOCKER,
                "mapped_product_unusable",
                f"Service type '{mapping.service_type}' is mapped to product "
                f"{mapping.product.number}, which is barred or gone in e-conomic.",
                "Map the service type to another product.",
            )
    if not default:
        for service_type in ServiceType.objects.filter(active=True).exclude(pk__in=mapped):
            yield Finding(
                BLOCKER,
                "service_type_unmapped",
                f"Service type '{service_type}' has no e-conomic product and no "
                "default product is set.",
                "Map the service type to a product, or set a default product.",
            )


@check
def check_vat_codes(connection, cache, invoices):
    """Every VAT code on the lines to export is paired with an e-conomic VAT account."""
    paired = set(connection.vatcodepairing_set.values_list("vat_code_id", flat=True))
    used = _lines(invoices).exclude(vat_code=None).values("vat_code").distinct()
    for vat_code in VatCode.objects.filter(pk__in=used).exclude(pk__in=paired):
        yield Finding(
            BLOCKER,
            "vat_code_unpaired",
            f"VAT code {vat_code} is used on invoices but not paired with an e-conomic VAT code.",
            "Pair it on the VAT code pairing screen.",
        )


@check
def check_payment_conditions(connection, cache, invoices):
    paired = set(
        connection.paymentconditionpairing_set.values_list("payment_condition_id", flat=True)
    )
    used = _invoices(invoices).values("payment_condition").distinct()
    for condition in PaymentCondition.objects.filter(pk__in=used).exclude(pk__in=paired):
        if connection.default_payment_terms_number is None:
            yield Finding(
                BLOCKER,
                "payment_condition_unpaired",
                f"Payment condition '{condition}' has no e-conomic payment terms.",
                "Run 'Pair payment conditions' or choose the terms by name.",
            )
        else:
            yield Finding(
                WARNING,
                "payment_condition_unpaired",
                f"Payment condition '{condition}' is not paired; the default payment "
                f"terms {connection.default_payment_terms_number} will be used.",
                "Pair it if the invoices should carry their own terms.",
            )


@check
def check_sales_accounts(connection, cache, invoices):
    """Every sales account in use books to a product group that exists in e-conomic."""
    if connection.reference_refreshed_at is None:
        return
    mappings = {m.sales_account_id: m for m in connection.salesaccountmapping_set.all()}
    used = _lines(invoices).exclude(sales_account=None).values("sales_account").distinct()
    for account in SalesAccount.objects.filter(pk__in=used):
        mapping = mappings.get(account.pk)
        if mapping is None:
            yield Finding(
                WARNING,
                "sales_account_unmapped",
                f"Sales account {account} is not mapped to a product group; its lines "
                "book to the product's own group.",
                "Map it on the sales account screen if it should book elsewhere.",
            )
        elif cache.get(RemoteKind.PRODUCT_GROUP, mapping.product_group_number) is None:
            yield Finding(
                BLOCKER,
                "product_group_missing",
                f"Sales account {account} books to product group "
                f"{mapping.product_group_number}, which does not exist in e-conomic.",
                "Create the product group in e-conomic (Settings > Products), then "
                "refresh reference data.",
            )


@check
def check_accounting_years(connection, cache, invoices):
    if connection.reference_refreshed_at is None:
        return
    dates = _invoices(invoices).values_list("issue_date", flat=True).distinct()
    closed = sorted({day for day in dates if not accounting_year_open(cache, day)})
    if closed:
        shown = ", ".join(day.isoformat() for day in closed[:5])
        more = f" and {len(closed) - 5} more" if len(closed) > 5 else ""
        yield Finding(
            BLOCKER,
            "accounting_year_closed",
            f"Invoices are dated {shown}{more}, outside an open accounting year or in "
            "a barred period in e-conomic.",
            "Create or reopen the accounting year (or the period) in e-conomic, then "
            "refresh reference data.",
        )


@check
def check_pdf(connection, cache, invoices):
    """With "include PDF": our PDF renders and fits e-conomic's attachment limit, and it names
    the seller (a PDF booked as a voucher is the bookkeeping's evidence)."""
    if not connection.include_pdf:
        return
    if not getattr(settings, "LEDGER_SELLER_NAME", ""):
        yield Finding(
            WARNING,
            "pdf_seller_unset",
            "The invoice PDF does not name your company (LEDGER_SELLER_NAME is empty).",
            "Set LEDGER_SELLER_NAME in the environment to the company's legal name.",
        )
    sample = _invoices(invoices).order_by("-issue_date", "-pk").first()
    if sample is None:
        return
    try:
        size = len(invoice_render_pdf(invoice=sample))
    except Exception as error:  # any failure of the renderer blocks an export that needs it
        yield Finding(
            BLOCKER,
            "pdf_render_failed",
            f"The PDF of invoice {sample.number or sample.pk} cannot be rendered: {error}.",
            "Correct the invoice's data, or turn Include PDF off.",
        )
        return
    limit = settings.ECONOMIC_ATTACHMENT_LIMIT
    if size > limit:
        yield Finding(
            BLOCKER,
            "pdf_too_large",
            f"The PDF of invoice {sample.number or sample.pk} is {size:,} bytes; "
            f"e-conomic takes attachments up to {limit:,} bytes.",
            "Shorten the invoice (fewer lines or notes), or turn Include PDF off.",
        )
