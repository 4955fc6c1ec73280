"""Our invoices and customers as the plain snapshots the payload builders take, and the checks
that find what would stop them (each blocker names the invoice, the line or field, and the fix).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django_countries import countries

from accounts_app.currency import base_currency as ledger_base_currency
from accounts_app.models import Buyer, Customer, Invoice
from integration.economic import payloads
from integration.models import RemoteKind
from integration.models.connection import ExportMethod, NumberPolicy
from integration.services.blockers import (
    Blocker,
    accounting_year_blocker,
    journal_blockers,
    line_booking_blockers,
    vat_code_blocker,
    voucher_line_blockers,
)
from integration.services.export_context import ExportContext, sales_account_of
from integration.services.exports.prediction import invoice_predict, prediction_problems
from integration.services.installation import invoice_reference


def label(invoice: Invoice) -> str:
    return f"{invoice} ({invoice.customer.name})"


def invoice_blockers(invoice: Invoice, context: ExportContext) -> list[Blocker]:
    """Every reason this invoice cannot be exported now; empty when it can. The same checks
    guard a run before it starts and each job before it is sent (an automatic export has no run
    to refuse, and the mappings may have changed since)."""
    found = invoice_own_blockers(invoice, context)
    if invoice.customer_id not in context.customers:
        found += customer_blockers(invoice.customer, context, label(invoice))
    if not found:
        found += _prediction_blockers(invoice, context)
    return found


def invoice_own_blockers(invoice: Invoice, context: ExportContext) -> list[Blocker]:
    """What stops the invoice itself, whatever becomes of its customer's card: while any stands,
    no card is made for it."""
    name = label(invoice)
    found = [*_header_blockers(invoice, context, name), *_line_blockers(invoice, context, name)]
    found += _date_blockers(invoice, context, name)
    if context.method == ExportMethod.VOUCHER:
        found += journal_blockers(context, vouchers=1, subject=name)
    return found


def _prediction_blockers(invoice: Invoice, context: ExportContext) -> list[Blocker]:
    # Asked last: a snapshot is only sound once every other check has passed.
    snapshot = invoice_snapshot(invoice, context)
    prediction = invoice_predict(snapshot=snapshot, context=context)
    return [
        Blocker(label(invoice), problem, fix, code="economic_totals_differ")
        for problem, fix in prediction_problems(
            snapshot=snapshot, context=context, prediction=prediction
        )
    ]


def _date_blockers(invoice: Invoice, context: ExportContext, name: str) -> list[Blocker]:
    found = accounting_year_blocker(context, day=invoice.issue_date, subject=name)
    return [found] if found else []


def _header_blockers(invoice: Invoice, context: ExportContext, name: str) -> list[Blocker]:
    found = []
    if invoice.is_draft:
        found.append(Blocker(name, _("is a draft."), _("Finalize it before exporting."),
                             code="not_finalized"))  # fmt: skip
    if not context.connection.base_currency:
        found.append(
            Blocker(
                name,
                _("goes to an agreement whose base currency is not known yet."),
                _("Test the connection: it reads the base currency from e-conomic."),
            )
        )
    if not context.has(RemoteKind.CURRENCY, invoice.currency):
        found.append(
            Blocker(
                name,
                _("is in %(currency)s, a currency e-conomic does not have on this agreement.")
                % {"currency": invoice.currency},
                _("Add %(currency)s in e-conomic (Settings > Currencies) and refresh reference "
                  "data, or credit the invoice and reissue it in a currency e-conomic has.")
                % {"currency": invoice.currency},
            )
        )
    found += _terms_blockers(invoice, context, name)
    layout = context.layout_for()
    if not layout or not context.has(RemoteKind.LAYOUT, layout):
        found.append(
            Blocker(
                name,
                _("has no usable layout (%(layout)s).") % {"layout": layout or _("none")},
                _("Choose a layout."),
            )
        )
    zone = context.vat_zone_for(invoice.buyer)
    if not context.has(RemoteKind.VAT_ZONE, zone):
        found.append(
            Blocker(
                name,
                _("needs VAT zone %(zone)s, which e-conomic does not have.") % {"zone": zone},
                _("Choose another VAT zone, or refresh reference data."),
            )
        )
    return found


def _terms_blockers(invoice: Invoice, context: ExportContext, name: str) -> list[Blocker]:
    terms = context.payment_terms_for(invoice.payment_condition)
    if not terms or not context.has(RemoteKind.PAYMENT_TERMS, terms):
        return [
            Blocker(
                name,
                _("payment condition '%(condition)s' has no e-conomic payment terms.")
                % {"condition": invoice.payment_condition},
                _("Pair the payment condition, or set default payment terms on the connection."),
            )
        ]
    if context.terms_types.get(terms) == "dueDate" and not invoice.due_date:
        return [Blocker(
            name, _("has no due date, which its payment terms need."), _("Enter one.")
        )]  # fmt: skip
    return []


def _line_blockers(invoice: Invoice, context: ExportContext, name: str) -> list[Blocker]:
    found = []
    zone = context.vat_zone_for(invoice.buyer)
    for position, line in enumerate(invoice.lines.all(), 1):
        where = _line_named(position, line.description)
        if line.vat_code_id:
            unpaired = vat_code_blocker(context, vat_code=line.vat_code, subject=name, where=where)
            if unpaired:
                found.append(unpaired)
                continue
        rule = (
            voucher_line_blockers
            if context.method == ExportMethod.VOUCHER
            else line_booking_blockers
        )
        found += rule(context, line=line, zone=zone, subject=name, where=where)
    return found


def _line_words(position: int, description: str) -> str:
    return _("line %(position)s '%(description)s'") % {
        "position": position, "description": description
    }


# Put in words only when a blocker names the line: most lines have none.
_line_named = lazy(_line_words, str)


def customer_blockers(customer: Customer, context: ExportContext, name: str) -> list[Blocker]:
    """What stops a card being created for a customer that is not linked yet."""
    if customer.pk in context.ambiguous:
        return [
            Blocker(
                name,
                _("customer %(customer)s matches several e-conomic customers.")
                % {"customer": customer},
                _("Pick the right one on the customer links screen."),
            )
        ]
    missing = [
        label_
        for label_, value in ((_("name"), customer.name), (_("address"), customer.address),
                              (_("zip code"), customer.zip_code), (_("city"), customer.city))
        if not (value or "").strip()
    ]  # fmt: skip
    found = []
    if missing:
        found.append(
            Blocker(
                name,
                _("customer %(customer)s has no %(fields)s; e-conomic's customer card and the "
                  "invoice recipient need them.")
                % {"customer": customer, "fields": ", ".join(missing)},
                _("Fill in %(fields)s on customer %(number)s.")
                % {"fields": ", ".join(missing), "number": customer.number},
            )
        )
    if not context.has(RemoteKind.CURRENCY, customer.currency):
        found.append(
            Blocker(
                name,
                _("customer %(customer)s uses %(currency)s, which e-conomic does not have.")
                % {"customer": customer, "currency": customer.currency},
                _("Add %(currency)s in e-conomic, or change the customer's currency.")
                % {"currency": customer.currency},
            )
        )
    group = context.customer_group()
    if not group or not context.has(RemoteKind.CUSTOMER_GROUP, group):
        found.append(
            Blocker(name, _("no customer group for new customers."), _("Set the default group."))
        )
    return found


def _country_name(code: str) -> str:
    return str(countries.name(code)) if code else ""


def recipient_of(buyer: Buyer) -> payloads.Recipient:
    return payloads.Recipient(
        name=buyer.name,
        address=buyer.address,
        zip_code=buyer.zip_code,
        city=buyer.city,
        country=_country_name(buyer.country),
        ean=buyer.ean,
    )


def line_snapshots(invoice: Invoice, context: ExportContext) -> tuple:
    zone = context.vat_zone_for(invoice.buyer)
    return tuple(_line_snapshot(line, context, zone) for line in invoice.lines.all())


def _line_snapshot(line, context: ExportContext, zone: int) -> payloads.LineSnapshot:
    product = context.product_for(line)
    account = sales_account_of(line)
    booked = context.zone_account(context.group_of(product), zone)
    # Ours where the line names one (the checks prove e-conomic books the same), else the one
    # e-conomic books its product to.
    account_number = account.number if account else (booked[0] if booked else None)
    return payloads.LineSnapshot(
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount_percent=line.discount_percent,
        product_number=product,
        net_amount=line.net_amount,
        vat_amount=line.vat_amount,
        account_number=account_number,
        vat_code=_booked_vat_code(line, context, account_number),
        vat_rate=line.vat_rate or Decimal("0"),
    )


def _booked_vat_code(line, context: ExportContext, account_number: int | None) -> str | None:
    """The e-conomic VAT code the line books with: the one ours is paired with, or none on an
    account e-conomic's chart gives none (0 % lines only: the checks refuse VAT there), as an
    invoice's line is booked."""
    if not line.vat_code_id:
        return None
    if context.has(RemoteKind.ACCOUNT, account_number) and not context.account_vat_code(
        account_number
    ):
        return None
    return context.vat_codes.get(line.vat_code_id)


def invoice_snapshot(
    invoice: Invoice, context: ExportContext, *, reference: str = ""
) -> payloads.InvoiceSnapshot:
    """Only after `invoice_blockers` found nothing (and the customer is linked). A job's own
    `reference` is what its document carries: the one it was written with."""
    terms = context.payment_terms_for(invoice.payment_condition)
    project = context.projects.get(invoice.project_id) if context.connection.sync_projects else None
    return payloads.InvoiceSnapshot(
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        exchange_rate=_exchange_rate_for_economic(invoice, context),
        customer_number=context.customers.get(invoice.customer_id, 0),
        # The buyer as issued: a later edit of the customer changes the card, not this invoice.
        recipient=recipient_of(invoice.buyer),
        layout_number=context.layout_for(),
        payment_terms_number=terms,
        payment_terms_type=context.terms_types.get(terms, ""),
        vat_zone_number=context.vat_zone_for(invoice.buyer),
        reference=reference or invoice_reference(invoice, installation=context.installation),
        lines=line_snapshots(invoice, context),
        net_total=invoice.net_total,
        vat_total=invoice.vat_total,
        gross_total=invoice.gross_total,
        vat_rounding=invoice.vat_rounding,
        credited_number=invoice.credited_invoice.number if invoice.credited_invoice_id else None,
        their_reference=invoice.their_reference,
        notes=invoice.notes,
        project_number=project,
    )


def _exchange_rate_for_economic(invoice: Invoice, context: ExportContext) -> Decimal | None:
    """The rate e-conomic gets, per unit: 1 in the agreement's base currency; ours abroad;
    None (e-conomic applies its own) when we have none, or when ours counts in a ledger base
    currency that is not the agreement's, so that e-conomic could not read it."""
    agreement_base = context.connection.base_currency
    if invoice.currency == agreement_base:
        return Decimal("1")
    if agreement_base != ledger_base_currency():
        return None
    return invoice.exchange_rate


def customer_snapshot(customer: Customer, context: ExportContext) -> payloads.CustomerSnapshot:
    ours = context.connection.number_policy == NumberPolicy.OURS
    return payloads.CustomerSnapshot(
        name=customer.name,
        kind=customer.kind,
        currency=customer.currency,
        customer_group_number=context.customer_group(),
        payment_terms_number=context.payment_terms_for(customer.payment_condition),
        vat_zone_number=payloads.vat_zone_for(customer.vat_situation),
        country_code=str(customer.country),
        number=customer.number if ours else None,
        email=customer.email,
        vat_number=customer.vat_number,
        ean=customer.ean,
        address=customer.address,
        zip_code=customer.zip_code,
        city=customer.city,
        country=_country_name(str(customer.country)),
    )
