"""What stops an export, in one vocabulary: a `Blocker` names what it is about, the problem and
the fix, in a bookkeeper's words. The setup check, the dry run, a run's start and each job
before it is sent speak it, and each rule below is written once and used by all of them: the
setup check asks it of every VAT code, date and service type the selection uses, the per-invoice
checks (`exports.snapshots.invoice_blockers`) of every line.

The rules read only the `ExportContext` (the connection's mappings and its cache of e-conomic's
reference data, read once), never the database or e-conomic.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from integration.models import RemoteKind
from integration.services.export_context import sales_account_of

if TYPE_CHECKING:
    from accounts_app.models import InvoiceLine, VatCode
    from integration.services.export_context import ExportContext

DOMESTIC_ZONE = 1  # e-conomic's standard zone numbers (payloads.VAT_ZONE_DOMESTIC)

BLOCKER = "blocker"
WARNING = "warning"


@dataclass(frozen=True)
class Blocker:
    """One reason an export cannot go (or, as a warning, one thing to look at)."""

    subject: str  # what it is about ("Invoice 1042 (Acme A/S)"); empty: the set-up itself
    problem: str
    fix: str
    code: str = ""  # stable, for tests and for links to the fix
    severity: str = BLOCKER
    # The row of ours the fix is made on, as (kind, id), e.g. ("vat_code", 3): the setup check
    # links the fix to that row of its mapping grid.
    about: tuple[str, int] | None = None

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCKER

    @property
    def message(self) -> str:
        return f"{self.subject}: {self.problem}" if self.subject else self.problem

    def __str__(self) -> str:
        return f"{self.message} Fix: {self.fix}"


def warning(problem: str, fix: str, code: str, about: tuple[str, int] | None = None) -> Blocker:
    return Blocker("", problem, fix, code=code, severity=WARNING, about=about)


class Refused(Exception):
    """Blockers found before anything was sent."""

    def __init__(self, blockers: list[Blocker]):
        self.blockers = blockers
        super().__init__("\n".join(str(blocker) for blocker in blockers))


# -- the rules ---------------------------------------------------------------------------------


def vat_code_blocker(
    context: ExportContext, *, vat_code: VatCode, subject: str = "", where: str = ""
) -> Blocker | None:
    """A VAT code on a line to export must be paired with one of e-conomic's. `where` names the
    line; without it the code is said of the selection as a whole (the setup check)."""
    if vat_code.pk in context.paired_vat_codes:
        return None
    problem = (
        f"{where} has VAT code {vat_code}, which is not paired with an e-conomic VAT code."
        if where
        else f"VAT code {vat_code} is used on invoices but not paired with an e-conomic VAT code."
    )
    return Blocker(
        subject, problem, "Pair it on the VAT code pairing screen.", code="vat_code_unpaired",
        about=("vat_code", vat_code.pk),
    )


def accounting_year_blocker(
    context: ExportContext, *, day: datetime.date, subject: str
) -> Blocker | None:
    """e-conomic books (and a voucher names) the accounting year holding the date, and refuses
    a closed year or a barred period."""
    iso = day.isoformat()
    year = context.year_holding(day)
    if year is None:
        known = ", ".join(sorted(year.name for year in context.accounting_years)) or "none"
        problem = f"is dated {iso}, in no accounting year e-conomic has (it has: {known})."
        fix = "Create the accounting year in e-conomic, refresh reference data, then export again."
    elif not year.open_on(iso):
        problem = f"is dated {iso}, in accounting year {year.name}, closed or barred there."
        fix = "Reopen the year or period in e-conomic and refresh reference data, or credit the "
        fix += "invoice and reissue it with a date in an open period."
    else:
        return None
    return Blocker(subject, problem, fix, code="accounting_year_closed")


def product_blocker(
    context: ExportContext, *, service_type_id: int | None, service: str, subject: str = "",
    where: str = "",
) -> Blocker | None:  # fmt: skip
    """Every line is sold as a product e-conomic has: its service type's, else the default.
    `where` names the line; without it the service type is spoken of as such (the setup check)."""
    product = context.product_for_service_type(service_type_id)
    if not product:
        problem = (
            f"{where} has {service} and no e-conomic product: no default product is set."
            if where
            else f"{service[0].upper()}{service[1:]} has no e-conomic product and no default "
            "product is set."
        )
        return Blocker(
            subject, problem,
            "Map the service type to a product, or set a default product on the connection.",
            code="service_type_unmapped", about=_service_type(service_type_id),
        )  # fmt: skip
    if not context.has(RemoteKind.PRODUCT, product) or context.barred(RemoteKind.PRODUCT, product):
        sold = f"{where} would be sold as" if where else f"{service} is mapped to"
        return Blocker(
            subject, f"{sold[0].upper()}{sold[1:]} product {product}, which is barred or gone in "
            "e-conomic.", "Map the service type to another product, or refresh reference data.",
            code="mapped_product_unusable", about=_service_type(service_type_id),
        )  # fmt: skip
    return None


def _service_type(service_type_id: int | None) -> tuple[str, int] | None:
    return ("service_type", service_type_id) if service_type_id else None


def journal_blockers(context: ExportContext, *, vouchers: int, subject: str = "") -> list[Blocker]:
    """The voucher method needs the connection's journal, with room for `vouchers` more (as
    e-conomic counted them at the last refresh)."""
    number = context.connection.voucher_journal_number
    journal = context.record(RemoteKind.JOURNAL, number)
    if journal is None:
        return [
            Blocker(
                subject,
                f"Journal {number or '(none chosen)'} does not exist in e-conomic.",
                "Choose an existing journal on the connection, or create it in e-conomic.",
                code="journal_missing",
            )
        ]
    numbers = journal.get("settings", {}).get("voucherNumbers", {})
    minimum, maximum = numbers.get("minimumVoucherNumber"), numbers.get("maximumVoucherNumber")
    if minimum is None or maximum is None:
        return []
    room = maximum - minimum + 1 - journal.get("voucherCount", 0)
    if room >= vouchers:
        return []
    return [
        Blocker(
            subject, f"Journal {number} has room for {max(room, 0)} more vouchers; {vouchers} are "
            "needed.",
            "Widen the journal's voucher number range in e-conomic, or choose another journal.",
            code="journal_full",
        )
    ]  # fmt: skip


ZONE_NAMES = {1: "domestic", 2: "EU", 3: "abroad", 4: "domestic exempt"}


def line_booking_blockers(
    context: ExportContext, *, line: InvoiceLine, zone: int, subject: str, where: str
) -> list[Blocker]:
    """Where e-conomic would book the line, held against our coding: an invoice line books to
    the sales account of its product's group for the invoice's VAT zone, with that account's VAT
    code, charged only in the domestic zone (REFERENCE §2.7, ADDENDUM §1). Our line's sales
    account must be that account, and its VAT code (paired) that code at the rate we charged."""
    account = sales_account_of(line)
    product = context.product_for(line)
    if not product and account is not None and account.pk in context.sales:
        group = context.sales[account.pk][0]
        return [Blocker(
            subject, f"{where} has sales account {account}, mapped to product group {group}; "
            "the mapping names no product and the line's service-type product is not in that "
            "group, so no product would sell it there.",
            f"Choose a product of group {group} for sales account {account.number} on the sales "
            "account screen.", code="sales_account_product_missing",
            about=("sales_account", account.pk),
        )]  # fmt: skip
    service = f"service type '{line.service_type}'" if line.service_type_id else "no service type"
    found = product_blocker(context, service_type_id=line.service_type_id, service=service,
                            subject=subject, where=where) if not product else None  # fmt: skip
    if found or not product or not context.has(RemoteKind.PRODUCT, product):
        return [found] if found else []
    booked = context.zone_account(context.group_of(product), zone)
    zone_name = ZONE_NAMES.get(zone, f"VAT zone {zone}")
    if booked is None:
        return [Blocker(
            subject, f"{where} is sold as product {product}, whose product group has no sales "
            f"account for the {zone_name} zone in e-conomic.",
            "Give the product group a sales account for that zone in e-conomic and refresh "
            "reference data, or map the line's sales account to another group.",
            code="product_group_zone_missing",
        )]  # fmt: skip
    return _revenue_blockers(account, booked[0], zone_name, subject, where) + _vat_blockers(
        context, line, booked, zone, zone_name, subject, where
    )


def _revenue_blockers(account, booked_account, zone_name, subject, where) -> list[Blocker]:
    if account is None or account.number == booked_account:
        return []
    return [Blocker(
        subject, f"{where} has sales account {account} but would book to e-conomic account "
        f"{booked_account} (its product group's {zone_name} sales account).",
        f"Map sales account {account.number} to a product group whose {zone_name} sales account "
        f"is {account.number}, on the sales account screen.", code="revenue_account_differs",
        about=("sales_account", account.pk),
    )]  # fmt: skip


def _vat_blockers(context, line, booked, zone, zone_name, subject, where) -> list[Blocker]:
    booked_account, theirs = booked
    ours = context.vat_codes.get(line.vat_code_id) if line.vat_code_id else None
    our_rate = line.vat_rate if line.vat_code_id else Decimal("0")
    their_rate = context.vat_rate(theirs) if zone == DOMESTIC_ZONE else Decimal("0")
    if their_rate == our_rate and (theirs == ours or (theirs is None and our_rate == 0)):
        return []
    code = f"VAT code {line.vat_code}" if line.vat_code_id else "no VAT code (0 %)"
    return [Blocker(
        subject, f"{where} carries {code}, but e-conomic would book "
        f"it on account {booked_account} with VAT code {theirs or 'none'} "
        f"({(their_rate or Decimal('0')).normalize():f} % in the {zone_name} zone).",
        f"Give the line the VAT code this customer's VAT situation calls for, or map its sales "
        f"account to a product group whose {zone_name} sales account carries e-conomic VAT code "
        f"{ours or 'none'}.", code="vat_code_differs",
    )]  # fmt: skip


def voucher_line_blockers(
    context: ExportContext, *, line: InvoiceLine, zone: int, subject: str, where: str
) -> list[Blocker]:
    """A voucher names each line's revenue account itself (our sales account, else the account
    e-conomic books its product to in the zone): it must be one of e-conomic's, open for entries."""
    account = sales_account_of(line)
    if account is None:
        booked = context.zone_account(context.group_of(context.product_for(line)), zone)
        number = booked[0] if booked else None
    else:
        number = account.number
    if number is None:
        return [Blocker(
            subject, f"{where} has no sales account, and its product books to none in e-conomic.",
            "Give the line a sales account (or its service type a default one).",
            code="voucher_account_missing",
        )]  # fmt: skip
    if not context.has(RemoteKind.ACCOUNT, number) or context.barred(RemoteKind.ACCOUNT, number):
        return [Blocker(
            subject, f"{where} books to account {number}, which e-conomic's chart of accounts "
            "does not have open.",
            f"Create or reopen account {number} in e-conomic and refresh reference data, or give "
            "the line another sales account.", code="voucher_account_unknown",
        )]  # fmt: skip
    return _voucher_vat_blockers(context, line, number, subject, where)


def _voucher_vat_blockers(context, line, number: int, subject, where) -> list[Blocker]:
    """A voucher carries its VAT code itself; it must be the one e-conomic's chart gives the
    account, as an invoice's line would book it: an account without a code takes 0 % lines
    (sent without a code), never VAT."""
    theirs = context.account_vat_code(number)
    ours = context.vat_codes.get(line.vat_code_id) if line.vat_code_id else None
    rate = line.vat_rate if line.vat_code_id else Decimal("0")
    if theirs == ours or (theirs is None and not rate):
        return []
    code = f"VAT code {line.vat_code}" if line.vat_code_id else "no VAT code (0 %)"
    return [Blocker(
        subject, f"{where} carries {code}, but account {number} carries VAT code "
        f"{theirs or 'none'} in e-conomic's chart.",
        f"Give the line the VAT code account {number} is for, or give it the sales account for "
        f"{'its VAT code' if ours else 'sales without VAT'}.", code="voucher_vat_code_differs",
    )]  # fmt: skip
