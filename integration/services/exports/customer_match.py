"""Before a customer's card is created in e-conomic, the cards it may already have there are
looked up live, not in the cached reference data: a bookkeeper may have typed the card in
e-conomic since the last refresh, and a second card for one company is what users of such
integrations suffer most (DESIGN §6).

One GET per new customer, whatever it matches by (the export benchmark counts calls): the CVR or
VAT number in either field, or the e-mail, joined by `$or:`. Both are `$like:`, because
e-conomic keeps a CVR as free text that may carry a "DK" prefix, spaces or dashes, and several
e-mail addresses in one field separated by spaces (ADDENDUM §7); what comes back is then
checked here, exactly. The rules are those of the customer auto-match (`services/mappings.py`):
an identification number first, the e-mail only when no card has the number.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts_app.models import Customer
from integration.economic import filters
from integration.economic.client import EconomicClient
from integration.models import Connection, CustomerLink
from integration.services.mappings import email_addresses, identification_key

# e-conomic's field for the number -> how `CustomerLink.matched_by` names the match.
IDENTIFICATION_FIELDS = {"corporateIdentificationNumber": "cvr", "vatNumber": "vat"}


@dataclass(frozen=True)
class CardMatch:
    """The cards e-conomic already has for a customer, and the rule that found them."""

    rule: str = ""  # "cvr", "vat" or "email"; empty when none was found
    cards: tuple[dict, ...] = ()

    def describe(self) -> str:
        return ", ".join(f"{card['customerNumber']} {card.get('name', '')}" for card in self.cards)


def customer_cards_lookup(
    *, client: EconomicClient, connection: Connection, customer: Customer
) -> CardMatch:
    """The e-conomic cards that are this customer's already, by CVR or VAT number, else by
    e-mail: one call, none when the customer has neither."""
    condition = _lookup_filter(customer)
    if condition is None:
        return CardMatch()
    found = client.customers_find(condition)
    return _identification_match(customer, found) or _email_match(connection, customer, found)


def _lookup_filter(customer: Customer) -> filters.Filter | None:
    key = identification_key(customer.vat_number)
    conditions = [filters.like_spread(field, key) for field in IDENTIFICATION_FIELDS if key]
    if customer.email:
        conditions.append(filters.like("email", customer.email.strip()))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined | condition
    return combined


def _identification_match(customer: Customer, found: list[dict]) -> CardMatch | None:
    key = identification_key(customer.vat_number)
    if not key:
        return None
    rules = [
        (card, next((rule for field, rule in IDENTIFICATION_FIELDS.items()
                     if identification_key(card.get(field, "")) == key), ""))
        for card in found
    ]  # fmt: skip
    matched = [(card, rule) for card, rule in rules if rule]
    if not matched:
        return None
    rule = "cvr" if any(rule == "cvr" for _, rule in matched) else "vat"
    return CardMatch(rule, tuple(card for card, _ in matched))


def _email_match(connection: Connection, customer: Customer, found: list[dict]) -> CardMatch:
    address = customer.email.strip().lower()
    if not address:
        return CardMatch()
    # An e-mail address is shared more often than a CVR number (a bookkeeper's, a group's): a
    # card already linked to another of our customers, or one whose number says it is another
    # company, is not this customer's.
    taken = set(
        CustomerLink.objects.filter(connection=connection, remote_number__isnull=False)
        .exclude(customer=customer)
        .values_list("remote_number", flat=True)
    )
    ours = identification_key(customer.vat_number)
    cards = tuple(
        card
        for card in found
        if address in email_addresses(card.get("email", ""))
        and card["customerNumber"] not in taken
        and not (ours and _identification_of(card) not in ("", ours))
    )
    return CardMatch("email" if cards else "", cards)


def _identification_of(card: dict) -> str:
    return next(
        (identification_key(card[field]) for field in IDENTIFICATION_FIELDS if card.get(field)), ""
    )
