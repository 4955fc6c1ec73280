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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        return _("%(message)s Fix: %(fix)s") % {"message": self.message, "fix": self.fix}


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
        _("%(where)s has VAT code %(code)s, which is not paired with an e-conomic VAT code.")
        % {"where": where, "code": vat_code}
        if where
        else _("VAT code %(code)s is used on invoices but not paired with an e-conomic VAT code.")
        % {"code": vat_code}
    )
    return Blocker(
        subject, problem, _("Pair it on the VAT code pairing screen."), code="vat_code_unpaired",
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
        known = ", ".join(sorted(year.name for year in context.accounting_years)) or _("none")
        problem = _(
            "is dated %(date)s, in no accounting year e-conomic has (it has: %(known)s)."
        ) % {"date": iso, "known": known}
        fix = _(
            "Create the accounting year in e-conomic, refresh reference data, then export again."
        )
    elif not year.open_on(iso):
        problem = _(
            "is dated %(date)s, in accounting year %(year)s, closed or barred there."
        ) % {"date": iso, "year": year.name}
        fix = _(
            "Reopen the year or period in e-conomic and refresh reference data, or credit the "
            "invoice and reissue it with a date in an open period."
        )
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
            _("%(where)s has %(service)s and no e-conomic product: no default product is set.")
            % {"where": where, "service": service}
            if where
            else _capitalized(
                _("%(service)s has no e-conomic product and no default product is set.")
                % {"service": service}
            )
        )
        return Blocker(
            subject, problem,
            _("Map the service type to a product, or set a default product on the connection."),
            code="service_type_unmapped", about=_service_type(service_type_id),
        )  # fmt: skip
    if not context.has(RemoteKind.PRODUCT, product) or context.barred(RemoteKind.PRODUCT, product):
        problem = (
            _("%(where)s would be sold as product %(product)s, which is barred or gone in "
              "e-conomic.") % {"where": where, "product": product}
            if where
            else _("%(service)s is mapped to product %(product)s, which is barred or gone in "
                   "e-conomic.") % {"service": service, "product": product}
        )  # fmt: skip
        return Blocker(
            subject, _capitalized(problem),
            _("Map the service type to another product, or refresh reference data."),
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
                _("Journal %(number)s does not exist in e-conomic.")
                % {"number": number or _("(none chosen)")},
                _("Choose an existing journal on the connection, or create it in e-conomic."),
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
            subject,
            _("Journal %(number)s has room for %(room)d more vouchers; %(needed)d are needed.")
            % {"number": number, "room": max(room, 0), "needed": vouchers},
            _("Widen the journal's voucher number range in e-conomic, or choose another journal."),
            code="journal_full",
        )
    ]  # fmt: skip


ZONE_NAMES = {
    1: gettext_lazy("domestic"),
    2: gettext_lazy("EU"),
    3: gettext_lazy("abroad"),
    4: gettext_lazy("domestic exempt"),
}


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
            subject, _(
                "%(where)s has sales account %(account)s, mapped to product group %(group)s; the "
                "mapping names no product and the line's service-type product is not in that "
                "group, so no product would sell it there."
            ) % {"where": where, "account": account, "group": group},
            _("Choose a product of group %(group)s for sales account %(number)s on the sales "
              "account screen.") % {"group": group, "number": account.number},
            code="sales_account_product_missing", about=("sales_account", account.pk),
        )]  # fmt: skip
    if not product:
        found = product_blocker(context, service_type_id=line.service_type_id,
                                service=_service_named(line), subject=subject, where=where)
        return [found] if found else []
    if not context.has(RemoteKind.PRODUCT, product):
        return []
    booked = context.zone_account(context.group_of(product), zone)
    # Put in words only when a blocker says it (ZONE_NAMES are lazy).
    zone_name = ZONE_NAMES[zone] if zone in ZONE_NAMES else _("VAT zone %(zone)s") % {"zone": zone}
    if booked is None:
        return [Blocker(
            subject, _(
                "%(where)s is sold as product %(product)s, whose product group has no sales "
                "account for the %(zone)s zone in e-conomic."
            ) % {"where": where, "product": product, "zone": zone_name},
            _("Give the product group a sales account for that zone in e-conomic and refresh "
              "reference data, or map the line's sales account to another group."),
            code="product_group_zone_missing",
        )]  # fmt: skip
    return _revenue_blockers(account, booked[0], zone_name, subject, where) + _vat_blockers(
        context, line, booked, zone, zone_name, subject, where
    )


def _service_named(line: InvoiceLine) -> str:
    if line.service_type_id:
        return _("service type '%(name)s'") % {"name": line.service_type}
    return _("no service type")


def _revenue_blockers(account, booked_account, zone_name, subject, where) -> list[Blocker]:
    if account is None or account.number == booked_account:
        return []
    return [Blocker(
        subject, _(
            "%(where)s has sales account %(account)s but would book to e-conomic account "
            "%(booked)s (its product group's %(zone)s sales account)."
        ) % {"where": where, "account": account, "booked": booked_account, "zone": zone_name},
        _("Map sales account %(number)s to a product group whose %(zone)s sales account is "
          "%(number)s, on the sales account screen.") % {"number": account.number,
                                                          "zone": zone_name},
        code="revenue_account_differs", about=("sales_account", account.pk),
    )]  # fmt: skip


def _vat_blockers(context, line, booked, zone, zone_name, subject, where) -> list[Blocker]:
    booked_account, theirs = booked
    ours = context.vat_codes.get(line.vat_code_id) if line.vat_code_id else None
    our_rate = line.vat_rate if line.vat_code_id else Decimal("0")
    their_rate = context.vat_rate(theirs) if zone == DOMESTIC_ZONE else Decimal("0")
    if their_rate == our_rate and (theirs == ours or (theirs is None and our_rate == 0)):
        return []
    return [Blocker(
        subject, _(
            "%(where)s carries %(code)s, but e-conomic would book it on account %(account)s with "
            "VAT code %(theirs)s (%(rate)s %% in the %(zone)s zone)."
        ) % {
            "where": where, "code": _line_vat_code(line), "account": booked_account,
            "theirs": theirs or _("none"), "zone": zone_name,
            "rate": f"{(their_rate or Decimal('0')).normalize():f}",
        },
        _("Give the line the VAT code this customer's VAT situation calls for, or map its sales "
          "account to a product group whose %(zone)s sales account carries e-conomic VAT code "
          "%(ours)s.") % {"zone": zone_name, "ours": ours or _("none")},
        code="vat_code_differs",
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
            subject,
            _("%(where)s has no sales account, and its product books to none in e-conomic.")
            % {"where": where},
            _("Give the line a sales account (or its service type a default one)."),
            code="voucher_account_missing",
        )]  # fmt: skip
    if not context.has(RemoteKind.ACCOUNT, number) or context.barred(RemoteKind.ACCOUNT, number):
        return [Blocker(
            subject, _(
                "%(where)s books to account %(number)s, which e-conomic's chart of accounts "
                "does not have open."
            ) % {"where": where, "number": number},
            _("Create or reopen account %(number)s in e-conomic and refresh reference data, or "
              "give the line another sales account.") % {"number": number},
            code="voucher_account_unknown",
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
    fix = (
        _("Give the line the VAT code account %(number)s is for, or give it the sales account "
          "for its VAT code.")
        if ours
        else _("Give the line the VAT code account %(number)s is for, or give it the sales "
               "account for sales without VAT.")
    )  # fmt: skip
    return [Blocker(
        subject, _(
            "%(where)s carries %(code)s, but account %(number)s carries VAT code %(theirs)s in "
            "e-conomic's chart."
        ) % {"where": where, "code": _line_vat_code(line), "number": number,
             "theirs": theirs or _("none")},
        fix % {"number": number}, code="voucher_vat_code_differs",
    )]  # fmt: skip


def _line_vat_code(line: InvoiceLine) -> str:
    if line.vat_code_id:
        return _("VAT code %(code)s") % {"code": line.vat_code}
    return _("no VAT code (0 %)")


def _capitalized(text: str) -> str:
    """A sentence that opens with a name given in lower case ("service type 'Rådgivning' ...")."""
    return text[:1].upper() + text[1:]
