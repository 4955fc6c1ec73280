"""Our invoices and customers as the plain snapshots the payload builders take, and the checks
that find what would stop them (each blocker names the invoice, the line or field, and the fix).
"""

from __future__ import annotations

from django_countries import countries

from accounts_app.models import Customer, Invoice
from integration.economic import payloads
from integration.models import RemoteKind
from integration.models.connection import NumberPolicy
from integration.services.exports.context import Blocker, ExportContext

REFERENCE_PREFIX = "LB"


def invoice_reference(invoice: Invoice) -> str:
    """Ours, in `references.other` (or the voucher text): our numbers are unique and never
    reused, so the reference finds exactly this invoice's document in e-conomic."""
    kind = "CN" if invoice.is_credit_note else "INV"
    return f"{REFERENCE_PREFIX}-{kind}-{invoice.number}"


def label(invoice: Invoice) -> str:
    return f"{invoice} ({invoice.customer.name})"


def invoice_blockers(invoice: Invoice, context: ExportContext) -> list[Blocker]:
    """Every reason this invoice cannot be exported now; empty when it can. The same checks
    guard a run before it starts and each job before it is sent (an automatic export has no run
    to refuse, and the mappings may have changed since)."""
    found = [*_header_blockers(invoice, context), *_line_blockers(invoice, context)]
    found += _date_blockers(invoice, context)
    if invoice.customer_id not in context.customers:
        found += customer_blockers(invoice.customer, context, label(invoice))
    return found


def _date_blockers(invoice: Invoice, context: ExportContext) -> list[Blocker]:
    # e-conomic books (and a voucher names) the accounting year holding the date, and refuses
    # a closed year or a barred period.
    day = invoice.issue_date.isoformat()
    year = context.year_holding(invoice.issue_date)
    if year is None:
        known = ", ".join(sorted(year.name for year in context.accounting_years)) or "none"
        problem = f"is dated {day}, in no accounting year e-conomic has (it has: {known})."
        fix = "Create the accounting year in e-conomic, refresh reference data, then export again."
    elif not year.open_on(day):
        problem = f"is dated {day}, in accounting year {year.name}, closed or barred there."
        fix = "Reopen the year or period in e-conomic and refresh reference data, or credit the "
        fix += "invoice and reissue it with a date in an open period."
    else:
        return []
    return [Blocker(label(invoice), problem, fix)]


def _header_blockers(invoice: Invoice, context: ExportContext) -> list[Blocker]:
    name, found = label(invoice), []
    if invoice.is_draft:
        found.append(Blocker(name, "is a draft.", "Finalize it before exporting."))
    if not context.has(RemoteKind.CURRENCY, invoice.currency):
        found.append(
            Blocker(
                name,
                f"is in {invoice.currency}, a currency e-conomic does not have on this agreement.",
                f"Add {invoice.currency} in e-conomic (Settings > Currencies) and refresh "
                "reference data, or credit the invoice and reissue it in a currency e-conomic has.",
            )
        )
    found += _terms_blockers(invoice, context, name)
    layout = context.layout_for()
    if not layout or not context.has(RemoteKind.LAYOUT, layout):
        found.append(
            Blocker(name, f"has no usable layout ({layout or 'none'}).", "Choose a layout.")
        )
    zone = context.vat_zone_for(invoice.customer)
    if not context.has(RemoteKind.VAT_ZONE, zone):
        found.append(
            Blocker(
                name,
                f"needs VAT zone {zone}, which e-conomic does not have.",
                "Choose another VAT zone, or refresh reference data.",
            )
        )
    return found


def _terms_blockers(invoice: Invoice, context: ExportContext, name: str) -> list[Blocker]:
    terms = context.payment_terms_for(invoice.payment_condition)
    if not terms or not context.has(RemoteKind.PAYMENT_TERMS, terms):
        return [
            Blocker(
                name,
                f"payment condition '{invoice.payment_condition}' has no e-conomic payment terms.",
                "Pair the payment condition, or set default payment terms on the connection.",
            )
        ]
    if context.terms_types.get(terms) == "dueDate" and not invoice.due_date:
        return [Blocker(name, "has no due date, which its payment terms need.", "Enter one.")]
    return []


def _line_blockers(invoice: Invoice, context: ExportContext) -> list[Blocker]:
    name, found = label(invoice), []
    for position, line in enumerate(invoice.lines.all(), 1):
        product = context.product_for(line)
        where = f"line {position} '{line.description}'"
        service = (
            f"service type '{line.service_type}'" if line.service_type_id else "no service type"
        )
        if line.vat_code_id and line.vat_code_id not in context.paired_vat_codes:
            found.append(
                Blocker(
                    name,
                    f"{where} has VAT code {line.vat_code}, which is not paired with an "
                    "e-conomic VAT code.",
                    "Pair it on the VAT code pairing screen.",
                )
            )
        if not product:
            found.append(
                Blocker(
                    name,
                    f"{where} has {service} and no e-conomic product: no default product is set.",
                    "Map the service type to a product, or set a default product on the "
                    "connection.",
                )
            )
        elif not context.has(RemoteKind.PRODUCT, product):
            found.append(
                Blocker(
                    name,
                    f"{where} would be sold as product {product}, which e-conomic does not have.",
                    "Map the service type to an existing product, or refresh reference data.",
                )
            )
    return found


def customer_blockers(customer: Customer, context: ExportContext, name: str) -> list[Blocker]:
    """What stops a card being created for a customer that is not linked yet."""
    if customer.pk in context.ambiguous:
        return [
            Blocker(
                name,
                f"customer {customer} matches several e-conomic customers.",
                "Pick the right one on the customer links screen.",
            )
        ]
    missing = [
        label_
        for label_, value in (("name", customer.name), ("address", customer.address),
                              ("zip code", customer.zip_code), ("city", customer.city))
        if not (value or "").strip()
    ]  # fmt: skip
    found = []
    if missing:
        found.append(
            Blocker(
                name,
                f"customer {customer} has no {', '.join(missing)}; e-conomic's customer card "
                "and the invoice recipient need them.",
                f"Fill in {', '.join(missing)} on customer {customer.number}.",
            )
        )
    if not context.has(RemoteKind.CURRENCY, customer.currency):
        found.append(
            Blocker(
                name,
                f"customer {customer} uses {customer.currency}, which e-conomic does not have.",
                f"Add {customer.currency} in e-conomic, or change the customer's currency.",
            )
        )
    group = context.customer_group()
    if not group or not context.has(RemoteKind.CUSTOMER_GROUP, group):
        found.append(
            Blocker(name, "no customer group for new customers.", "Set the default group.")
        )
    return found


def _country_name(code: str) -> str:
    return str(countries.name(code)) if code else ""


def recipient_of(customer: Customer) -> payloads.Recipient:
    return payloads.Recipient(
        name=customer.name,
        address=customer.address,
        zip_code=customer.zip_code,
        city=customer.city,
        country=_country_name(str(customer.country)),
        ean=customer.ean,
    )


def line_snapshots(invoice: Invoice, context: ExportContext) -> tuple:
    return tuple(
        payloads.LineSnapshot(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            product_number=context.product_for(line),
            net_amount=line.net_amount,
            vat_amount=line.vat_amount,
        )
        for line in invoice.lines.all()
    )


def invoice_snapshot(invoice: Invoice, context: ExportContext) -> payloads.InvoiceSnapshot:
    """Only after `invoice_blockers` found nothing (and the customer is linked)."""
    terms = context.payment_terms_for(invoice.payment_condition)
    project = context.projects.get(invoice.project_id) if context.connection.sync_projects else None
    return payloads.InvoiceSnapshot(
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        exchange_rate=invoice.exchange_rate,
        customer_number=context.customers.get(invoice.customer_id, 0),
        recipient=recipient_of(invoice.customer),
        layout_number=context.layout_for(),
        payment_terms_number=terms,
        payment_terms_type=context.terms_types.get(terms, ""),
        vat_zone_number=context.vat_zone_for(invoice.customer),
        reference=invoice_reference(invoice),
        lines=line_snapshots(invoice, context),
        net_total=invoice.net_total,
        vat_total=invoice.vat_total,
        gross_total=invoice.gross_total,
        credited_number=invoice.credited_invoice.number if invoice.credited_invoice_id else None,
        their_reference=invoice.their_reference,
        notes=invoice.notes,
        project_number=project,
    )


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
