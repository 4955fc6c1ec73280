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
from typing import TYPE_CHECKING

from integration.models import RemoteKind

if TYPE_CHECKING:
    from accounts_app.models import VatCode
    from integration.services.export_context import ExportContext

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

    @property
    def blocks(self) -> bool:
        return self.severity == BLOCKER

    @property
    def message(self) -> str:
        return f"{self.subject}: {self.problem}" if self.subject else self.problem

    def __str__(self) -> str:
        return f"{self.message} Fix: {self.fix}"


def warning(problem: str, fix: str, code: str) -> Blocker:
    return Blocker("", problem, fix, code=code, severity=WARNING)


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
        subject, problem, "Pair it on the VAT code pairing screen.", code="vat_code_unpaired"
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
            code="service_type_unmapped",
        )  # fmt: skip
    if not context.has(RemoteKind.PRODUCT, product) or context.barred(RemoteKind.PRODUCT, product):
        sold = f"{where} would be sold as" if where else f"{service} is mapped to"
        return Blocker(
            subject, f"{sold[0].upper()}{sold[1:]} product {product}, which is barred or gone in "
            "e-conomic.", "Map the service type to another product, or refresh reference data.",
            code="mapped_product_unusable",
        )  # fmt: skip
    return None


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
