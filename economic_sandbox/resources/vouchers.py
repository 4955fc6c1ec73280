"""Journal vouchers: validation, voucher numbers and the stored shape of their entries.

https://restdocs.e-conomic.com/#post-journals-journalnumber-vouchers (REFERENCE §2.14). A voucher
holds entries grouped by type; the sandbox takes `financeVouchers`, `customerPayments` and
`manualCustomerInvoices`. Voucher numbers come from the journal's range
(`settings.voucherNumbers`); an exhausted range is refused with
`JournalEntryVoucherNumberCannotBeGenerated` (the name the Journals API uses, §6.3).

Stored entries carry the VAT of a side with a VAT code (`contraVatAmount`, `vatAmount` and their
base-currency amounts), derived from the code when the client left it out, as e-conomic does
(ADDENDUM §2); `amountBaseCurrency`, when given, is the entry's amount in base currency.

Business errors: unknown accounting year, customer, account or VAT code → E06000 (accounts:
E07150 as recorded); a date in a barred period → E04041; an entry type the journal is restricted
from, a voucher number outside the range or already used, or a `journal` that differs from the
URL → E04300 family codes chosen by the sandbox (README_RESOURCES.md).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from economic_sandbox import errors, schemas
from economic_sandbox.resources import invoice_math, ledger_entries, lookups, reference
from economic_sandbox.resources.draft_build import exchange_rate_for
from economic_sandbox.state import Agreement

VOUCHERS = "journal-vouchers"  # "{journal}:{year}-{voucherNumber}" -> stored voucher
ENTRIES = "journal-entries"  # journalEntryNumber -> stored entry
ENTRY_TYPES = {
    "financeVouchers": "financeVoucher",
    "customerPayments": "customerPayment",
    "manualCustomerInvoices": "manualCustomerInvoice",
}
ACCOUNT_NOT_FOUND = "E07150"
WRONG_ENTRY_TYPE = "E04310"
VOUCHER_NUMBER_RANGE = "E04320"
VOUCHER_NUMBER_USED = "E04330"
JOURNAL_MISMATCH = "E04340"
NOT_SUPPORTED = "E04350"
DATE_OUTSIDE_YEAR = "E04360"


def voucher_key(journal: int, year: str, number: int) -> str:
    return f"{journal}:{year}-{number}"


def number_range(journal: dict) -> tuple[int, int]:
    numbers = journal.get("settings", {}).get("voucherNumbers", {})
    return numbers.get("minimumVoucherNumber", 1), numbers.get("maximumVoucherNumber", 999999999)


def numbers_in_use(agreement: Agreement, journal_number: int, year: str) -> set[int]:
    """A journal's voucher numbers in a year: draft vouchers and vouchers already booked."""
    prefix = f"{journal_number}:{year}-"
    drafts = {
        int(key.rsplit("-", 1)[1]) for key in agreement.table(VOUCHERS) if key.startswith(prefix)
    }
    return drafts | ledger_entries.vouchers_used(agreement, journal_number, year)


def next_voucher_number(agreement: Agreement, journal: dict, year: str, taken: set[int]) -> int:
    """The lowest free number above the highest used in the journal's range for the year."""
    low, high = number_range(journal)
    used = numbers_in_use(agreement, journal["journalNumber"], year) | taken
    candidate = max([low - 1, *(n for n in used if low <= n <= high)]) + 1
    if candidate > high:
        raise errors.bad_request(
            "JournalEntryVoucherNumberCannotBeGenerated",
            [
                f"Journal {journal['journalNumber']} has used every voucher number from {low} to "
                f"{high} in accounting year {year}."
            ],
            "Widen the journal's voucher number range in e-conomic, or send voucherNumber.",
            errorCode="JournalEntryVoucherNumberCannotBeGenerated",
        )
    return candidate


def remove_entry(agreement: Agreement, entry: dict) -> None:
    """Take a draft entry out of its journal (deleted or booked); a voucher left empty goes."""
    del agreement.table(ENTRIES)[entry["journalEntryNumber"]]
    year = entry["voucher"]["accountingYear"]["year"]
    key = voucher_key(entry["journal"]["journalNumber"], year, entry["voucher"]["voucherNumber"])
    voucher = agreement.table(VOUCHERS)[key]
    for group in list(voucher["entries"]):
        voucher["entries"][group] = [
            number for number in voucher["entries"][group] if number != entry["journalEntryNumber"]
        ]
        if not voucher["entries"][group]:
            del voucher["entries"][group]
    if not voucher["entries"]:
        del agreement.table(VOUCHERS)[key]


def _error(name: str, message: str, code: str, value: Any = None) -> dict:
    return errors.property_error(name, message, code, value)


def voucher_errors(
    agreement: Agreement, journal: dict, voucher: dict, taken: set[int]
) -> list[tuple[list, dict]]:
    """Business errors of one schema-valid voucher (paths relative to the voucher)."""
    found = []
    year = lookups.reference_number(voucher["accountingYear"], "year")
    if agreement.table("accounting-years").get(str(year)) is None:
        found.append(
            lookups.unknown(
                ["accountingYear"], "accountingYear", "AccountingYear", year, "accounting-years"
            )
        )
    given_journal = lookups.reference_number(voucher.get("journal"), "journalNumber")
    if given_journal is not None and given_journal != journal["journalNumber"]:
        message = (
            f"The voucher names journal {given_journal}, but was posted to journal "
            f"{journal['journalNumber']}."
        )
        found.append((["journal"], _error("journal", message, JOURNAL_MISMATCH, given_journal)))
    if "voucherNumber" in voucher:
        found += _given_number_errors(
            agreement, journal, str(year), voucher["voucherNumber"], taken
        )
    entries = voucher.get("entries") or {}
    if not any(entries.values()):
        message = "A voucher needs at least one entry."
        found.append((["entries"], _error("entries", message, schemas.REQUIRED)))
    found += _entries_errors(agreement, journal, entries)
    found += _outside_year_errors(agreement, str(year), entries)
    return found


def _outside_year_errors(agreement: Agreement, year: str, entries: dict) -> list:
    """Entries dated outside the voucher's accounting year (E04360, the sandbox's code)."""
    span = agreement.table("accounting-years").get(year)
    if span is None:
        return []
    found = []
    for group, items in entries.items():
        for index, entry in enumerate(items if isinstance(items, list) else []):
            day = invoice_math.parse_date(entry["date"]).isoformat()
            if not span["fromDate"] <= day <= span["toDate"]:
                message = f"The date {day} is outside accounting year {year}."
                error = _error("date", message, DATE_OUTSIDE_YEAR, entry["date"])
                found.append((["entries", group, index, "date"], error))
    return found


def _given_number_errors(agreement, journal, year, number, taken) -> list:
    low, high = number_range(journal)
    number = int(number)
    if not low <= number <= high:
        message = f"Voucher number {number} is outside the journal's range {low}-{high}."
        return [(["voucherNumber"], _error("voucherNumber", message, VOUCHER_NUMBER_RANGE, number))]
    if number in taken or number in numbers_in_use(agreement, journal["journalNumber"], year):
        message = f"Voucher number {number} is already used in accounting year {year}."
        return [(["voucherNumber"], _error("voucherNumber", message, VOUCHER_NUMBER_USED, number))]
    return []


def _entries_errors(agreement: Agreement, journal: dict, entries: dict) -> list:
    found = []
    restricted = journal.get("settings", {}).get("entryTypeRestrictedTo")
    for group, items in entries.items():
        if group not in ENTRY_TYPES:
            message = f"Entries of type '{group}' are not supported by the sandbox."
            found.append((["entries", group], _error(group, message, NOT_SUPPORTED)))
            continue
        if restricted and ENTRY_TYPES[group] != restricted:
            message = f"Journal {journal['journalNumber']} only takes entries of type {restricted}."
            found.append((["entries", group], _error(group, message, WRONG_ENTRY_TYPE)))
        for index, entry in enumerate(items):
            found += entry_errors(agreement, entry, ["entries", group, index])
    return found


def entry_errors(agreement: Agreement, entry: dict, path: list) -> list[tuple[list, dict]]:
    found = []
    if lookups.barred_period(agreement, invoice_math.parse_date(entry["date"])):
        found.append(lookups.period_barred_error([*path, "date"], "date", entry["date"]))
    if "customer" in entry:
        number = lookups.reference_number(entry["customer"], "customerNumber")
        if agreement.table("customers").get(number) is None:
            found.append(
                lookups.unknown([*path, "customer"], "customer", "Customer", number, "customers")
            )
    for name in ("account", "contraAccount"):
        if name in entry:
            number = lookups.reference_number(entry[name], "accountNumber")
            if agreement.table("accounts").get(number) is None:
                message = f"Account '{number}' not found."
                found.append(([*path, name], _error(name, message, ACCOUNT_NOT_FOUND, number)))
    for name in ("vatAccount", "contraVatAccount"):
        if name in entry:
            code = lookups.reference_number(entry[name], "vatCode")
            if agreement.table("vat-accounts").get(code) is None:
                found.append(
                    lookups.unknown([*path, name], name, "VatAccount", code, "vat-accounts")
                )
    return found


# --- stored shapes ----------------------------------------------------------------------------


def stored_entry(
    agreement: Agreement, entry: dict, entry_type: str, journal: int, year: str, voucher: int
) -> dict:
    """An entry as e-conomic answers it (recorded in REFERENCE §2.14), without links."""
    currency = lookups.reference_number(entry.get("currency"), "code") or agreement.base_currency
    rate = entry.get("exchangeRate") or exchange_rate_for(agreement, currency)
    amount = invoice_math.money(entry["amount"])
    given_base = entry.get("amountBaseCurrency")
    in_base = (invoice_math.money(given_base) if given_base is not None
               else invoice_math.in_base_currency(amount, rate))
    stored = {key: value for key, value in entry.items() if key not in ("journal", "voucher")}
    stored.update(
        {
            "amount": float(amount),
            "currency": {"code": currency},
            "date": invoice_math.parse_date(entry["date"]).isoformat(),
            "exchangeRate": float(rate),
            "entryType": entry_type,
            "voucher": {"accountingYear": {"year": year}, "voucherNumber": voucher},
            "journal": {"journalNumber": journal},
            "amountDefaultCurrency": float(in_base),
        }
    )
    if entry_type in ("customerPayment", "manualCustomerInvoice"):
        stored["remainder"] = float(amount)
        stored["remainderDefaultCurrency"] = float(in_base)
    for code_key, amount_key, base_key in VAT_FIELDS:
        code = lookups.reference_number(entry.get(code_key), "vatCode")
        if code:
            given = entry.get(amount_key)
            vat = invoice_math.money(given) if given is not None else vat_in_gross(
                agreement, code, amount)
            stored[amount_key] = float(vat)
            stored.setdefault(base_key, float(invoice_math.in_base_currency(vat, rate)))
    return stored


# (VAT code, VAT amount, VAT amount in base currency) of each side of an entry; `vatAccount`
# only on finance vouchers (schema `journals.journalNumber.vouchers.post`).
VAT_FIELDS = (
    ("contraVatAccount", "contraVatAmount", "contraVatAmountInBaseCurrency"),
    ("vatAccount", "vatAmount", "vatAmountBaseCurrency"),
)


def vat_in_gross(agreement: Agreement, vat_code: str, gross: Decimal) -> Decimal:
    """The VAT inside a gross amount at a code's rate: gross × rate / (100 + rate). e-conomic
    derives `contraVatAmount` from the code when it is left out (ADDENDUM §2, S10)."""
    rate = reference.vat_code_rate(agreement, vat_code)
    return invoice_math.money(gross * rate / (100 + rate))
