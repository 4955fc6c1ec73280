"""What e-conomic will make of an invoice, predicted before it is sent, beside our ledger's own
figures, both in the invoice's currency and with VAT per e-conomic VAT code.

e-conomic prices a draft itself: each line's net rounded half-up to the cent (ADDENDUM §1, a
recorded 3 × 153.44 at 10 % discount gives 414.29), VAT from the VAT code of the account its
product's group books to in the invoice's VAT zone, charged only in the domestic zone. How it
rounds VAT is not documented: per line, or once per rate on the summed nets. The agreement's
way is learned from its answers (`rounding_learn`) and kept on the connection; until then both
are predicted, and an invoice whose figures the two ways would tell apart is predicted both
ways. A voucher carries our net and VAT to the cent (`payloads.voucher_payload`), so e-conomic
books ours.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from integration.economic import payloads
from integration.models import Connection
from integration.models.connection import ExportMethod, VatRounding
from integration.services.blockers import DOMESTIC_ZONE
from integration.services.export_context import ExportContext

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
NO_CODE = ""  # VAT booked without a code


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    net: Decimal
    vat_by_code: dict[str, Decimal]

    @property
    def vat(self) -> Decimal:
        return sum(self.vat_by_code.values(), Decimal("0"))

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    def as_report(self) -> dict:
        by_code = {code or "none": str(vat) for code, vat in self.vat_by_code.items()}
        return {"net": str(self.net), "vat": str(self.vat), "gross": str(self.gross),
                "vat_by_code": by_code}  # fmt: skip


def figures_ours(snapshot: payloads.InvoiceSnapshot) -> Figures:
    """Our ledger's net, and VAT per the e-conomic code our VAT codes are paired with, rounded
    as our ledger rounded the invoice's VAT (per line, or once per code and rate)."""
    by_code: dict[str, Decimal] = defaultdict(Decimal)
    if snapshot.vat_rounding == VatRounding.DOCUMENT:
        summed: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
        for line in snapshot.lines:
            summed[line.vat_code or NO_CODE, line.vat_rate] += line.net_amount
        for (code, rate), base in summed.items():
            by_code[code] += _round(base * rate / HUNDRED)
    else:
        for line in snapshot.lines:
            by_code[line.vat_code or NO_CODE] += line.vat_amount
    return Figures(net=snapshot.net_total, vat_by_code=dict(by_code))


@dataclass(frozen=True)
class PricedLine:
    net: Decimal
    code: str
    rate: Decimal


def _priced(snapshot: payloads.InvoiceSnapshot, context: ExportContext) -> list[PricedLine]:
    """Each line as e-conomic will price it: its own net, the booked account's code and rate."""
    zone = snapshot.vat_zone_number
    lines = []
    for line in snapshot.lines:
        net = _round(line.quantity * line.unit_price * (HUNDRED - line.discount_percent) / HUNDRED)
        booked = context.zone_account(context.group_of(line.product_number), zone)
        code = booked[1] if booked else None
        rate = (context.vat_rate(code) or Decimal("0")) if zone == DOMESTIC_ZONE else Decimal("0")
        lines.append(PricedLine(net=net, code=code or NO_CODE, rate=rate))
    return lines


def figures_predicted(
    snapshot: payloads.InvoiceSnapshot, context: ExportContext, *, rounding: str
) -> Figures:
    """What e-conomic will book for the invoice methods, with VAT rounded the given way."""
    lines = _priced(snapshot, context)
    net = sum((line.net for line in lines), Decimal("0"))
    by_code: dict[str, Decimal] = defaultdict(Decimal)
    if rounding == VatRounding.DOCUMENT:
        summed: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
        for line in lines:
            summed[line.code, line.rate] += line.net
        for (code, rate), base in summed.items():
            by_code[code] += _round(base * rate / HUNDRED)
    else:
        for line in lines:
            by_code[line.code] += _round(line.net * line.rate / HUNDRED)
    return Figures(net=net, vat_by_code={code: vat for code, vat in by_code.items()})


def roundings_to_predict(connection: Connection) -> list[str]:
    if connection.vat_rounding != VatRounding.UNKNOWN:
        return [connection.vat_rounding]
    return [VatRounding.LINE, VatRounding.DOCUMENT]


@dataclass(frozen=True)
class Prediction:
    ours: Figures
    theirs: dict[str, Figures]  # rounding -> what e-conomic books that way

    def differences(self, rounding: str) -> dict[str, Decimal]:
        """e-conomic's VAT less ours per code, and "net" for the net, where they differ."""
        theirs = self.theirs[rounding]
        found = {
            code: theirs.vat_by_code.get(code, Decimal("0")) - self.ours.vat_by_code.get(code, 0)
            for code in set(theirs.vat_by_code) | set(self.ours.vat_by_code)
        }
        found["net"] = theirs.net - self.ours.net
        return {code: difference for code, difference in found.items() if difference}

    def as_report(self) -> dict:
        return {
            "ours": self.ours.as_report(),
            "economic": {rounding: theirs.as_report() for rounding, theirs in self.theirs.items()},
            "differences": {rounding: self._shown(rounding) for rounding in self.theirs},
        }

    def _shown(self, rounding: str) -> dict[str, str]:
        return {code or "none": str(amount) for code, amount in self.differences(rounding).items()}


def invoice_predict(*, snapshot: payloads.InvoiceSnapshot, context: ExportContext) -> Prediction:
    """Ours beside e-conomic's, for every rounding the agreement may use."""
    ours = figures_ours(snapshot)
    if context.method == ExportMethod.VOUCHER:
        return Prediction(ours=ours, theirs={VatRounding.LINE: ours})
    theirs = {
        rounding: figures_predicted(snapshot, context, rounding=rounding)
        for rounding in roundings_to_predict(context.connection)
    }
    return Prediction(ours=ours, theirs=theirs)


def rounding_of_answer(
    *, snapshot: payloads.InvoiceSnapshot, context: ExportContext, vat: Decimal
) -> str | None:
    """The rounding an e-conomic answer's VAT shows, when only one of the two gives it."""
    matches = [
        rounding
        for rounding in (VatRounding.LINE, VatRounding.DOCUMENT)
        if figures_predicted(snapshot, context, rounding=rounding).vat == vat
    ]
    return matches[0] if len(matches) == 1 else None


def rounding_learn(*, connection: Connection, rounding: str) -> None:
    """Keep what e-conomic's answer showed; a later answer that shows the other way wins."""
    if connection.vat_rounding != rounding:
        Connection.objects.filter(pk=connection.pk).update(vat_rounding=rounding)
        connection.vat_rounding = rounding


def rounding_tolerance(snapshot: payloads.InvoiceSnapshot, code: str) -> Decimal:
    """The most VAT rounding per line and rounding per document can differ by: half a cent for
    each line of the code."""
    lines = sum(1 for line in snapshot.lines if (line.vat_code or NO_CODE) == code)
    return _round(Decimal("0.005") * max(lines, 1))


def prediction_problems(
    *, snapshot: payloads.InvoiceSnapshot, context: ExportContext, prediction: Prediction
) -> list[tuple[str, str]]:
    """(problem, fix) for each difference beyond rounding between ours and e-conomic's figures,
    naming the lines it comes from; empty when e-conomic will book ours (or ours to within the
    rounding the two ways of rounding VAT make)."""
    found = []
    for rounding in prediction.theirs:
        for code, difference in prediction.differences(rounding).items():
            if code != "net" and abs(difference) <= rounding_tolerance(snapshot, code):
                continue  # a rounding difference: recorded and shown, not a blocker
            found.append(_problem(snapshot, context, rounding, code, difference))
    return list(dict.fromkeys(found))


def _problem(snapshot, context, rounding, code, difference) -> tuple[str, str]:
    lines = _differing_lines(snapshot, context, code)
    named = ", ".join(
        _("line %(position)s '%(description)s'") % {"position": position, "description": text}
        for position, text in lines
    )
    what = _("net") if code == "net" else _("VAT on code %(code)s") % {"code": code or _("none")}
    problem = _(
        "e-conomic would book %(what)s %(difference)s %(currency)s from ours (VAT rounded "
        "%(rounding)s); it comes from %(lines)s."
    ) % {
        "what": what, "difference": f"{difference:+.2f}", "currency": snapshot.currency,
        "rounding": VatRounding(rounding).label.lower(),
        "lines": named or _("the invoice as a whole"),
    }  # fmt: skip
    fix = _(
        "Correct the line's quantity, price or discount to whole cents, or the VAT coding of "
        "its sales account and VAT code, so e-conomic's sum is ours."
    )
    return problem, fix


def _differing_lines(snapshot, context, code) -> list[tuple[int, str]]:
    """The lines whose own net or VAT, as e-conomic prices them, is not ours."""
    priced = _priced(snapshot, context)
    found = []
    for position, (line, their) in enumerate(zip(snapshot.lines, priced, strict=True), 1):
        their_vat = _round(their.net * their.rate / HUNDRED)
        if code == "net" and their.net != line.net_amount:
            found.append((position, line.description))
        elif (
            code != "net"
            and (line.vat_code or NO_CODE) in (code, their.code)
            and (their_vat != line.vat_amount or their.code != (line.vat_code or NO_CODE))
        ):
            found.append((position, line.description))
    return found
