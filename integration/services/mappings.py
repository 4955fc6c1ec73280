"""Mappings finance staff set once: payment condition pairing, customer links.

Customer matching never creates a card in e-conomic and never links two of our customers to one
card: an unambiguous match links, several candidates wait for a person, no candidate waits for
"create on export".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts_app.models import Customer, PaymentCondition
from accounts_app.validators import remote_customer_number_validate
from integration.models import (
    Connection,
    CustomerLink,
    PaymentConditionPairing,
    RemoteKind,
    RemoteRecord,
)
from integration.models.mappings import CustomerLinkState, remote_customer_problem

# Our payment condition kinds and e-conomic's paymentTermsType with the same meaning.
TERMS_TYPE = {
    PaymentCondition.Kind.NET: "net",
    PaymentCondition.Kind.CURRENT_MONTH: "invoiceMonth",
    PaymentCondition.Kind.CASH: "paidInCash",
    PaymentCondition.Kind.PREPAID: "prepaid",
    PaymentCondition.Kind.DUE_DATE: "dueDate",
}
DAYS_MATTER = {PaymentCondition.Kind.NET, PaymentCondition.Kind.CURRENT_MONTH}


def _terms_match(condition: PaymentCondition, terms: RemoteRecord) -> bool:
    data = terms.data
    if data.get("paymentTermsType") != TERMS_TYPE[condition.kind]:
        return False
    return condition.kind not in DAYS_MATTER or data.get("daysOfCredit", 0) == condition.days


def payment_conditions_pair(*, connection: Connection) -> dict[str, int]:
    """Pair every payment condition a person has not chosen terms for with e-conomic's payment
    terms of the same type and days (the lowest number when several fit). Returns counts."""
    terms = RemoteRecord.objects.filter(
        connection=connection, kind=RemoteKind.PAYMENT_TERMS, present=True
    ).order_by("number")
    chosen = set(
        PaymentConditionPairing.objects.filter(
            connection=connection, chosen_by_person=True
        ).values_list("payment_condition_id", flat=True)
    )
    counts = {"paired": 0, "unmatched": 0, "kept": len(chosen)}
    for condition in PaymentCondition.objects.exclude(pk__in=chosen):
        match = min((t for t in terms if _terms_match(condition, t)), key=_number, default=None)
        if match is None:
            PaymentConditionPairing.objects.filter(
                connection=connection, payment_condition=condition
            ).delete()
            counts["unmatched"] += 1
            continue
        PaymentConditionPairing.objects.update_or_create(
            connection=connection,
            payment_condition=condition,
            defaults={"payment_terms": match, "chosen_by_person": False},
        )
        counts["paired"] += 1
    return counts


def _number(record: RemoteRecord) -> int:
    return int(record.number) if record.number.isdigit() else 0


# -- customers ---------------------------------------------------------------------------------


def identification_key(value: str) -> str:
    """CVR and VAT numbers compared without spaces, dashes or a country prefix: "DK 12 34 56 78",
    "DK12345678" and "12345678" are the same company."""
    compact = re.sub(r"[\s.\-]", "", value or "").upper()
    return re.sub(r"^[A-Z]{2}(?=\d)", "", compact)


def email_addresses(value: str) -> set[str]:
    # e-conomic keeps several addresses in one field, separated by spaces.
    return {address for address in re.split(r"[\s,;]+", (value or "").lower()) if address}


@dataclass
class RemoteCustomers:
    """The cached e-conomic customers of a connection, indexed the ways we match."""

    by_identification: dict[str, list[int]] = field(default_factory=dict)
    by_email: dict[str, list[int]] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, connection: Connection) -> RemoteCustomers:
        index = cls()
        records = RemoteRecord.objects.filter(
            connection=connection, kind=RemoteKind.CUSTOMER, present=True
        ).only("number", "name", "email", "identification")
        for record in records:
            number = int(record.number)
            if record.identification:
                index.by_identification.setdefault(
                    identification_key(record.identification), []
                ).append(number)
            for address in email_addresses(record.email):
                index.by_email.setdefault(address, []).append(number)
            index.by_name.setdefault(record.name.strip().lower(), []).append(number)
        return index

    def rules(self) -> list[tuple[str, Callable[[Customer], list[int]]]]:
        return [
            (
                "cvr",
                lambda customer: (
                    self.by_identification.get(identification_key(customer.vat_number), [])
                    if customer.vat_number
                    else []
                ),
            ),
            (
                "email",
                lambda customer: (
                    self.by_email.get(customer.email.lower(), []) if customer.email else []
                ),
            ),
            ("name", lambda customer: self.by_name.get(customer.name.strip().lower(), [])),
        ]


@dataclass
class MatchResult:
    linked: int = 0
    ambiguous: int = 0
    unmatched: int = 0
    taken: int = 0  # the only candidate is already linked to another of our customers


def _candidates(index: RemoteCustomers, customer: Customer) -> tuple[str, list[int]]:
    for rule, find in index.rules():
        found = sorted(set(find(customer)))
        if found:
            return rule, found
    return "", []


def customers_auto_match(*, connection: Connection) -> MatchResult:
    """Link our customers to e-conomic's cards by CVR, then e-mail, then exact name. Customers
    already linked, or marked for creation by a person, are left as they are."""
    index = RemoteCustomers.load(connection)
    decided = CustomerLink.objects.filter(connection=connection).exclude(
        state=CustomerLinkState.AMBIGUOUS
    )
    taken = set(decided.exclude(remote_number=None).values_list("remote_number", flat=True))
    result = MatchResult()
    customers = Customer.objects.exclude(pk__in=decided.values("customer_id"))
    for customer in customers:
        rule, candidates = _candidates(index, customer)
        _record_match(connection, customer, rule, candidates, taken, result)
    return result


def _record_match(connection, customer, rule, candidates, taken, result: MatchResult) -> None:
    if not candidates:
        CustomerLink.objects.filter(connection=connection, customer=customer).delete()
        result.unmatched += 1
        return
    if len(candidates) == 1 and candidates[0] in taken:
        result.taken += 1
        return
    if len(candidates) == 1:
        _link(connection, customer, candidates[0], matched_by=rule)
        taken.add(candidates[0])
        result.linked += 1
        return
    CustomerLink.objects.update_or_create(
        connection=connection,
        customer=customer,
        defaults={
            "state": CustomerLinkState.AMBIGUOUS,
            "remote_number": None,
            "candidates": candidates,
            "matched_by": rule,
        },
    )
    result.ambiguous += 1


def _link(connection, customer, remote_number: int, *, matched_by: str) -> CustomerLink:
    link, _ = CustomerLink.objects.update_or_create(
        connection=connection,
        customer=customer,
        defaults={
            "state": CustomerLinkState.LINKED,
            "remote_number": remote_number,
            "candidates": [],
            "matched_by": matched_by,
        },
    )
    return link


class LinkRefused(Exception):
    pass


@transaction.atomic
def customer_link(
    *, connection: Connection, customer: Customer, remote_number: int
) -> CustomerLink:
    """A person links one of our customers to an e-conomic card (one in the cached customers)."""
    try:
        remote_customer_number_validate(remote_number)
    except ValidationError as error:
        raise LinkRefused(error.messages[0]) from error
    other = (
        CustomerLink.objects.filter(connection=connection, remote_number=remote_number)
        .exclude(customer=customer)
        .select_related("customer")
        .first()
    )
    if other is not None:
        raise LinkRefused(
            _("e-conomic customer %(number)s is already linked to %(customer)s; unlink it there "
              "first, so that one card never stands for two customers.")
            % {"number": remote_number, "customer": other.customer}
        )
    if problem := remote_customer_problem(connection.pk, remote_number):
        raise LinkRefused(problem)
    return _link(connection, customer, remote_number, matched_by="person")


def customer_mark_create(*, connection: Connection, customer: Customer) -> CustomerLink:
    """A person decides the customer gets a new card in e-conomic on its first export."""
    link, _ = CustomerLink.objects.update_or_create(
        connection=connection,
        customer=customer,
        defaults={
            "state": CustomerLinkState.CREATE,
            "remote_number": None,
            "candidates": [],
            "matched_by": "person",
        },
    )
    return link


def remote_customers_search(
    *, connection: Connection, query: str, limit: int = 20
) -> Iterable[RemoteRecord]:
    """Search the cached e-conomic customers by number, name, CVR or e-mail (no remote call)."""
    query = query.strip()
    condition = Q(name__icontains=query) | Q(email__icontains=query)
    if query.isdigit():
        condition |= Q(number=query)
    if identification_key(query):
        condition |= Q(identification__icontains=identification_key(query))
    return RemoteRecord.objects.filter(
        condition, connection=connection, kind=RemoteKind.CUSTOMER, present=True
    ).order_by("name")[:limit]


@dataclass
class SuggestedLinks:
    """What "link suggested" did: who was linked to which card, and who was left and why."""

    linked: list[tuple[Customer, int]] = field(default_factory=list)
    ambiguous: list[tuple[Customer, list[int]]] = field(default_factory=list)
    none: list[Customer] = field(default_factory=list)
    taken: list[tuple[Customer, int]] = field(default_factory=list)
    already: list[Customer] = field(default_factory=list)


def customers_link_suggested(
    *, connection: Connection, customers: Iterable[Customer]
) -> SuggestedLinks:
    """Link each of these customers that has exactly one suggestion (by CVR, then e-mail, then
    exact name, from the cached e-conomic customers) to that card; leave the others as they are.
    A card already linked to another of our customers is never given a second one."""
    index = RemoteCustomers.load(connection)
    links = CustomerLink.objects.filter(connection=connection)
    taken = dict(links.exclude(remote_number=None).values_list("remote_number", "customer_id"))
    linked = set(taken.values())
    result = SuggestedLinks()
    for customer in customers:
        if customer.pk in linked:
            result.already.append(customer)
            continue
        rule, candidates = _candidates(index, customer)
        if not candidates:
            result.none.append(customer)
        elif len(candidates) > 1:
            result.ambiguous.append((customer, candidates))
        elif candidates[0] in taken:
            result.taken.append((customer, candidates[0]))
        else:
            _link(connection, customer, candidates[0], matched_by=rule)
            taken[candidates[0]] = customer.pk
            linked.add(customer.pk)
            result.linked.append((customer, candidates[0]))
    return result


SHOWN = 10  # names listed per kind in the summary; the rest are counted


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    if len(items) > SHOWN:
        shown += " " + _("and %(count)s more") % {"count": len(items) - SHOWN}
    return shown


def suggested_links_summary(result: SuggestedLinks) -> str:
    """What "link suggested" did, in words: each linked customer with its card, each left one
    with the reason."""
    parts = []
    if result.linked:
        parts.append(_("Linked %(count)s: %(names)s.") % {"count": len(result.linked), "names":
            _names([f"{customer} → {number}" for customer, number in result.linked])})  # fmt: skip
    if result.ambiguous:
        parts.append(_(
            "Left %(count)s with several candidates, for a person to choose: %(names)s."
        ) % {"count": len(result.ambiguous), "names": _names([
            f"{customer} ({', '.join(str(n) for n in numbers)})"
            for customer, numbers in result.ambiguous])})  # fmt: skip
    if result.none:
        parts.append(_("Left %(count)s with no suggestion in e-conomic: %(names)s.") % {
            "count": len(result.none), "names": _names([str(c) for c in result.none])})  # fmt: skip
    if result.taken:
        parts.append(_(
            "Left %(count)s whose only candidate is linked to another customer already: "
            "%(names)s."
        ) % {"count": len(result.taken), "names": _names([
            f"{customer} ({number})" for customer, number in result.taken])})  # fmt: skip
    if result.already:
        parts.append(_("%(count)s were linked already.") % {"count": len(result.already)})
    return " ".join(parts) or _("No customers were chosen.")


def customers_search(*, query: str, limit: int = 20) -> list[Customer]:
    """Our customers by number, name, CVR or e-mail: the first step of linking one by hand."""
    query = query.strip()
    condition = Q(name__icontains=query) | Q(email__icontains=query)
    if query.isdigit():
        condition |= Q(number=int(query))
    if identification_key(query):
        condition |= Q(vat_number__icontains=identification_key(query))
    return list(Customer.objects.filter(condition).order_by("name")[:limit])
