"""What an export decides before anything is sent: which product each line is sold as, which
terms, layout and VAT zone an invoice gets, which e-conomic customer it goes to.

The mappings of a connection and its cache of e-conomic's reference data are read once per
`ExportContext`, so a run of a thousand invoices does not read them a thousand times; the setup
check reads the same context (the rules that stop an export are in `services/blockers.py`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from accounts_app.models import (
    Buyer,
    Customer,
    Invoice,
    InvoiceLine,
    PaymentCondition,
    SalesAccount,
)
from integration.economic import payloads
from integration.models import (
    Connection,
    CustomerLink,
    ProjectLink,
    RemoteKind,
    RemoteRecord,
)
from integration.models.mappings import CustomerLinkState
from integration.services.installation import installation_code


@dataclass(frozen=True)
class AccountingYear:
    """One of e-conomic's accounting years, as cached. A year may span two calendar years and
    is then named "2025/2026"."""

    name: str
    start: str  # ISO dates, compared as text
    end: str
    closed: bool
    barred: tuple[tuple[str, str], ...]  # (from, to) of its closed or barred periods

    @classmethod
    def of(cls, name: str, data: dict) -> AccountingYear:
        barred = tuple(
            (period.get("fromDate", ""), period.get("toDate", ""))
            for period in data.get("periodList", [])
            if period.get("closed") or period.get("barred")
        )
        return cls(name, data.get("fromDate", ""), data.get("toDate", ""),
                   bool(data.get("closed")), barred)  # fmt: skip

    def holds(self, iso: str) -> bool:
        return self.start <= iso <= self.end

    def open_on(self, iso: str) -> bool:
        return not self.closed and not any(start <= iso <= end for start, end in self.barred)


@dataclass
class ExportContext:
    connection: Connection
    overrides: dict = field(default_factory=dict)
    method: str = ""  # the run's export method; empty: the connection's
    installation: str = ""  # this installation's code, in every reference and key
    products: dict[int, str] = field(default_factory=dict)  # service type id -> product number
    terms: dict[int, int] = field(default_factory=dict)  # payment condition id -> terms number
    terms_types: dict[int, str] = field(default_factory=dict)  # terms number -> type
    customers: dict[int, int] = field(default_factory=dict)  # customer id -> e-conomic number
    ambiguous: set[int] = field(default_factory=set)  # customer ids
    private: set[int] = field(default_factory=set)  # persons sent to the private persons' card
    projects: dict[int, int] = field(default_factory=dict)  # project id -> e-conomic number
    # (kind, number) -> (e-conomic's document, barred) of every record e-conomic has
    records: dict[tuple[str, str], tuple[dict, bool]] = field(default_factory=dict)
    accounting_years: list[AccountingYear] = field(default_factory=list)
    vat_codes: dict[int, str] = field(default_factory=dict)  # our VAT code id -> e-conomic's
    # our sales account id -> (e-conomic product group, product chosen for its lines or "")
    sales: dict[int, tuple[int, str]] = field(default_factory=dict)

    @classmethod
    def load(
        cls, *, connection: Connection, overrides: dict | None = None, method: str = ""
    ) -> ExportContext:
        context = cls(
            connection=connection, overrides=overrides or {},
            method=method or connection.export_method, installation=installation_code(),
        )  # fmt: skip
        context.refresh()
        return context

    def refresh(self) -> None:
        connection = self.connection
        self.products = dict(
            connection.servicetypemapping_set.values_list("service_type_id", "product__number")
        )
        self.terms = {
            pairing.payment_condition_id: int(pairing.payment_terms.number)
            for pairing in connection.paymentconditionpairing_set.select_related("payment_terms")
        }
        self.records, self.accounting_years = {}, []
        for kind, number, data, barred in RemoteRecord.objects.filter(
            connection=connection, present=True
        ).values_list("kind", "number", "data", "barred"):
            self.records[kind, number] = (data, barred)
            if kind == RemoteKind.PAYMENT_TERMS:
                self.terms_types[int(number)] = data.get("paymentTermsType", "")
            elif kind == RemoteKind.ACCOUNTING_YEAR:
                self.accounting_years.append(AccountingYear.of(number, data))
        self.vat_codes = dict(
            connection.vatcodepairing_set.values_list("vat_code_id", "vat_account__number")
        )
        self.sales = {
            account_id: (group, product or "")
            for account_id, group, product in connection.salesaccountmapping_set.values_list(
                "sales_account_id", "product_group_number", "product__number"
            )
        }
        self.refresh_links()

    @property
    def paired_vat_codes(self) -> set[int]:
        return set(self.vat_codes)

    def refresh_links(self) -> None:
        links = CustomerLink.objects.filter(connection=self.connection)
        self.customers = dict(
            links.filter(state=CustomerLinkState.LINKED).values_list("customer_id", "remote_number")
        )
        self.ambiguous = set(
            links.filter(state=CustomerLinkState.AMBIGUOUS).values_list("customer_id", flat=True)
        )
        self._private_persons(links)
        self.projects = dict(
            ProjectLink.objects.filter(connection=self.connection).values_list(
                "project_id", "remote_number"
            )
        )

    def _private_persons(self, links) -> None:
        # A person with a card of its own keeps it; the others share the connection's card.
        number = self.connection.private_customer_number
        persons = Customer.objects.filter(kind=Customer.Kind.PERSON).exclude(
            pk__in=links.filter(state=CustomerLinkState.LINKED).values("customer_id")
        )
        self.private = set(persons.values_list("pk", flat=True)) if number else set()
        self.customers.update(dict.fromkeys(self.private, number))

    def has(self, kind: str, number: object) -> bool:
        return (kind, str(number)) in self.records

    def record(self, kind: str, number: object) -> dict | None:
        """e-conomic's document, as cached; None when e-conomic does not have it."""
        found = self.records.get((kind, str(number))) if number not in (None, "") else None
        return found[0] if found else None

    def barred(self, kind: str, number: object) -> bool:
        return self.records.get((kind, str(number)), ({}, False))[1]

    # -- decisions -----------------------------------------------------------------------------

    def product_for(self, line: InvoiceLine) -> str:
        """The product a line is sold as: one of the product group its sales account is mapped
        to (the service type's product when it is in that group, else the mapping's own), or,
        for a line whose account is not mapped, its service type's product or the default.
        Empty when the mapping names no product of the group and the service type's is not."""
        plain = self.product_for_service_type(line.service_type_id)
        account = sales_account_of(line)
        if account is None or account.pk not in self.sales:
            return plain
        group, chosen = self.sales[account.pk]
        return plain if plain and self.group_of(plain) == group else chosen

    def group_of(self, product: str) -> int | None:
        data = self.record(RemoteKind.PRODUCT, product) or {}
        return data.get("productGroup", {}).get("productGroupNumber")

    def zone_account(self, group: int | None, zone: int) -> tuple[int, str | None] | None:
        """The account e-conomic books a product group's sales to in a VAT zone, and that
        account's VAT code (cached with the group's sales accounts, REFERENCE §2.7)."""
        data = self.record(RemoteKind.PRODUCT_GROUP, group) if group is not None else None
        for entry in (data or {}).get("salesAccounts", []):
            if entry.get("vatZone", {}).get("vatZoneNumber") == zone:
                account = entry.get("salesAccount", {})
                code = (account.get("vatAccount") or {}).get("vatCode")
                return account.get("accountNumber"), code
        return None

    def account_vat_code(self, number: int | None) -> str | None:
        """The VAT code e-conomic's chart gives an account (cached), or None."""
        data = self.record(RemoteKind.ACCOUNT, number) if number is not None else None
        return ((data or {}).get("vatAccount") or {}).get("vatCode")

    def vat_rate(self, code: str | None) -> Decimal | None:
        """The rate of one of e-conomic's VAT codes, in percent; 0 for no code."""
        if code is None:
            return Decimal("0")
        data = self.record(RemoteKind.VAT_ACCOUNT, code)
        return None if data is None else Decimal(str(data.get("ratePercentage", 0)))

    def product_for_service_type(self, service_type_id: int | None) -> str:
        return self.products.get(service_type_id) or self.connection.default_product_number

    def payment_terms_for(self, condition: PaymentCondition) -> int | None:
        chosen = self.overrides.get("payment_terms_number")
        return (
            chosen or self.terms.get(condition.pk) or self.connection.default_payment_terms_number
        )

    def layout_for(self) -> int | None:
        return self.overrides.get("layout_number") or self.connection.default_layout_number

    def vat_zone_for(self, customer: Customer | Buyer) -> int:
        return self.overrides.get("vat_zone_number") or payloads.vat_zone_for(
            customer.vat_situation
        )

    def customer_group(self) -> int | None:
        return self.connection.default_customer_group_number

    def accounting_year_for(self, day: datetime.date) -> str | None:
        """The name of the accounting year holding `day` (from the cached years, which need not
        follow the calendar), or None when e-conomic has none."""
        year = self.year_holding(day)
        return year.name if year else None

    def year_holding(self, day: datetime.date) -> AccountingYear | None:
        iso = day.isoformat()
        return next((year for year in self.accounting_years if year.holds(iso)), None)


def sales_account_of(line: InvoiceLine) -> SalesAccount | None:
    """The line's own sales account, else its service type's default one."""
    if line.sales_account_id:
        return line.sales_account
    if line.service_type_id:
        return line.service_type.default_sales_account
    return None


def invoices_for_export(invoice_ids) -> list[Invoice]:
    """The invoices with everything a snapshot reads, in three queries."""
    lines = Prefetch(
        "lines",
        queryset=InvoiceLine.objects.select_related(
            "service_type__default_sales_account", "vat_code", "sales_account"
        ).order_by("position", "id"),
    )
    return list(
        Invoice.objects.filter(pk__in=list(invoice_ids))
        .select_related("customer", "payment_condition", "credited_invoice", "project")
        .prefetch_related(lines)
        .order_by("number")
    )
