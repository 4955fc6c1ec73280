"""What differs between our documents and e-conomic's: pure functions over what `ours` and
`remote` read, each difference with both sides' figures and, in words, what fixes it.

A draft we exported is found by its number among the drafts with our references; gone from
there, it was booked by a person if a booked invoice carries its reference, else deleted. A
booked invoice is found by its number. Whatever carries our reference and was claimed by none
of ours is "there but not ours". Amounts compare to the cent (half a cent either way, as
SQLite keeps decimals as floating point); e-conomic's gross is ours plus the VAT rounding its
answer showed at export.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts_app.models import Customer
from integration.models import FindingKind
from integration.models.connection import PaymentSync
from integration.services.reconcile.ours import OurDocument, card_fields
from integration.services.reconcile.remote import Remote, card_stamp

HALF_CENT = Decimal("0.005")


@dataclass(frozen=True)
class Difference:
    kind: str
    document: str  # the finding's key: "invoice 12" (our invoice's id), "draft 7", "card 3"
    detail: str
    ours: dict
    theirs: dict
    invoice_id: int | None = None
    customer_id: int | None = None
    remote_number: int | None = None


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _reference(document: dict) -> str:
    return (document.get("references") or {}).get("other", "")


def _customer(document: dict) -> int | None:
    return (document.get("customer") or {}).get("customerNumber")


@dataclass
class Claims:
    drafts: set[int] = field(default_factory=set)
    booked: set[int] = field(default_factory=set)


def documents_compare(
    *, ours: Iterable[OurDocument], remote: Remote, payment_sync: str
) -> Iterator[Difference]:
    """Every difference between our exported invoices and e-conomic's documents."""
    booked_by_reference = {_reference(booked): booked for booked in remote.booked.values()}
    claims = Claims()
    for document in ours:
        yield from _one(document, remote, booked_by_reference, claims, payment_sync)
    for number in sorted(set(remote.drafts) - claims.drafts):
        yield _not_ours("draft", number, remote.drafts[number])
    for number in sorted(set(remote.booked) - claims.booked):
        yield _not_ours("booked invoice", number, remote.booked[number])


def _one(ours: OurDocument, remote: Remote, booked_by_reference, claims: Claims, sync: str):
    if ours.booked_number is not None:
        booked = remote.booked.get(ours.booked_number)
        if booked is None or _reference(booked) != ours.reference:
            yield _difference(
                ours,
                FindingKind.MISSING,
                {"booked_number": ours.booked_number},
                {},
                _(
                    "%(label)s: e-conomic has no booked invoice %(number)s with our reference "
                    "%(reference)s. Look it up in e-conomic; mark handled once settled there."
                )
                % {"label": ours.label, "number": ours.booked_number, "reference": ours.reference},
            )
            return
        claims.booked.add(ours.booked_number)
        yield from _header(ours, booked, _booked_name(ours.booked_number))
        yield from _remainder(ours, booked, sync)
        return
    if ours.draft_number is None or ours.draft_deleted:
        return
    draft = remote.drafts.get(ours.draft_number)
    if draft is not None and _reference(draft) == ours.reference:
        claims.drafts.add(ours.draft_number)
        yield from _header(ours, draft, _("draft %(number)s") % {"number": ours.draft_number})
        return
    booked = booked_by_reference.get(ours.reference)
    if booked is not None:
        number = int(booked["bookedInvoiceNumber"])
        claims.booked.add(number)
        yield _difference(
            ours,
            FindingKind.DRAFT_BOOKED,
            {"draft_number": ours.draft_number},
            {"booked_number": number},
            _(
                "%(label)s: its draft %(draft)s was booked in e-conomic as invoice %(number)s. "
                "Accept e-conomic's state to record the booked number."
            )
            % {"label": ours.label, "draft": ours.draft_number, "number": number},
            remote_number=number,
        )
        yield from _header(ours, booked, _booked_name(number))
        return
    yield _difference(
        ours,
        FindingKind.DRAFT_DELETED,
        {"draft_number": ours.draft_number},
        {},
        _(
            "%(label)s: its draft %(draft)s was deleted in e-conomic. Re-export it, or accept "
            "e-conomic's state (recorded as deleted)."
        )
        % {"label": ours.label, "draft": ours.draft_number},
    )


def _difference(
    ours: OurDocument,
    kind: str,
    mine: dict,
    theirs: dict,
    detail: str,
    remote_number: int | None = None,
) -> Difference:
    return Difference(
        kind=kind,
        document=f"invoice {ours.invoice_id}",
        detail=detail,
        ours=mine,
        theirs=theirs,
        invoice_id=ours.invoice_id,
        remote_number=remote_number or ours.booked_number or ours.draft_number,
    )


def _header(ours: OurDocument, document: dict, name: str) -> Iterator[Difference]:
    number = document.get("bookedInvoiceNumber") or document.get("draftInvoiceNumber")
    fix = (
        _("Re-export it (the draft is made again from our invoice) or mark handled.")
        if "draftInvoiceNumber" in document
        else _("Mark handled once corrected in e-conomic.")
    )
    mine = {"currency": ours.currency, "net": str(ours.net), "gross": str(ours.gross)}
    theirs = {
        "currency": document.get("currency", ""),
        "net": str(_money(document.get("netAmount"))),
        "gross": str(_money(document.get("grossAmount"))),
    }
    if mine["currency"] != theirs["currency"] or any(
        abs(Decimal(mine[key]) - Decimal(theirs[key])) > HALF_CENT for key in ("net", "gross")
    ):
        yield _difference(
            ours,
            FindingKind.TOTALS,
            mine,
            theirs,
            _(
                "%(label)s: e-conomic's %(document)s totals %(their_gross)s %(their_currency)s "
                "gross (%(their_net)s net), ours %(our_gross)s %(our_currency)s (%(our_net)s). "
                "%(fix)s"
            )
            % {
                "label": ours.label, "document": name, "their_gross": theirs["gross"],
                "their_currency": theirs["currency"], "their_net": theirs["net"],
                "our_gross": mine["gross"], "our_currency": mine["currency"],
                "our_net": mine["net"], "fix": fix,
            },
            remote_number=number,
        )
    customer = _customer(document)
    if ours.customer_number is not None and customer != ours.customer_number:
        yield _difference(
            ours,
            FindingKind.CUSTOMER,
            {"customer": ours.customer_number},
            {"customer": customer},
            _(
                "%(label)s: e-conomic's %(document)s is for customer %(customer)s, ours is linked "
                "to %(ours)s. %(fix)s"
            )
            % {"label": ours.label, "document": name, "customer": customer,
               "ours": ours.customer_number, "fix": fix},
            remote_number=number,
        )
    zone = ((document.get("recipient") or {}).get("vatZone") or {}).get("vatZoneNumber")
    if zone is not None and zone != ours.vat_zone:
        yield _difference(
            ours,
            FindingKind.ACCOUNTS,
            {"vat_zone": ours.vat_zone},
            {"vat_zone": zone},
            _(
                "%(label)s: e-conomic's %(document)s is in VAT zone %(zone)s, ours in %(ours)s, "
                "so its lines book to other sales and VAT accounts. %(fix)s"
            )
            % {"label": ours.label, "document": name, "zone": zone, "ours": ours.vat_zone,
               "fix": fix},
            remote_number=number,
        )


def _remainder(ours: OurDocument, booked: dict, sync: str) -> Iterator[Difference]:
    """e-conomic's remainder against our open amount, as far as payment sync keeps ours in step:
    not at all when it is off, paid or not when it takes full payments only."""
    theirs = _money(booked.get("remainder"))
    if remainder_differs(theirs, ours.open_amount, sync):
        yield _difference(
            ours,
            FindingKind.REMAINDER,
            {"open": str(ours.open_amount)},
            {"remainder": str(theirs)},
            _(
                "%(label)s: e-conomic's booked invoice %(number)s has %(remainder)s %(currency)s "
                "left to pay, ours %(open)s. Accept e-conomic's state to import its payments."
            )
            % {"label": ours.label, "number": ours.booked_number, "remainder": theirs,
               "currency": ours.currency, "open": ours.open_amount},
        )


def remainder_differs(theirs: Decimal, open_amount: Decimal, sync: str) -> bool:
    if sync == PaymentSync.OFF:
        return False
    if sync == PaymentSync.FULL:
        return (theirs == 0) != (open_amount == 0)
    return abs(theirs - open_amount) > HALF_CENT


def _not_ours(what: str, number: int, document: dict) -> Difference:
    reference = _reference(document)
    prefix = "draft" if what == "draft" else "booked"
    return Difference(
        kind=FindingKind.NOT_OURS,
        document=f"{prefix} {number}",
        remote_number=number,
        ours={},
        theirs={
            "reference": reference,
            "what": prefix,
            "gross": str(_money(document.get("grossAmount"))),
            "customer": _customer(document),
        },
        detail=_(
            "e-conomic's %(document)s carries our reference %(reference)s, but no export of ours "
            "is recorded for it. Relink it to our invoice of that reference, or mark it handled "
            "(a stray to delete in e-conomic)."
        )
        % {
            "document": (
                _("draft %(number)s") % {"number": number}
                if what == "draft"
                else _booked_name(number)
            ),
            "reference": reference,
        },
    )


def _booked_name(number) -> str:
    return _("booked invoice %(number)s") % {"number": number}


def cards_compare(
    *, cards: Iterable[dict], customers: dict[int, tuple[Customer, datetime.datetime]]
) -> Iterator[Difference]:
    """The linked cards changed in e-conomic since we linked them whose fields now differ from
    our customer's."""
    for card in cards:
        number = int(card["customerNumber"])
        customer, linked_at = customers.get(number, (None, None))
        # e-conomic stamps to the second: a change in the second we linked it counts.
        stamp = card_stamp(card)
        if customer is None or stamp is None or stamp < linked_at.replace(microsecond=0):
            continue  # not a card of ours, or not changed since we linked it
        wanted = card_fields(customer)
        changed = [key for key in wanted if wanted[key].strip() != str(card.get(key) or "").strip()]
        if not changed:
            continue
        yield Difference(
            kind=FindingKind.CARD_CHANGED,
            document=f"card {number}",
            remote_number=number,
            customer_id=customer.pk,
            ours={key: wanted[key] for key in changed},
            theirs={key: str(card.get(key) or "") for key in changed},
            detail=_(
                "e-conomic's card %(number)s of %(customer)s differs in %(fields)s. Accept "
                "e-conomic's state (our customer takes its fields), re-export our card, or mark "
                "handled."
            )
            % {"number": number, "customer": customer.name, "fields": ", ".join(changed)},
        )
