"""What differs between the invoices we sent as journal vouchers and e-conomic's vouchers with
our references: pure functions over what `ours.our_vouchers` and `remote` read, in the words
and shape of the invoices' differences (`compare`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from integration.models import FindingKind
from integration.services.reconcile.compare import HALF_CENT, Difference, remainder_differs
from integration.services.reconcile.ours import OurVoucher
from integration.services.reconcile.remote import Postings, Remote, RemoteVoucher

CENT = Decimal("0.01")


def vouchers_compare(
    *, ours: Iterable[OurVoucher], remote: Remote, payment_sync: str,
    postings: dict[int, Postings] | None = None,
) -> Iterator[Difference]:  # fmt: skip
    """Every difference between the invoices we sent as journal vouchers and e-conomic's
    vouchers with our references, unbooked in the journal or booked (a person booking the
    journal is the usual way on, so it is no difference). `postings`: what our invoices'
    vouchers book (ours.our_voucher_postings), by invoice, held against the journal's."""
    postings = postings or {}
    unclaimed = {reference: list(found) for reference, found in remote.vouchers.items()}
    for voucher in ours:
        candidates = unclaimed.get(voucher.reference, [])
        theirs = next((v for v in candidates if (v.year, v.number) == (voucher.year,
                                                                    voucher.voucher_number)),
                      candidates[0] if candidates else None)  # fmt: skip
        if theirs is None:
            yield _voucher_difference(
                voucher, FindingKind.MISSING, {"voucher": voucher.voucher_number,
                                                "year": voucher.year}, {},
                _("%(label)s: e-conomic has no voucher %(number)s (%(year)s) with our reference "
                  "%(reference)s, neither in the journal nor booked. Look it up in e-conomic; "
                  "mark handled once settled there.")
                % {"label": voucher.label, "number": voucher.voucher_number,
                   "year": voucher.year, "reference": voucher.reference},
            )  # fmt: skip
            continue
        candidates.remove(theirs)
        yield from _voucher_header(voucher, theirs)
        if theirs.booked:
            yield from _voucher_remainder(voucher, theirs, payment_sync)
        elif voucher.invoice_id in postings:
            yield from _voucher_accounts(voucher, theirs, postings[voucher.invoice_id])
    for reference, left in sorted(unclaimed.items()):
        for theirs in left:
            yield Difference(
                kind=FindingKind.NOT_OURS,
                document=f"voucher {theirs.year}-{theirs.number}",
                remote_number=theirs.number,
                ours={},
                theirs={
                    "reference": reference,
                    "what": "voucher",
                    "year": theirs.year,
                    "gross": str(theirs.gross),
                    "customer": theirs.customer,
                },  # fmt: skip
                detail=_(
                    "e-conomic's %(document)s carries our reference %(reference)s, but no export "
                    "of ours is recorded for it. Mark it handled once it is reversed or deleted "
                    "in e-conomic."
                )
                % {"document": theirs.name, "reference": reference},
            )


def _voucher_difference(
    voucher: OurVoucher, kind: str, mine: dict, theirs: dict, detail: str
) -> Difference:
    return Difference(
        kind=kind,
        document=f"invoice {voucher.invoice_id}",
        detail=detail,
        ours=mine,
        theirs=theirs,
        invoice_id=voucher.invoice_id,
        remote_number=voucher.voucher_number,
    )


def _voucher_header(voucher: OurVoucher, theirs: RemoteVoucher) -> Iterator[Difference]:
    fix = _("Mark handled once corrected in e-conomic.")
    if theirs.currency != voucher.currency or abs(theirs.gross - voucher.gross) > HALF_CENT:
        yield _voucher_difference(
            voucher, FindingKind.TOTALS,
            {"currency": voucher.currency, "gross": str(voucher.gross)},
            {"currency": theirs.currency, "gross": str(theirs.gross)},
            _("%(label)s: e-conomic's %(document)s totals %(their_gross)s %(their_currency)s "
              "gross, ours %(our_gross)s %(our_currency)s. %(fix)s")
            % {"label": voucher.label, "document": theirs.name, "their_gross": theirs.gross,
               "their_currency": theirs.currency, "our_gross": voucher.gross,
               "our_currency": voucher.currency, "fix": fix},
        )  # fmt: skip
    if voucher.customer_number is not None and theirs.customer != voucher.customer_number:
        yield _voucher_difference(
            voucher, FindingKind.CUSTOMER,
            {"customer": voucher.customer_number}, {"customer": theirs.customer},
            _("%(label)s: e-conomic's %(document)s is for customer %(customer)s, ours is linked "
              "to %(ours)s. %(fix)s")
            % {"label": voucher.label, "document": theirs.name, "customer": theirs.customer,
               "ours": voucher.customer_number, "fix": fix},
        )  # fmt: skip


def _voucher_accounts(
    voucher: OurVoucher, theirs: RemoteVoucher, ours: Postings
) -> Iterator[Difference]:
    """Revenue per account and VAT per code, to the cent: a person may have changed an
    entry's contra account or VAT code in the journal before booking it."""
    if _cents(ours) == _cents(theirs.postings):
        return
    yield _voucher_difference(
        voucher, FindingKind.ACCOUNTS, {"postings": _listed(ours)},
        {"postings": _listed(theirs.postings)},
        _("%(label)s: e-conomic's %(document)s books %(theirs)s; ours books %(ours)s. Correct "
          "the entries in the journal before it is booked; mark handled once they agree.")
        % {"label": voucher.label, "document": theirs.name,
           "theirs": _words(theirs.postings), "ours": _words(ours)},
    )  # fmt: skip


def _cents(postings: Postings) -> dict:
    """Without the postings of nothing (an account's entries that cancel out)."""
    return {
        key: (net.quantize(CENT), vat.quantize(CENT))
        for key, (net, vat) in postings.items() if net or vat
    }  # fmt: skip


def _listed(postings: Postings) -> list[dict]:
    return [
        {"account": account, "vat_code": code, "net": str(net), "vat": str(vat)}
        for (account, code), (net, vat) in sorted(_cents(postings).items(), key=str)
    ]


def _words(postings: Postings) -> str:
    return "; ".join(
        _("%(net)s net on account %(account)s with %(vat)s VAT (code %(code)s)")
        % {"net": item["net"], "account": item["account"] or _("none"), "vat": item["vat"],
           "code": item["vat_code"] or _("none")}
        for item in _listed(postings)
    )  # fmt: skip


def _voucher_remainder(
    voucher: OurVoucher, theirs: RemoteVoucher, sync: str
) -> Iterator[Difference]:
    if remainder_differs(theirs.remainder, voucher.open_amount, sync):
        yield _voucher_difference(
            voucher, FindingKind.REMAINDER,
            {"open": str(voucher.open_amount), "voucher": voucher.voucher_number},
            {"remainder": str(theirs.remainder)},
            _("%(label)s: e-conomic's %(document)s has %(remainder)s %(currency)s left to pay, "
              "ours %(open)s. Accept e-conomic's state to import its payments.")
            % {"label": voucher.label, "document": theirs.name, "remainder": theirs.remainder,
               "currency": voucher.currency, "open": voucher.open_amount},
        )  # fmt: skip
