"""Booking journal entries through the OpenAPI Journals API (ADDENDUM §3; the legacy REST API
cannot book a journal).

Endpoints (Journals 15.0.0, tag JournalBooking; all answer 204 No Content):
* `POST /journalsapi/v15.0.0/journals/{journalNumber}/book` – every draft entry of the journal;
* `POST …/journals/{journalNumber}/bookWithDateInterval` – `{"fromDate", "toDate"}` (both
  required, date-time; the date parts count, both ends included);
* `POST …/journals/{journalNumber}/bookdraftentries` – `{"entryNumbers": [...]}` (minItems 1),
  the REST `journalEntryNumber`s;
* the deprecated `POST /journalsapi/v1.1.0/entries/draft/{journalNumber}/book` and
  `…/bookWithDateInterval`: one integrator found them 404 under v15.0.0 and working under 1.1.0
  (ADDENDUM §3, S12), so the sandbox serves them under 1.1.0 only.

Booking moves the entries out of the journal into the booked entries (`ledger_entries.py`,
`voucher_postings.py`) and fires "Day book booked". Refusals are 400 `application/problem+json`
and book nothing (e-conomic's journal settings allow partial booking; the seed's journals, like
the spec's example, do not): a voucher whose chosen entries do not balance
(`JournalVoucherDoesNotBalance`, the sandbox's name: e-conomic's code was not found), an entry
dated in a barred period or closed year (`JournalEntryDateAccountingYearPeriodBarred`,
`JournalEntryDateAccountingYearClosed`, the Journals API's draft-entry codes), an unknown entry
number (`JournalEntryNotFound`), a malformed body (`InvalidInput`). Booking needs the
Bookkeeping or SuperUser role (403 otherwise). A journal with nothing (left) to book answers 204,
so a retried booking whose first answer was lost does no harm.
"""

from __future__ import annotations

from collections.abc import Callable

from economic_sandbox import errors, webhooks
from economic_sandbox.http import Request, Response
from economic_sandbox.resources import invoice_math, ledger_entries, lookups, vouchers
from economic_sandbox.resources.voucher_postings import BOOKED_TYPES, entry_postings, imbalance
from economic_sandbox.routing import Router

router = Router()

JOURNALS_API = "/journalsapi/v15.0.0/journals/{journal_number:int}"
DEPRECATED_API = "/journalsapi/v1.1.0/entries/draft/{journal_number:int}"
BOOKING_ROLES = ("Bookkeeping", "SuperUser")
NOT_BALANCED = "JournalVoucherDoesNotBalance"
PERIOD_BARRED = "JournalEntryDateAccountingYearPeriodBarred"
YEAR_CLOSED = "JournalEntryDateAccountingYearClosed"
NOT_FOUND = "JournalEntryNotFound"
INVALID_INPUT = "InvalidInput"


def _problem(request: Request, code: str, found: list[dict]) -> errors.ApiError:
    return errors.problem(400, "The journal entries cannot be booked.", code, found,
                          request.path)


def _item(message: str, code: str, name: str) -> dict:
    return {"message": message, "errorCode": code, "property": name}


def _journal_entries(request: Request, journal_number: int) -> tuple[dict, list[dict]]:
    """The journal and its draft entries in entry order; 404 for an unknown journal."""
    if request.agreement.app_role not in BOOKING_ROLES:
        message = f"Booking needs the {' or '.join(BOOKING_ROLES)} role."
        raise errors.problem(403, message, "Forbidden", [], request.path)
    journal = request.agreement.table("journals").get(journal_number)
    if journal is None:
        raise errors.not_found()
    table = request.agreement.table(vouchers.ENTRIES)
    mine = [table[key] for key in sorted(table)
            if table[key]["journal"]["journalNumber"] == journal_number]
    return journal, mine


def _vouchers(entries: list[dict]) -> dict[tuple[str, int], list[dict]]:
    grouped: dict[tuple[str, int], list[dict]] = {}
    for entry in entries:
        voucher = entry["voucher"]
        grouped.setdefault((voucher["accountingYear"]["year"], voucher["voucherNumber"]),
                           []).append(entry)
    return grouped


def _date_errors(request: Request, entries: list[dict]) -> list[dict]:
    found = []
    for entry in entries:
        day = invoice_math.parse_date(entry["date"])
        year = ledger_entries.year_of(request.agreement, day)
        if request.agreement.table("accounting-years").get(year, {}).get("closed"):
            found.append(_item(f"Entry {entry['journalEntryNumber']} is dated in the closed "
                               f"accounting year {year}.", YEAR_CLOSED, "date"))
        elif lookups.barred_period(request.agreement, day):
            found.append(_item(f"Entry {entry['journalEntryNumber']} is dated in a barred "
                               f"period ({day.isoformat()}).", PERIOD_BARRED, "date"))
    return found


def _balance_errors(request: Request, journal: dict, grouped: dict) -> list[dict]:
    found = []
    for (year, number), entries in grouped.items():
        postings = [item for entry in entries
                    for item in entry_postings(request.agreement, entry, journal)]
        left = imbalance(postings)
        if left:
            found.append(_item(
                f"The entries of voucher {number} ({year}) do not balance: they leave {left} "
                f"{request.agreement.base_currency} unbalanced.", NOT_BALANCED, "voucherNumber"))
    return found


def _book(request: Request, journal_number: int, chosen: Callable[[dict], bool]) -> Response:
    journal, entries = _journal_entries(request, journal_number)
    entries = [entry for entry in entries if chosen(entry)]
    grouped = _vouchers(entries)
    found = _date_errors(request, entries) + _balance_errors(request, journal, grouped)
    if found:
        raise _problem(request, found[0]["errorCode"], found)
    for entry in entries:
        _move_to_ledger(request, journal, entry)
    if grouped:
        numbers = [number for _, number in grouped]
        webhooks.notify(request.agreement, "Day book booked", DAYBOOKNO=journal_number,
                        FROMSERIALNO=min(numbers), TOSERIALNO=max(numbers))
    return Response(status=204)


def _move_to_ledger(request: Request, journal: dict, entry: dict) -> None:
    agreement = request.agreement
    ledger_entries.record(
        agreement, entry_postings(agreement, entry, journal),
        entry_type=BOOKED_TYPES[entry["entryType"]],
        voucher=entry["voucher"]["voucherNumber"], text=entry.get("text", ""),
        day=invoice_math.parse_date(entry["date"]), journal_number=journal["journalNumber"])
    vouchers.remove_entry(agreement, entry)


def _interval(request: Request) -> Callable[[dict], bool]:
    body = request.json()
    try:
        start = invoice_math.parse_date(body["fromDate"]).isoformat()
        end = invoice_math.parse_date(body["toDate"]).isoformat()
    except (TypeError, KeyError, ValueError):
        raise _problem(request, INVALID_INPUT, [
            _item("fromDate and toDate are required date-times.", INVALID_INPUT, "fromDate")
        ]) from None
    return lambda entry: start <= entry["date"] <= end


def _entry_numbers(request: Request, journal_number: int) -> Callable[[dict], bool]:
    body = request.json()
    numbers = body.get("entryNumbers") if isinstance(body, dict) else None
    if not numbers or not all(isinstance(number, int) for number in numbers):
        raise _problem(request, INVALID_INPUT, [
            _item("entryNumbers is a non-empty list of entry numbers.", INVALID_INPUT,
                  "entryNumbers")])
    _, entries = _journal_entries(request, journal_number)
    unknown = sorted(set(numbers) - {entry["journalEntryNumber"] for entry in entries})
    if unknown:
        raise _problem(request, NOT_FOUND, [
            _item(f"Journal {journal_number} has no draft entry {number}.", NOT_FOUND,
                  "entryNumbers") for number in unknown])
    wanted = set(numbers)
    return lambda entry: entry["journalEntryNumber"] in wanted


@router.route("POST", f"{JOURNALS_API}/book")
def journal_book(request: Request, journal_number: int) -> Response:
    return _book(request, journal_number, lambda entry: True)


@router.route("POST", f"{JOURNALS_API}/bookWithDateInterval")
def journal_book_interval(request: Request, journal_number: int) -> Response:
    return _book(request, journal_number, _interval(request))


@router.route("POST", f"{JOURNALS_API}/bookdraftentries")
def journal_book_entries(request: Request, journal_number: int) -> Response:
    return _book(request, journal_number, _entry_numbers(request, journal_number))


@router.route("POST", f"{DEPRECATED_API}/book")
def draft_entries_book(request: Request, journal_number: int) -> Response:
    return _book(request, journal_number, lambda entry: True)


@router.route("POST", f"{DEPRECATED_API}/bookWithDateInterval")
def draft_entries_book_interval(request: Request, journal_number: int) -> Response:
    return _book(request, journal_number, _interval(request))
