"""Invoices: drafts, totals, gap-free finalization and credit notes."""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts_app.currency import exchange_rate_problem
from accounts_app.errors import (
    InvoiceCreditError,
    InvoiceExchangeRateError,
    InvoiceFinalizeError,
    InvoiceInvalidError,
    InvoiceLockedError,
)
from accounts_app.models import (
    BUYER_FIELDS,
    Buyer,
    Customer,
    Invoice,
    InvoiceLine,
    InvoiceNumberSeries,
    PaymentCondition,
    Project,
    SalesAccount,
    ServiceType,
    VatCode,
)
from accounts_app.money import LineAmounts, Money, totals_from_lines
from accounts_app.signals import invoice_finalized
from accounts_app.validators import money_amount_problem

# Invoices and credit notes share one series: Danish bookkeeping rules ask for a unique,
# unbroken sequence of document numbers, not for separate series per document type, and
# e-conomic itself numbers credit notes among the invoices. One series also keeps the
# gap-free guarantee to one counter row.
INVOICE_SERIES = "invoices"

Kind = PaymentCondition.Kind


def invoice_due_date(
    *, issue_date: datetime.date, condition: PaymentCondition, given: datetime.date | None = None
) -> datetime.date | None:
    """The due date a payment condition gives; for the 'due date' kind, the date given. Raises
    InvoiceInvalidError when the calendar ends before it."""
    try:
        if condition.kind == Kind.NET:
            return issue_date + datetime.timedelta(days=condition.days)
        if condition.kind == Kind.CURRENT_MONTH:
            last_day = calendar.monthrange(issue_date.year, issue_date.month)[1]
            return issue_date.replace(day=last_day) + datetime.timedelta(days=condition.days)
    except OverflowError as error:
        raise InvoiceInvalidError(
            _("%(date)s with %(days)s days of credit has no due date: check the issue date's "
              "year.") % {"date": f"{issue_date:%Y-%m-%d}", "days": condition.days}
        ) from error  # fmt: skip
    if condition.kind in (Kind.CASH, Kind.PREPAID):
        return issue_date
    return given


def invoice_create(
    *,
    customer: Customer,
    issue_date: datetime.date | None = None,
    project: Project | None = None,
    payment_condition: PaymentCondition | None = None,
    due_date: datetime.date | None = None,
    exchange_rate: Decimal | None = None,
    **references: str,
) -> Invoice:
    """A draft invoice for a customer, in the customer's currency and payment condition.
    Without an exchange rate a base-currency invoice is at 1 and a foreign one has none (e-conomic
    applies its own). `references` may hold our_reference, their_reference, notes and
    import_reference. Raises InvoiceExchangeRateError when the rate does not fit the currency."""
    invoice = Invoice(
        customer=customer,
        project=project,
        issue_date=issue_date or timezone.localdate(),
        payment_condition=payment_condition or customer.payment_condition,
        due_date=due_date,
        currency=customer.currency,
        exchange_rate=exchange_rate,
        **references,
    )
    return invoice_draft_save(invoice=invoice)


def invoice_draft_save(*, invoice: Invoice) -> Invoice:
    """Save a draft's header, with the due date its payment condition gives. Raises
    InvoiceExchangeRateError, saving nothing, when the rate does not fit the currency."""
    if invoice.pk is not None and not _stored_state_is_draft(invoice):
        raise InvoiceLockedError(
            _("%(invoice)s is finalized and cannot be edited; create a credit note instead.")
            % {"invoice": invoice}
        )
    _refuse_unfitting_exchange_rate(invoice)
    _refuse_header_problems(invoice)
    invoice.due_date = invoice_due_date(
        issue_date=invoice.issue_date, condition=invoice.payment_condition, given=invoice.due_date
    )
    invoice.save()
    return invoice


def invoice_line_add(
    *,
    invoice: Invoice,
    description: str,
    quantity: Decimal,
    unit_price: Decimal,
    vat_code: VatCode | None,
    sales_account: SalesAccount | None = None,
    service_type: ServiceType | None = None,
    discount_percent: Decimal = Decimal("0"),
) -> InvoiceLine:
    """Append a line to a draft and bring the invoice's totals up to date. Raises
    InvoiceInvalidError, adding nothing, when the line or the invoice would be too large."""
    last = invoice.lines.aggregate(last=Max("position"))["last"]
    line = InvoiceLine(
        invoice=invoice,
        position=0 if last is None else last + 1,
        description=description,
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=discount_percent,
        vat_code=vat_code,
        sales_account=sales_account or (service_type and service_type.default_sales_account),
        service_type=service_type,
    )
    try:
        line.clean()
    except ValidationError as error:
        raise InvoiceInvalidError(" ".join(error.messages)) from error
    with transaction.atomic():
        line.save()
        invoice_totals_recompute(invoice=invoice)
    return line


def invoice_totals_recompute(*, invoice: Invoice) -> Invoice:
    """Store the sums of the rounded lines on the invoice, so lists never aggregate per row."""
    totals = totals_from_lines(invoice_line_amounts(invoice=invoice), rounding=invoice.vat_rounding)
    if problem := money_amount_problem(
        totals.gross, _("The gross of %(invoice)s") % {"invoice": invoice}
    ):
        raise InvoiceInvalidError(problem)
    if (invoice.net_total, invoice.vat_total) != (totals.net, totals.vat):
        invoice.net_total, invoice.vat_total = totals.net, totals.vat
        invoice.gross_total = totals.gross
        invoice.save(update_fields=["net_total", "vat_total", "gross_total", "updated_at"])
    return invoice


def drafts_totals_recompute(*, invoices: list[Invoice]) -> None:
    """invoice_totals_recompute for many drafts at once (an import's): their lines in one query,
    their totals in one statement. The caller holds the drafts locked and has checked that
    each is still a draft: bulk_update passes by Invoice.save's guard."""
    amounts = {invoice.pk: [] for invoice in invoices}
    rows = InvoiceLine.objects.filter(invoice__in=invoices).values_list(
        "invoice_id", "net_amount", "vat_amount", "vat_code__rate"
    )
    for invoice_id, net, vat, rate in rows:
        amounts[invoice_id].append(LineAmounts(net=net, vat=vat, rate=rate or Decimal("0")))
    for invoice in invoices:
        totals = totals_from_lines(amounts[invoice.pk], rounding=invoice.vat_rounding)
        invoice.net_total, invoice.vat_total = totals.net, totals.vat
        invoice.gross_total = totals.gross
        invoice.updated_at = timezone.now()
    Invoice.objects.bulk_update(
        invoices, ["net_total", "vat_total", "gross_total", "updated_at"], batch_size=500
    )


def invoice_line_amounts(*, invoice: Invoice) -> list[LineAmounts]:
    """Each line's net, VAT and rate: as issued once frozen, else its VAT code's now."""
    rows = invoice.lines.values_list(
        "net_amount", "vat_amount", "issued_vat_rate", "vat_code__rate"
    )
    return [
        LineAmounts(net=net, vat=vat, rate=issued if issued is not None else (rate or Decimal("0")))
        for net, vat, issued, rate in rows
    ]


def invoices_external_numbers_set(*, numbers: dict[int, str]) -> None:
    """Keep the number an accounting system gave each invoice ({invoice id: number}), in one
    statement. Only `external_number` is written: the issued invoice, its number and its
    totals stay as they are (the field is not one of Invoice.LOCKED_FIELDS)."""
    invoices = [Invoice(pk=pk, external_number=number) for pk, number in numbers.items()]
    Invoice.objects.bulk_update(invoices, ["external_number"])


def invoice_finalize(*, invoice: Invoice) -> Invoice:
    """Number a draft and lock it, with the buyer and each line's VAT code and rate frozen as
    they are now. The number comes from the series counter inside this transaction, so a
    refusal or a crash leaves no gap. Raises InvoiceFinalizeError with the reason when the draft
    is not ready; nothing changes then."""
    series = _series()
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _refuse_unless_finalizable(locked)
        _lines_freeze_vat(locked)
        invoice_totals_recompute(invoice=locked)
        _refuse_negative_total(locked)
        _buyer_freeze(locked)
        locked.due_date = invoice_due_date(
            issue_date=locked.issue_date, condition=locked.payment_condition, given=locked.due_date
        )
        locked.number = _series_take_number(series)
        locked.state = Invoice.State.FINALIZED
        locked.finalized_at = timezone.now()
        locked.save()
        invoice_finalized.send(sender=Invoice, invoice=locked)
    return locked


def _lines_freeze_vat(invoice: Invoice) -> None:
    # Saving recomputes each line's VAT at the frozen rate, so the amounts agree with the rate
    # printed even when the VAT code's rate changed while the invoice was a draft. A credit
    # note's lines keep the rate the credited invoice was issued with (copied with the line).
    for line in invoice.lines.select_related("vat_code"):
        line.issued_vat_code = line.issued_vat_code or line.vat_code.code
        line.issued_vat_rate = line.vat_rate
        line.save()


def _buyer_freeze(invoice: Invoice) -> None:
    # A credit note reverses what was issued, so it goes to the buyer (and VAT situation) of the
    # invoice it credits, not to the customer as edited since.
    if invoice.credited_invoice_id:
        buyer = invoice.credited_invoice.buyer
    else:
        buyer = Buyer.of_customer(invoice.customer)
    for name in BUYER_FIELDS:
        setattr(invoice, f"buyer_{name}", getattr(buyer, name))


def invoice_credit(*, invoice: Invoice, issue_date: datetime.date | None = None) -> Invoice:
    """Cancel a finalized invoice with a credit note: a new, finalized invoice in the same
    series with every line negated, linked to the original, which becomes 'credited'. A credit
    note always credits the whole invoice; to correct part of one, credit it and issue a new
    one, which keeps every document's relation to the others obvious to an auditor."""
    with transaction.atomic():
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _refuse_unless_creditable(original)
        credit_note = _credit_note_draft(original, issue_date or timezone.localdate())
        credit_note = invoice_finalize(invoice=credit_note)
        original.state = Invoice.State.CREDITED
        original.save(update_fields=["state", "updated_at"])
    return credit_note


def _credit_note_draft(original: Invoice, issue_date: datetime.date) -> Invoice:
    credit_note = Invoice.objects.create(
        customer=original.customer,
        project=original.project,
        issue_date=issue_date,
        payment_condition=original.payment_condition,
        due_date=issue_date,
        currency=original.currency,
        exchange_rate=original.exchange_rate,
        our_reference=_credits_reference(original),
        their_reference=original.their_reference,
        credited_invoice=original,
        vat_rounding=original.vat_rounding,  # the exact negative of what was issued
    )
    for line in original.lines.all():
        line.pk = None
        line.invoice = credit_note
        line.quantity = -line.quantity
        line.save()
    return credit_note


def _credits_reference(original: Invoice) -> str:
    # Printed on the credit note's PDF, which is written in the credited invoice's language.
    with translation.override(original.buyer.language or None):
        return _("Credits invoice %(number)s") % {"number": original.number}


def _series() -> InvoiceNumberSeries:
    # Created on first use (and by the data migration); get_or_create survives the race of
    # two first finalizations by re-reading after the unique name refuses the second insert.
    return InvoiceNumberSeries.objects.get_or_create(name=INVOICE_SERIES)[0]


def _series_take_number(series: InvoiceNumberSeries) -> int:
    # The UPDATE takes the row lock (PostgreSQL) or runs under the write lock (SQLite) and
    # holds it until commit; the read after it sees this transaction's own increment.
    InvoiceNumberSeries.objects.filter(pk=series.pk).update(next_number=F("next_number") + 1)
    return InvoiceNumberSeries.objects.values_list("next_number", flat=True).get(pk=series.pk) - 1


def _refuse_unless_finalizable(invoice: Invoice) -> None:
    if invoice.state != Invoice.State.DRAFT:
        raise InvoiceFinalizeError(_("%(invoice)s is already finalized.") % {"invoice": invoice})
    lines = list(invoice.lines.all())
    if not lines:
        raise InvoiceFinalizeError(
            _("%(invoice)s has no lines. Add at least one line before finalizing.")
            % {"invoice": invoice}
        )
    without_vat = [line.description for line in lines if line.vat_code_id is None]
    if without_vat:
        raise InvoiceFinalizeError(
            _("%(invoice)s cannot be finalized: these lines have no VAT code: %(lines)s. Choose a "
              "VAT code on each line.") % {"invoice": invoice, "lines": ", ".join(without_vat)}
        )  # fmt: skip
    _refuse_header_problems(invoice)
    if invoice.payment_condition.kind == Kind.DUE_DATE and invoice.due_date is None:
        raise InvoiceFinalizeError(
            _("%(invoice)s uses a 'due date' payment condition but has no due date. Enter one.")
            % {"invoice": invoice}
        )


def _refuse_negative_total(invoice: Invoice) -> None:
    if not invoice.is_credit_note and invoice.gross_total < 0:
        raise InvoiceFinalizeError(
            _("%(invoice)s totals %(total)s, less than nothing: only a credit note pays money "
              "back. Correct the lines, or credit the invoice the amount belongs to.")
            % {"invoice": invoice, "total": Money(invoice.gross_total, invoice.currency)}
        )  # fmt: skip


def _refuse_header_problems(invoice: Invoice) -> None:
    if problems := invoice.header_problems():
        raise InvoiceInvalidError(" ".join(problems.values()))


def _refuse_unfitting_exchange_rate(invoice: Invoice) -> None:
    if problem := exchange_rate_problem(currency=invoice.currency, rate=invoice.exchange_rate):
        raise InvoiceExchangeRateError(problem)


def _refuse_unless_creditable(invoice: Invoice) -> None:
    if invoice.state == Invoice.State.DRAFT:
        raise InvoiceCreditError(
            _("%(invoice)s is a draft; delete or edit it instead of crediting.")
            % {"invoice": invoice}
        )
    if invoice.is_credit_note:
        raise InvoiceCreditError(
            _("%(invoice)s is a credit note and cannot itself be credited.") % {"invoice": invoice}
        )
    if invoice.state == Invoice.State.CREDITED or invoice.credit_notes.exists():
        raise InvoiceCreditError(
            _("%(invoice)s has already been credited.") % {"invoice": invoice}
        )


def _stored_state_is_draft(invoice: Invoice) -> bool:
    state = Invoice.objects.filter(pk=invoice.pk).values_list("state", flat=True).first()
    return state in (None, Invoice.State.DRAFT)
