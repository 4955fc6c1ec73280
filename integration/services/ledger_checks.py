"""The setup check's rules about the ledger against the mappings: each service type, VAT code,
payment condition, sales account and date the invoices to export use, and where their lines
would book in e-conomic. Each is asked of the whole selection; the same rules are asked line by
line of each invoice by the export (`exports.snapshots.invoice_blockers`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts_app.models import (
    Invoice,
    InvoiceLine,
    PaymentCondition,
    SalesAccount,
    ServiceType,
    VatCode,
)
from accounts_app.services import invoice_render_pdf, seller_missing_settings
from integration.models import Connection, RemoteKind
from integration.models.connection import ExportMethod
from integration.services.blockers import (
    Blocker,
    accounting_year_blocker,
    line_booking_blockers,
    product_blocker,
    vat_code_blocker,
    voucher_line_blockers,
    warning,
)
from integration.services.export_context import ExportContext

Check = Callable[[Connection, ExportContext, "QuerySet | None"], Iterable[Blocker]]
LEDGER_CHECKS: list[Check] = []
PRODUCT_CODES = ("service_type_unmapped", "mapped_product_unusable")


def check(function: Check) -> Check:
    LEDGER_CHECKS.append(function)
    return function


def _invoices(invoices):
    if invoices is not None:
        return invoices
    return Invoice.objects.exclude(state=Invoice.State.DRAFT)


def _lines(invoices):
    return InvoiceLine.objects.filter(invoice__in=_invoices(invoices))


@check
def check_service_types(connection, context, invoices):
    """Every service type gets a product: its own mapping, or the default product."""
    if connection.reference_refreshed_at is None:
        return
    default = connection.default_product_number
    if default and not context.has(RemoteKind.PRODUCT, default):
        yield Blocker(
            "",
            _("The default product %(number)s does not exist in e-conomic.") % {"number": default},
            _("Choose one of e-conomic's products as the default, or refresh reference data."),
            code="default_product_unknown",
        )
    # Mapped ones are checked whatever their state; unmapped ones only when no default stands in.
    chosen = Q(pk__in=set(context.products))
    if not default:
        chosen |= Q(active=True)
    for service_type in ServiceType.objects.filter(chosen):
        service = _("service type '%(name)s'") % {"name": service_type}
        blocker = product_blocker(context, service_type_id=service_type.pk, service=service)
        if blocker:
            yield blocker


@check
def check_vat_codes(connection, context, invoices):
    """Every VAT code on the lines to export is paired with an e-conomic VAT account."""
    used = _lines(invoices).exclude(vat_code=None).values("vat_code").distinct()
    for vat_code in VatCode.objects.filter(pk__in=used).exclude(pk__in=context.paired_vat_codes):
        yield vat_code_blocker(context, vat_code=vat_code)


@check
def check_payment_conditions(connection, context, invoices):
    paired = set(
        connection.paymentconditionpairing_set.values_list("payment_condition_id", flat=True)
    )
    used = _invoices(invoices).values("payment_condition").distinct()
    for condition in PaymentCondition.objects.filter(pk__in=used).exclude(pk__in=paired):
        if connection.default_payment_terms_number is None:
            yield Blocker(
                "",
                _("Payment condition '%(condition)s' has no e-conomic payment terms.")
                % {"condition": condition},
                _("Run 'Pair payment conditions' or choose the terms by name."),
                code="payment_condition_unpaired",
                about=("payment_condition", condition.pk),
            )
        else:
            yield warning(
                _(
                    "Payment condition '%(condition)s' is not paired; the default payment "
                    "terms %(terms)s will be used."
                )
                % {"condition": condition, "terms": connection.default_payment_terms_number},
                _("Pair it if the invoices should carry their own terms."),
                code="payment_condition_unpaired",
                about=("payment_condition", condition.pk),
            )


@check
def check_sales_accounts(connection, context, invoices):
    """Every sales account in use books to a product group that exists in e-conomic."""
    if connection.reference_refreshed_at is None:
        return
    mappings = {m.sales_account_id: m for m in connection.salesaccountmapping_set.all()}
    used = _lines(invoices).exclude(sales_account=None).values("sales_account").distinct()
    for account in SalesAccount.objects.filter(pk__in=used):
        mapping = mappings.get(account.pk)
        if mapping is None:
            yield warning(
                _(
                    "Sales account %(account)s is not mapped to a product group; its lines "
                    "book to the product's own group."
                )
                % {"account": account},
                _("Map it on the sales account screen if it should book elsewhere."),
                code="sales_account_unmapped",
                about=("sales_account", account.pk),
            )
        elif not context.has(RemoteKind.PRODUCT_GROUP, mapping.product_group_number):
            yield Blocker(
                "",
                _(
                    "Sales account %(account)s books to product group %(group)s, which does not "
                    "exist in e-conomic."
                )
                % {"account": account, "group": mapping.product_group_number},
                _(
                    "Create the product group in e-conomic (Settings > Products), then "
                    "refresh reference data."
                ),
                code="product_group_missing",
                about=("sales_account", account.pk),
            )


@check
def check_line_bookings(connection, context, invoices):
    """Where the lines to export would book in e-conomic, against our coding: one line of each
    kind (sales account, service type, VAT code, VAT situation) is asked, named by its kind."""
    if connection.reference_refreshed_at is None:
        return
    seen = set()
    for line in (
        _lines(invoices)
        .select_related(
            "invoice__customer", "service_type__default_sales_account", "vat_code", "sales_account"
        )
        .order_by("invoice_id", "position")
    ):
        buyer = line.invoice.buyer
        situation = buyer.vat_situation
        kind = (line.sales_account_id, line.service_type_id, line.vat_code_id, situation)
        if kind in seen:
            continue
        seen.add(kind)
        zone = context.vat_zone_for(buyer)
        where = _("Lines like line %(position)s of invoice %(number)s") % {
            "position": line.position or 1,
            "number": line.invoice.number,
        }
        rule = (
            voucher_line_blockers
            if context.method == ExportMethod.VOUCHER
            else line_booking_blockers
        )
        for blocker in rule(context, line=line, zone=zone, subject="", where=where):
            # A line without a usable product is named by check_service_types here, and by
            # invoice and line by each invoice's own check.
            if blocker.code not in PRODUCT_CODES:
                yield blocker


@check
def check_accounting_years(connection, context, invoices):
    if connection.reference_refreshed_at is None:
        return
    dates = _invoices(invoices).values_list("issue_date", flat=True).distinct()
    closed = sorted({day for day in dates if accounting_year_blocker(context, day=day, subject="")})
    if closed:
        shown = ", ".join(day.isoformat() for day in closed[:5])
        if len(closed) > 5:
            shown = _("%(dates)s and %(count)d more") % {"dates": shown, "count": len(closed) - 5}
        yield Blocker(
            "",
            _(
                "Invoices are dated %(dates)s, outside an open accounting year or in "
                "a barred period in e-conomic."
            )
            % {"dates": shown},
            _(
                "Create or reopen the accounting year (or the period) in e-conomic, then "
                "refresh reference data."
            ),
            code="accounting_year_closed",
        )


@check
def check_pdf(connection, context, invoices):
    """With "include PDF": our PDF renders and fits e-conomic's attachment limit, and it names
    the seller (a PDF booked as a voucher is the bookkeeping's evidence)."""
    if not connection.include_pdf:
        return
    if not getattr(settings, "LEDGER_SELLER_NAME", ""):
        yield warning(
            _("The invoice PDF does not name your company (LEDGER_SELLER_NAME is empty)."),
            _("Set LEDGER_SELLER_NAME in the environment to the company's legal name."),
            code="pdf_seller_unset",
        )
    missing = [name for name in seller_missing_settings() if name != "LEDGER_SELLER_NAME"]
    if missing:
        yield warning(
            ngettext(
                "The invoice PDF lacks what a Danish invoice must state about the seller: "
                "%(settings)s is empty.",
                "The invoice PDF lacks what a Danish invoice must state about the seller: "
                "%(settings)s are empty.",
                len(missing),
            )
            % {"settings": "; ".join(missing)},
            _(
                "Set them in the environment: the company's address, its CVR number and the bank "
                "account customers pay to."
            ),
            code="pdf_seller_incomplete",
        )
    sample = _invoices(invoices).order_by("-issue_date", "-pk").first()
    if sample is None:
        return
    try:
        size = len(invoice_render_pdf(invoice=sample))
    except Exception as error:  # any failure of the renderer blocks an export that needs it
        yield Blocker(
            "",
            _("The PDF of invoice %(number)s cannot be rendered: %(error)s.")
            % {"number": sample.number or sample.pk, "error": error},
            _("Correct the invoice's data, or turn Include PDF off."),
            code="pdf_render_failed",
        )
        return
    limit = settings.ECONOMIC_ATTACHMENT_LIMIT
    if size > limit:
        yield Blocker(
            "",
            _(
                "The PDF of invoice %(number)s is %(size)s bytes; e-conomic takes attachments up "
                "to %(limit)s bytes."
            )
            % {"number": sample.number or sample.pk, "size": f"{size:,}", "limit": f"{limit:,}"},
            _("Shorten the invoice (fewer lines or notes), or turn Include PDF off."),
            code="pdf_too_large",
        )
