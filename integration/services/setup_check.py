"""The setup check: every reason the first export could fail on set-up, each with its fix,
found before anything is sent. Exports refuse to start while a blocker stands.

It reads the connection, and the mappings and reference-data cache through the export's own
`ExportContext`; it calls e-conomic only through "Test connection" and "Refresh reference data",
which the person runs first. It speaks the export's vocabulary (`services/blockers.py`): a
finding is a `Blocker`, or a warning, and the rules an invoice's export checks line by line are
asked here of the whole selection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from integration.crypto import UnreadableSecret
from integration.models import (
    Connection,
    PaymentConditionPairing,
    RemoteKind,
    SalesAccountMapping,
    ServiceTypeMapping,
    VatCodePairing,
)
from integration.models.connection import ExportMethod, VatRounding
from integration.services.blockers import (
    Blocker,
    journal_blockers,
    warning,
)
from integration.services.export_context import ExportContext
from integration.services.ledger_checks import LEDGER_CHECKS


@dataclass
class SetupReport:
    connection: Connection
    findings: list[Blocker]

    @property
    def blockers(self) -> list[Blocker]:
        return [finding for finding in self.findings if finding.blocks]

    @property
    def warnings(self) -> list[Blocker]:
        return [finding for finding in self.findings if not finding.blocks]

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def fixes(self) -> list[tuple[Blocker, str]]:
        """Each finding with the page its fix is made on (its row of a mapping grid, or the
        connection's field); "" when the fix is made in e-conomic or the environment."""
        return [(finding, fix_url(finding=finding, connection=self.connection))
                for finding in self.findings]  # fmt: skip

    def summary(self) -> str:
        if self.ready:
            count = len(self.warnings)
            said = ngettext(
                "%(connection)s: ready to export (%(count)d warning).",
                "%(connection)s: ready to export (%(count)d warnings).",
                count,
            )
            return said % {"connection": self.connection, "count": count}
        codes = ", ".join(finding.code for finding in self.blockers)
        count = len(self.blockers)
        said = ngettext(
            "%(connection)s: %(count)d blocker stands (%(codes)s).",
            "%(connection)s: %(count)d blockers stand (%(codes)s).",
            count,
        )
        return said % {"connection": self.connection, "count": count, "codes": codes}


class SetupBlocked(Exception):
    """An export was asked for while the setup check has blockers."""

    def __init__(self, report: SetupReport):
        self.report = report
        lines = [f"- {finding}" for finding in report.blockers]
        opening = _("Export to '%(connection)s' cannot start until the set-up is complete:") % {
            "connection": report.connection
        }
        super().__init__("\n".join([opening, *lines]))


Check = Callable[[Connection, ExportContext, "QuerySet | None"], Iterable[Blocker]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    CHECKS.append(function)
    return function


def setup_check(
    *, connection: Connection, invoices: QuerySet | None = None,
    context: ExportContext | None = None,
) -> SetupReport:  # fmt: skip
    """Run every check. `invoices` are the ones about to be exported (their dates, VAT codes
    and service types are checked); without them, every finalized invoice is considered. The
    mappings, reference data and the export method (a run's may differ from the connection's)
    are read from `context`, the export's own when it has one."""
    context = context or ExportContext.load(connection=connection)
    findings = [finding for each in CHECKS for finding in each(connection, context, invoices)]
    return SetupReport(connection=connection, findings=findings)


def setup_require_ready(
    *, connection: Connection, invoices: QuerySet | None = None,
    context: ExportContext | None = None,
) -> SetupReport:  # fmt: skip
    report = setup_check(connection=connection, invoices=invoices, context=context)
    if not report.ready:
        raise SetupBlocked(report)
    return report


# -- where each fix is made ------------------------------------------------------------------

# The grid of each kind of ours a finding may be about (Blocker.about).
GRIDS = {
    "vat_code": VatCodePairing,
    "service_type": ServiceTypeMapping,
    "payment_condition": PaymentConditionPairing,
    "sales_account": SalesAccountMapping,
}
# Findings about a kind as a whole, fixed on its grid.
CODE_GRIDS = {
    "service_type_unmapped": ServiceTypeMapping,
    "mapped_product_unusable": ServiceTypeMapping,
    "vat_code_unpaired": VatCodePairing,
    "payment_condition_unpaired": PaymentConditionPairing,
    "sales_account_unmapped": SalesAccountMapping,
    "product_group_missing": SalesAccountMapping,
    "sales_account_product_missing": SalesAccountMapping,
    "revenue_account_differs": SalesAccountMapping,
    "vat_code_differs": SalesAccountMapping,
    "product_group_zone_missing": SalesAccountMapping,
}
# Findings fixed in a field of the connection's own page.
CONNECTION_FIELDS = {
    "grant_token_missing": "new_grant_token",
    "grant_token_unreadable": "new_grant_token",
    "tokens_refused": "new_grant_token",
    "default_product_unknown": "default_product_number",
    "private_customer_unknown": "private_customer_number",
    "journal_missing": "voucher_journal_number",
    "journal_full": "voucher_journal_number",
    "projects_module_off": "sync_projects",
}
# Findings fixed by an action on the connection list.
CONNECTION_ACTIONS = {"not_tested", "reference_not_loaded"}


def fix_url(*, finding: Blocker, connection: Connection) -> str:
    """The page a finding's fix is made on, at the row or field: "" when it is made elsewhere
    (in e-conomic, or the environment)."""
    model = GRIDS.get(finding.about[0]) if finding.about else CODE_GRIDS.get(finding.code)
    if model is not None:
        url = reverse(f"admin:integration_{model._meta.model_name}_grid")
        anchor = f"#row-{finding.about[1]}" if finding.about else ""
        return f"{url}?{urlencode({'connection': connection.pk})}{anchor}"
    field = CONNECTION_FIELDS.get(finding.code)
    if field is None and finding.code.startswith("default_"):
        field = finding.code.removesuffix("_missing").removesuffix("_unknown")
    if field is not None:
        return reverse("admin:integration_connection_change", args=[connection.pk]) + f"#id_{field}"
    if finding.code in CONNECTION_ACTIONS:
        return reverse("admin:integration_connection_changelist")
    return ""


# -- the connection itself -------------------------------------------------------------------

ROLES_FOR_METHOD = {
    ExportMethod.DRAFT: {"SuperUser", "Sales"},
    ExportMethod.BOOKED: {"SuperUser", "Sales"},
    ExportMethod.VOUCHER: {"SuperUser", "Bookkeeping"},
}


@check
def check_tokens(connection, context, invoices):
    if not connection.grant_token:
        yield Blocker(
            "",
            _("The agreement grant token is not set."),
            _("Paste the grant token on the connection and save."),
            code="grant_token_missing",
        )
    elif isinstance(connection.grant_token, UnreadableSecret):
        yield Blocker(
            "",
            _("The stored agreement grant token cannot be decrypted."),
            connection.grant_token.reason,
            code="grant_token_unreadable",
        )
    elif connection.test_error:
        yield Blocker(
            "",
            _("The last connection test failed: %(error)s") % {"error": connection.test_error},
            _("Correct the tokens, then run Test connection."),
            code="tokens_refused",
        )
    elif connection.tested_at is None:
        yield Blocker(
            "",
            _("The connection has not been tested yet."),
            _("Run the action Test connection."),
            code="not_tested",
        )
    if not connection.endpoint_config.get("app_secret_token"):
        yield Blocker(
            "",
            _("No app secret token is configured for %(endpoint)s.")
            % {"endpoint": connection.endpoint_config["label"]},
            _("Set ECONOMIC_APP_SECRET_TOKEN in the environment and restart."),
            code="app_token_missing",
        )


@check
def check_role(connection, context, invoices):
    if connection.tested_at is None or not connection.required_roles:
        return
    allowed = ROLES_FOR_METHOD[context.method]
    if not allowed & set(connection.required_roles):
        yield Blocker(
            "",
            _("The app has the role %(roles)s, which cannot export as: %(method)s.")
            % {
                "roles": ", ".join(connection.required_roles),
                "method": ExportMethod(context.method).label,
            },
            _("Use an app with one of the roles %(roles)s.")
            % {"roles": ", ".join(sorted(allowed))},
            code="role_insufficient",
        )


@check
def check_projects_module(connection, context, invoices):
    if (
        connection.sync_projects
        and connection.tested_at
        and not connection.has_module("Projektstyring")
    ):
        yield Blocker(
            "",
            _("Project sync is on, but the agreement does not have e-conomic's projects module."),
            _(
                "Turn the projects module on in e-conomic (Settings > Subscription), or turn "
                "project sync off on the connection."
            ),
            code="projects_module_off",
        )


@check
def check_reference_data(connection, context, invoices):
    if connection.reference_refreshed_at is None:
        yield Blocker(
            "",
            _("e-conomic's reference data has not been read yet."),
            _("Run the action Refresh reference data."),
            code="reference_not_loaded",
        )


DEFAULTS = [
    # In a sentence's middle ("No default VAT zone is set"), unlike the kinds' own labels.
    ("default_layout_number", RemoteKind.LAYOUT, pgettext_lazy("default", "layout")),
    ("default_payment_terms_number", RemoteKind.PAYMENT_TERMS,
     pgettext_lazy("default", "payment terms")),
    ("default_vat_zone_number", RemoteKind.VAT_ZONE, pgettext_lazy("default", "VAT zone")),
    ("default_customer_group_number", RemoteKind.CUSTOMER_GROUP,
     pgettext_lazy("default", "customer group")),
]


@check
def check_defaults(connection, context, invoices):
    if connection.reference_refreshed_at is None:
        return
    for field, kind, label in DEFAULTS:
        number = getattr(connection, field)
        if number in (None, ""):
            yield Blocker(
                "",
                _("No default %(kind)s is set.") % {"kind": label},
                _("Choose the default %(kind)s on the connection.") % {"kind": label},
                code=f"{field}_missing",
            )
        elif not context.has(kind, number):
            yield Blocker(
                "",
                _("The default %(kind)s %(number)s does not exist in e-conomic.")
                % {"kind": label, "number": number},
                _("Choose one of e-conomic's %(kind)s records, or refresh reference data.")
                % {"kind": label},
                code=f"{field}_unknown",
            )


@check
def check_private_customer(connection, context, invoices):
    number = connection.private_customer_number
    if number is None or connection.reference_refreshed_at is None:
        return
    if not context.has(RemoteKind.CUSTOMER, number) or context.barred(RemoteKind.CUSTOMER, number):
        yield Blocker(
            "",
            _(
                "The customer card for private persons' invoices, %(number)s, is not an open "
                "customer in e-conomic."
            )
            % {"number": number},
            _(
                "Enter the number of a card e-conomic has and has not barred (refresh reference "
                "data if it is new), or empty the field."
            ),
            code="private_customer_unknown",
        )


@check
def check_journal(connection, context, invoices):
    if (
        context.method != ExportMethod.VOUCHER
        or connection.reference_refreshed_at is None
    ):
        return
    yield from journal_blockers(context, vouchers=invoices.count() if invoices is not None else 1)


@check
def check_vat_rounding(connection, context, invoices):
    """e-conomic prices the invoice methods' drafts itself, rounding VAT its own way (learned
    from its answers); the ledger rounds a new invoice's VAT as LEDGER_VAT_ROUNDING says. When
    they differ, an invoice may book a cent or so of VAT otherwise (each kept on its export)."""
    theirs, ours = connection.vat_rounding, settings.LEDGER_VAT_ROUNDING
    if context.method == ExportMethod.VOUCHER or theirs in (VatRounding.UNKNOWN, ours):
        return
    yield warning(
        _(
            "e-conomic rounds VAT %(theirs)s on this agreement; the ledger rounds it %(ours)s, so "
            "an invoice may book a cent or so of VAT otherwise in e-conomic (the dry run shows "
            "each, and each export keeps it)."
        )
        % {
            "theirs": VatRounding(theirs).label.lower(),
            "ours": VatRounding(ours).label.lower(),
        },
        _(
            "Set LEDGER_VAT_ROUNDING=%(setting)s so new invoices round as e-conomic does, or "
            "export by journal voucher, which books our VAT to the cent."
        )
        % {"setting": theirs},
        code="vat_rounding_differs",
    )


# The ledger against the mappings: integration/services/ledger_checks.py.
CHECKS.extend(LEDGER_CHECKS)
