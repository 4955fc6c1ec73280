"""The seeded random ledger of `bench/ledger_truth.py` (issue 13), and the chart it is coded
for: the sandbox's standard agreement, each of our sales accounts mapped to the product group
that books to it in the zones its lines are sold in, each of our VAT codes paired with the
e-conomic code of the same meaning. Customers of every VAT situation, some in EUR and SEK at our
rate or at none; 1 to 6 lines an invoice, quantities and prices with cents, some small prices,
some discounts; about 5 % of the invoices credited. Call it once Django is set up."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")

# Our VAT codes and the e-conomic codes they are paired with.
VAT_CODES = {"S25": ("Danish VAT", Decimal("25"), "U25"),
             "RC0": ("EU reverse charge", ZERO, "UEUV"),
             "X0": ("Export outside the EU", ZERO, "UV0"),
             "E0": ("Exempt", ZERO, "UV0")}  # fmt: skip
# Each sales account to the product group whose sales account for the zones it serves is that
# same account, with a product of that group (the sandbox's standard chart): group 3 books
# 1010 at home, 1020 EU, 1030 abroad; group 5 (travel) 1050 at home; group 4 books 1040 both at
# home and in the exempt zone, so 0 % lines of a domestic invoice land there too (group 3 would
# book them on 1010 at home).
SALES_ACCOUNTS = {1010: ("Services", 3, "1"), 1020: ("Services EU", 3, "1"),
                  1030: ("Services abroad", 3, "1"), 1040: ("Exempt sales", 4, "2"),
                  1050: ("Travel re-invoiced", 5, "3")}  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """A kind of customer: how it is taxed, where it is, its currency and what its lines are."""

    situation: str
    country: str
    currency: str
    zone: int
    lines: tuple  # ((sales account, our VAT code, weight), ...)
    weight: int


DOMESTIC_LINES = ((1010, "S25", 6), (1050, "S25", 2), (1040, "E0", 2))
PROFILES = (
    Profile("domestic", "DK", "DKK", 1, DOMESTIC_LINES, 60),
    Profile("eu_reverse_charge", "DE", "EUR", 2, ((1020, "RC0", 1),), 15),
    Profile("eu_reverse_charge", "SE", "SEK", 2, ((1020, "RC0", 1),), 6),
    Profile("eu_reverse_charge", "DE", "DKK", 2, ((1020, "RC0", 1),), 4),
    Profile("abroad", "US", "EUR", 3, ((1030, "X0", 1),), 5),
    Profile("abroad", "NO", "DKK", 3, ((1030, "X0", 1),), 3),
    Profile("exempt", "DK", "DKK", 4, ((1040, "E0", 1),), 7),
)
RATES = {"EUR": (7.43, 7.47), "SEK": (0.62, 0.68)}  # DKK for one unit


def build_ledger(rng: random.Random, invoices: int, customers: int, people: list | None = None):
    """The customers (with their profiles; `people` from an earlier ledger are taken again), the
    invoices and, for about 5 % of them, a credit note: (profiles by customer id, invoice ids,
    credit note ids, the people)."""
    from accounts_app.models import Invoice
    from accounts_app.services import invoice_credit

    codes, accounts = _reference_data()
    # The customers draw from a generator of their own, so a second ledger of the same seed
    # draws the same invoices for them.
    people = people or _customers(random.Random(rng.random()), customers)
    profiles = {customer.pk: profile for customer, profile in people}
    originals = [_invoice(rng, *rng.choice(people), codes, accounts).pk for _ in range(invoices)]
    credited = rng.sample(originals, max(round(invoices * 0.05), 1))
    credit_notes = [invoice_credit(invoice=Invoice.objects.get(pk=pk)).pk
                    for pk in credited]  # fmt: skip
    return profiles, originals, credit_notes, people


def ledger_mix(invoice_ids: list[int]) -> str:
    """What the ledger holds: invoices per VAT situation and currency, lines per account."""
    from accounts_app.models import Invoice, InvoiceLine

    invoices = Invoice.objects.filter(pk__in=invoice_ids)
    mix = defaultdict(int)
    for situation, currency, rate in invoices.values_list("buyer_vat_situation", "currency",
                                                          "exchange_rate"):  # fmt: skip
        at = "" if currency == "DKK" else (" at our rate" if rate else " at e-conomic's")
        mix[f"{situation} {currency}{at}"] += 1
    lines = defaultdict(int)
    for account, code in InvoiceLine.objects.filter(invoice__in=invoices).values_list(
            "sales_account__number", "issued_vat_code"):  # fmt: skip
        lines[f"{account} {code}"] += 1
    return (
        ", ".join(f"{count} {name}" for name, count in sorted(mix.items()))
        + "; lines: "
        + ", ".join(f"{count} on {name}" for name, count in sorted(lines.items()))
    )


def _reference_data():
    from accounts_app.models import SalesAccount, VatCode

    # Made once, taken again by a second ledger of the same bench.
    codes = {
        code: VatCode.objects.get_or_create(code=code, defaults={"name": name, "rate": rate})[0]
        for code, (name, rate, _) in VAT_CODES.items()
    }
    accounts = {
        number: SalesAccount.objects.get_or_create(number=number, defaults={"name": name})[0]
        for number, (name, _, _) in SALES_ACCOUNTS.items()
    }
    return codes, accounts


def _customers(rng: random.Random, count: int) -> list:
    from accounts_app.models import Customer, PaymentCondition

    condition = PaymentCondition.objects.create(name="Net 14 days", kind="net", days=14)
    people = []
    for number in range(count):
        profile = rng.choices(PROFILES, weights=[profile.weight for profile in PROFILES])[0]
        vat_number = _vat_number(rng, profile)
        customer = Customer.objects.create(
            number=20_000 + number, name=f"Truth customer {number}", address="Vejen 1",
            zip_code="8000", city="Aarhus", country=profile.country, currency=profile.currency,
            vat_situation=profile.situation, vat_number=vat_number, payment_condition=condition,
        )  # fmt: skip
        people.append((customer, profile))
    return people


def _vat_number(rng: random.Random, profile: Profile) -> str:
    if profile.situation != "eu_reverse_charge":
        return ""
    digits = 12 if profile.country == "SE" else 9
    return profile.country + "".join(str(rng.randint(0, 9)) for _ in range(digits))


def _invoice(rng: random.Random, customer, profile: Profile, codes, accounts):
    from accounts_app.services import invoice_create, invoice_finalize, invoice_line_add

    invoice = invoice_create(customer=customer, exchange_rate=_rate(rng, profile.currency))
    kinds = [(account, code) for account, code, _ in profile.lines]
    weights = [weight for _, _, weight in profile.lines]
    for position in range(rng.randint(1, 6)):
        account, code = rng.choices(kinds, weights=weights)[0]
        invoice_line_add(
            invoice=invoice, description=f"Line {position}", quantity=_quantity(rng),
            unit_price=_price(rng), discount_percent=_discount(rng), vat_code=codes[code],
            sales_account=accounts[account],
        )  # fmt: skip
    return invoice_finalize(invoice=invoice)


def _rate(rng: random.Random, currency: str) -> Decimal | None:
    """Half the foreign invoices at our rate (four decimals), half at none: e-conomic's then."""
    if currency not in RATES or rng.random() < 0.5:
        return None
    low, high = RATES[currency]
    return Decimal(f"{rng.uniform(low, high):.4f}")


def _quantity(rng: random.Random) -> Decimal:
    if rng.random() < 0.4:
        return Decimal(rng.randint(1, 20))
    return Decimal(rng.randint(1, 4000)) / 100


def _price(rng: random.Random) -> Decimal:
    # Some small prices, whose VAT is a fraction of a cent from a half: where rounding shows.
    if rng.random() < 0.2:
        return Decimal(rng.randint(1, 99)) / 100
    return Decimal(rng.randint(100, 250_000)) / 100


def _discount(rng: random.Random) -> Decimal:
    if rng.random() < 0.7:
        return ZERO
    return rng.choice([Decimal("5"), Decimal("10"), Decimal("12.5"), Decimal("15"),
                       Decimal("33.33")])  # fmt: skip
