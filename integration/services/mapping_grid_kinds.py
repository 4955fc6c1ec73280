"""The kinds of mapping grid: what each lists (every service type, VAT code, payment condition
and sales account of ours), which e-conomic records it offers (no barred or vanished record,
only sales VAT codes of our rate, only product groups that book to the sales account), and why
a record is refused. `mapping_grids` reads, offers and saves through them."""


from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts_app.models import PaymentCondition, SalesAccount, ServiceType, VatCode
from integration.models import (
    Connection,
    PaymentConditionPairing,
    RemoteKind,
    RemoteRecord,
    SalesAccountMapping,
    ServiceTypeMapping,
    VatCodePairing,
)

# e-conomic's VAT types (GET /vat-types): the purchase one is never a sales invoice's code.
PURCHASE_VAT_TYPES = {2}
PURCHASE_VAT_WORDS = ("purchase", "ingoing", "køb")
# Accounts a sale can book to: the chart's profit-and-loss accounts (REFERENCE §2.7).
SALES_ACCOUNT_TYPE = "profitAndLoss"


@dataclass(frozen=True)
class Column:
    name: str  # the mapping's attribute and the form field's suffix
    kind: str  # the RemoteKind its choices are of
    label: str
    required: bool  # without it the row is unmapped


@dataclass
class GridRow:
    local: models.Model
    values: dict[str, str]  # column name -> e-conomic number, "" when none
    problem: str = ""  # why the mapping as it stands would not export

    @property
    def mapped(self) -> bool:
        return any(self.values.values())

    @property
    def anchor(self) -> str:
        return f"row-{self.local.pk}"


@dataclass(frozen=True)
class GridSaved:
    saved: int
    removed: int
    unchanged: int


class GridRefused(Exception):
    """Rows whose choice e-conomic would not take; nothing of the grid was saved."""

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass
class Reference:
    """The connection's cached e-conomic records of the kinds a grid offers, read once."""

    records: dict[tuple[str, str], RemoteRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, *, connection: Connection, kinds: Iterable[str]) -> Reference:
        found = RemoteRecord.objects.filter(connection=connection, kind__in=list(kinds))
        return cls({(record.kind, record.number): record for record in found})

    def get(self, kind: str, number: str) -> RemoteRecord | None:
        return self.records.get((kind, str(number)))

    def usable(self, kind: str) -> list[RemoteRecord]:
        chosen = [r for r in self.records.values() if r.kind == kind and r.present and not r.barred]
        return sorted(chosen, key=lambda record: (_numeric(record.number), record.name))


def _numeric(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (10**12, number)


KIND_WORDS = {
    RemoteKind.PRODUCT: gettext_lazy("product"),
    RemoteKind.VAT_ACCOUNT: gettext_lazy("VAT code"),
    RemoteKind.PAYMENT_TERMS: gettext_lazy("payment terms"),
    RemoteKind.PRODUCT_GROUP: gettext_lazy("product group"),
}


def record_problem(reference: Reference, kind: str, number: str) -> str:
    """Why a record is none to map to (unknown, gone or barred in e-conomic); "" when usable."""
    record = reference.get(kind, number)
    words = {"kind": KIND_WORDS[kind], "number": number}
    if record is None or not record.present:
        return _(
            "e-conomic has no %(kind)s %(number)s (as last fetched): choose one from the list, "
            "or refresh the reference data if it was made there since."
        ) % words
    if record.barred:
        return _(
            "The %(kind)s %(number)s is barred in e-conomic: choose another, or lift the bar "
            "there and refresh the reference data."
        ) % words
    return ""


class Grid:
    """What differs between the kinds: ours, the mapping, its columns and e-conomic's rules."""

    slug: str
    title: str
    local_model: type[models.Model]
    mapping_model: type[models.Model]
    local_field: str
    columns: tuple[Column, ...]

    def locals(self) -> models.QuerySet:
        return self.local_model.objects.all()

    def offered(self, column: Column, record: RemoteRecord) -> bool:
        """Whether a usable record belongs in the column's list at all."""
        return True

    def choice_label(self, column: Column, record: RemoteRecord) -> str:
        return str(record)

    def row_problem(self, local, values: dict[str, str], reference: Reference) -> str:
        """Why this row's choice would not export; "" when it would."""
        for column in self.columns:
            number = values.get(column.name, "")
            if number and (problem := self.choice_problem(local, column, number, reference)):
                return problem
        return ""

    def choice_problem(self, local, column: Column, number: str, reference: Reference) -> str:
        problem = record_problem(reference, column.kind, number)
        if problem:
            return problem
        if not self.offered(column, reference.get(column.kind, number)):
            return self.refusal(column, reference.get(column.kind, number))
        return ""

    def refusal(self, column: Column, record: RemoteRecord) -> str:
        return _("The %(kind)s %(number)s cannot be used here.") % {
            "kind": KIND_WORDS[column.kind], "number": record.number,
        }  # fmt: skip

    def values_of(self, mapping) -> dict[str, str]:
        return {column.name: getattr(mapping, column.name).number for column in self.columns}

    def defaults(self, values: dict[str, str], reference: Reference) -> dict:
        return {
            column.name: reference.get(column.kind, values[column.name])
            for column in self.columns
        }


class ServiceTypeGrid(Grid):
    slug = "service-types"
    title = gettext_lazy("Service types and their e-conomic products")
    local_model = ServiceType
    mapping_model = ServiceTypeMapping
    local_field = "service_type"
    columns = (Column("product", RemoteKind.PRODUCT, gettext_lazy("e-conomic product"), True),)

    def choice_label(self, column, record) -> str:
        group = record.data.get("productGroup", {}).get("productGroupNumber")
        if group is None:
            return str(record)
        return _("%(product)s (product group %(group)s)") % {"product": record, "group": group}


def _vat_type(record: RemoteRecord) -> tuple[int | None, str]:
    vat_type = record.data.get("vatType") or {}
    return vat_type.get("vatTypeNumber"), vat_type.get("name", "")


def vat_code_is_for_sales(record: RemoteRecord) -> bool:
    number, name = _vat_type(record)
    lowered = name.lower()
    return number not in PURCHASE_VAT_TYPES and not any(w in lowered for w in PURCHASE_VAT_WORDS)


class VatCodeGrid(Grid):
    slug = "vat-codes"
    title = gettext_lazy("VAT codes and e-conomic's VAT codes")
    local_model = VatCode
    mapping_model = VatCodePairing
    local_field = "vat_code"
    columns = (
        Column("vat_account", RemoteKind.VAT_ACCOUNT, gettext_lazy("e-conomic VAT code"), True),
    )

    def offered(self, column, record) -> bool:
        return vat_code_is_for_sales(record)

    def refusal(self, column, record) -> str:
        return _(
            "e-conomic's VAT code %(number)s is for purchases (%(type)s); a sales invoice needs "
            "a sales VAT code."
        ) % {"number": record.number, "type": _vat_type(record)[1] or "?"}

    def choice_label(self, column, record) -> str:
        return _("%(code)s %(name)s (%(rate)s %%)") % {
            "code": record.number, "name": record.name, "rate": _rate(record),
        }  # fmt: skip

    def choice_problem(self, local, column, number, reference) -> str:
        problem = super().choice_problem(local, column, number, reference)
        if problem:
            return problem
        theirs = _rate(reference.get(column.kind, number))
        if theirs != local.rate.normalize():
            return _(
                "e-conomic's VAT code %(number)s charges %(theirs)s %%, and %(ours)s charges "
                "%(rate)s %%: pair it with an e-conomic code of the same rate."
            ) % {"number": number, "theirs": theirs, "ours": local, "rate": _plain(local.rate)}
        return ""


def _plain(rate: Decimal) -> str:
    return f"{rate.normalize():f}"


def _rate(record: RemoteRecord) -> Decimal:
    return Decimal(str(record.data.get("ratePercentage", 0))).normalize()


class PaymentConditionGrid(Grid):
    slug = "payment-conditions"
    title = gettext_lazy("Payment conditions and e-conomic's payment terms")
    local_model = PaymentCondition
    mapping_model = PaymentConditionPairing
    local_field = "payment_condition"
    columns = (
        Column(
            "payment_terms", RemoteKind.PAYMENT_TERMS, gettext_lazy("e-conomic payment terms"), True
        ),
    )

    def defaults(self, values, reference) -> dict:
        # A person's choice by name is kept by every later automatic pairing.
        return {**super().defaults(values, reference), "chosen_by_person": True}


class SalesAccountGrid(Grid):
    slug = "sales-accounts"
    title = gettext_lazy("Sales accounts and e-conomic's product groups")
    local_model = SalesAccount
    mapping_model = SalesAccountMapping
    local_field = "sales_account"
    columns = (
        Column("product_group_number", RemoteKind.PRODUCT_GROUP,
               gettext_lazy("e-conomic product group"), True),
        Column("product", RemoteKind.PRODUCT, gettext_lazy("Product of the group (optional)"),
               False),
    )  # fmt: skip

    def choice_label(self, column, record) -> str:
        if column.kind == RemoteKind.PRODUCT:
            return ServiceTypeGrid().choice_label(column, record)
        accounts = ", ".join(str(number) for number in group_accounts(record))
        if not accounts:
            return str(record)
        return _("%(group)s (books to %(accounts)s)") % {"group": record, "accounts": accounts}

    def values_of(self, mapping) -> dict[str, str]:
        return {
            "product_group_number": str(mapping.product_group_number),
            "product": mapping.product.number if mapping.product_id else "",
        }

    def defaults(self, values, reference) -> dict:
        product = values.get("product", "")
        return {
            "product_group_number": int(values["product_group_number"]),
            "product": reference.get(RemoteKind.PRODUCT, product) if product else None,
        }

    def row_problem(self, local, values, reference) -> str:
        group, product = values.get("product_group_number", ""), values.get("product", "")
        if product and not group:
            return _("Choose the product group first: the product must be one of its products.")
        if not group:
            return ""
        return (
            super().row_problem(local, values, reference)
            or account_problem(local, reference)
            or _group_problem(local, reference.get(RemoteKind.PRODUCT_GROUP, group))
            or _product_problem(group, reference.get(RemoteKind.PRODUCT, product) if product
                                else None)
        )  # fmt: skip


def group_accounts(group: RemoteRecord) -> list[int]:
    """The accounts e-conomic books a product group's sales to, one per VAT zone (cached)."""
    found = []
    for entry in group.data.get("salesAccounts", []):
        number = entry.get("salesAccount", {}).get("accountNumber")
        if number is not None and number not in found:
            found.append(number)
    return found


def account_problem(local: SalesAccount, reference: Reference) -> str:
    """Our sales account must be one e-conomic's chart has open for sales."""
    account = reference.get(RemoteKind.ACCOUNT, str(local.number))
    usable = (
        account is not None and account.present and not account.barred
        and account.data.get("accountType") == SALES_ACCOUNT_TYPE
        and not account.data.get("blockDirectEntries")
    )  # fmt: skip
    if usable:
        return ""
    return _(
        "Account %(number)s is no open sales (profit and loss) account in e-conomic's chart: "
        "create or reopen it there and refresh the reference data."
    ) % {"number": local.number}


def _group_problem(local: SalesAccount, group: RemoteRecord) -> str:
    accounts = group_accounts(group)
    if local.number in accounts:
        return ""
    return _(
        "Product group %(group)s books its sales to %(accounts)s, not to %(number)s: choose a "
        "group that books to %(number)s, or give the group that account in e-conomic."
    ) % {
        "group": group.number, "number": local.number,
        "accounts": ", ".join(str(number) for number in accounts) or _("no account"),
    }  # fmt: skip


def _product_problem(group: str, product: RemoteRecord | None) -> str:
    if product is None:
        return ""
    its = product.data.get("productGroup", {}).get("productGroupNumber")
    if str(its) == group:
        return ""
    return _(
        "Product %(product)s is in product group %(its)s, not %(group)s: choose a product of "
        "group %(group)s, or none."
    ) % {"product": product.number, "its": its, "group": group}


GRIDS: dict[str, Grid] = {
    grid.slug: grid
    for grid in (ServiceTypeGrid(), VatCodeGrid(), PaymentConditionGrid(), SalesAccountGrid())
}
GRID_OF_MAPPING = {grid.mapping_model: grid for grid in GRIDS.values()}
