"""Journals (kassekladder), their vouchers and entries, and voucher attachments.

https://restdocs.e-conomic.com/#journals (REFERENCE §2.14). `POST /journals/{n}/vouchers` takes
one voucher object or an array (bulk) and always answers 201 with an array. A bulk request is
validated as a whole before anything is stored: one bad voucher rejects the request, with a
top-level `errors` array whose items carry `arrayIndex` (the shape e-conomic answers; whether it
is atomic is not documented – the sandbox's choice, README_RESOURCES.md). The journals
themselves are the seed's (`journals` table).
"""

from __future__ import annotations

from economic_sandbox import errors, schemas
from economic_sandbox.collections import collection_response
from economic_sandbox.encoding import decode_id
from economic_sandbox.http import Request, Response, created, json_response
from economic_sandbox.resources import vouchers
from economic_sandbox.resources.lookups import link, reference_number, without_empty
from economic_sandbox.routing import Router

router = Router()

POST_SCHEMA = "journals.journalNumber.vouchers.post"


def stored_journal(request: Request, number: int) -> dict:
    journal = request.agreement.table("journals").get(number)
    if journal is None:
        raise errors.not_found()
    return journal


def present_journal(request: Request, journal: dict) -> dict:
    number = journal["journalNumber"]
    answer = {key: value for key, value in journal.items()}
    contra = journal.get("settings", {}).get("contraAccounts")
    if contra:
        answer["settings"] = {
            **journal["settings"],
            "contraAccounts": {
                kind: {**account, "self": link(request, "accounts", account["accountNumber"])}
                for kind, account in contra.items()
            },
        }
    base = ("journals", number)
    answer["vouchers"] = link(request, *base, "vouchers")
    answer["entries"] = link(request, *base, "entries")
    answer["templates"] = {
        "financeVoucher": link(request, *base, "templates", "financeVoucher"),
        "manualCustomerInvoice": link(request, *base, "templates", "manualCustomerInvoice"),
        "self": link(request, *base, "templates"),
    }
    answer["self"] = link(request, *base)
    return answer


@router.route("GET", "/journals")
def journals_list(request: Request) -> Response:
    table = request.agreement.table("journals")
    answered = [present_journal(request, table[key]) for key in sorted(table)]
    return collection_response(request, answered, schema="journals.get", path="/journals")


@router.route("GET", "/journals/{number:int}")
def journal_get(request: Request, number: int) -> Response:
    return json_response(
        200, without_empty(present_journal(request, stored_journal(request, number)))
    )


# --- presenting vouchers and entries ----------------------------------------------------------


def voucher_path(journal: int, year: str, number: int) -> tuple:
    return ("journals", journal, "vouchers", f"{year.replace('/', '_6_')}-{number}")


def present_entry(request: Request, entry: dict) -> dict:
    answer = dict(entry)
    journal = entry["journal"]["journalNumber"]
    year, number = entry["voucher"]["accountingYear"]["year"], entry["voucher"]["voucherNumber"]
    path = voucher_path(journal, year, number)
    for name, key, collection in (
        ("customer", "customerNumber", "customers"),
        ("account", "accountNumber", "accounts"),
        ("contraAccount", "accountNumber", "accounts"),
        ("vatAccount", "vatCode", "vat-accounts"),
        ("contraVatAccount", "vatCode", "vat-accounts"),
        ("currency", "code", "currencies"),
    ):
        if isinstance(entry.get(name), dict) and key in entry[name]:
            answer[name] = {**entry[name], "self": link(request, collection, entry[name][key])}
    answer["journal"] = {"journalNumber": journal, "self": link(request, "journals", journal)}
    answer["voucher"] = {
        "accountingYear": {"year": year, "self": link(request, "accounting-years", year)},
        "voucherNumber": number,
        "attachment": link(request, *path, "attachment"),
        "self": link(request, *path),
    }
    entry_link = link(request, "journals", journal, "entries", entry["journalEntryNumber"])
    answer["metaData"] = {
        "delete": {"description": "Delete this entry.", "href": entry_link, "httpMethod": "delete"}
    }
    answer["self"] = entry_link
    return without_empty(answer)


def present_voucher(request: Request, voucher: dict) -> dict:
    journal, year, number = voucher["journalNumber"], voucher["year"], voucher["voucherNumber"]
    entries_table = request.agreement.table(vouchers.ENTRIES)
    grouped: dict[str, list] = {}
    for group, entry_numbers in voucher["entries"].items():
        grouped[group] = [present_entry(request, entries_table[n]) for n in entry_numbers]
    path = voucher_path(journal, year, number)
    return {
        "accountingYear": {"year": year, "self": link(request, "accounting-years", year)},
        "journal": {"journalNumber": journal, "self": link(request, "journals", journal)},
        "entries": grouped,
        "voucherNumber": number,
        "attachment": link(request, *path, "attachment"),
        "self": link(request, *path),
    }


# --- vouchers ---------------------------------------------------------------------------------


def _check_vouchers(request: Request, journal: dict, items: list[dict], bulk: bool) -> None:
    schema_errors = schemas.validate(items if bulk else items[0], POST_SCHEMA)
    if schema_errors:
        raise errors.validation_failed(schema_errors)
    tree: list | dict = [] if bulk else {}
    taken: set[int] = set()
    for index, voucher in enumerate(items):
        for path, error in vouchers.voucher_errors(request.agreement, journal, voucher, taken):
            schemas.add_error(tree, [index, *path] if bulk else path, error)
        if "voucherNumber" in voucher:
            taken.add(int(voucher["voucherNumber"]))
    if tree:
        raise errors.validation_failed(tree)


def _voucher_numbers(request: Request, journal: dict, items: list[dict]) -> list[int]:
    """Every voucher's number, given or drawn from the range, before anything is stored."""
    taken: set[int] = {int(item["voucherNumber"]) for item in items if "voucherNumber" in item}
    numbers = []
    for voucher in items:
        year = str(reference_number(voucher["accountingYear"], "year"))
        number = voucher.get("voucherNumber") or vouchers.next_voucher_number(
            request.agreement, journal, year, taken
        )
        taken.add(int(number))
        numbers.append(int(number))
    return numbers


def _store_voucher(request: Request, journal: dict, voucher: dict, number: int) -> dict:
    agreement = request.agreement
    year = str(reference_number(voucher["accountingYear"], "year"))
    stored = {
        "journalNumber": journal["journalNumber"],
        "year": year,
        "voucherNumber": number,
        "entries": {},
    }
    for group, items in (voucher.get("entries") or {}).items():
        stored["entries"][group] = [
            _store_entry(request, entry, vouchers.ENTRY_TYPES[group], stored) for entry in items
        ]
    agreement.table(vouchers.VOUCHERS)[
        vouchers.voucher_key(journal["journalNumber"], year, number)
    ] = stored
    return stored


def _store_entry(request: Request, entry: dict, entry_type: str, voucher: dict) -> int:
    agreement = request.agreement
    entry_number = agreement.next_number(vouchers.ENTRIES)
    document = vouchers.stored_entry(
        agreement,
        entry,
        entry_type,
        voucher["journalNumber"],
        voucher["year"],
        voucher["voucherNumber"],
    )
    document["journalEntryNumber"] = entry_number
    agreement.table(vouchers.ENTRIES)[entry_number] = document
    return entry_number


@router.route("POST", "/journals/{number:int}/vouchers")
def vouchers_create(request: Request, number: int) -> Response:
    """One voucher or an array of them; 201 with an array either way."""
    journal = stored_journal(request, number)
    body = request.json()
    bulk = isinstance(body, list)
    items = body if bulk else [body]
    if not items or not all(isinstance(item, dict) for item in items):
        raise errors.bad_request(
            "The request body must be a voucher object or an array of them.",
            ["Expected a JSON object or a non-empty array of objects."],
        )
    _check_vouchers(request, journal, items, bulk)
    numbers = _voucher_numbers(request, journal, items)
    stored = [
        _store_voucher(request, journal, voucher, number)
        for voucher, number in zip(items, numbers, strict=True)
    ]
    answer = [present_voucher(request, voucher) for voucher in stored]
    return created(answer, answer[0]["self"])


@router.route("GET", "/journals/{number:int}/vouchers")
def vouchers_list(request: Request, number: int) -> Response:
    stored_journal(request, number)
    table = request.agreement.table(vouchers.VOUCHERS)
    mine = [table[key] for key in sorted(table) if table[key]["journalNumber"] == number]
    answered = [present_voucher(request, voucher) for voucher in mine]
    return collection_response(
        request,
        answered,
        schema="journals.journalNumber.vouchers.get",
        path=f"/journals/{number}/vouchers",
    )


def stored_voucher(request: Request, number: int, voucher_id: str) -> dict:
    """`voucher_id` is `{accountingYear}-{voucherNumber}` (a split year's `/` encoded)."""
    year, _, voucher_number = decode_id(voucher_id).rpartition("-")
    if not voucher_number.isdigit():
        raise errors.not_found()
    key = vouchers.voucher_key(number, year, int(voucher_number))
    voucher = request.agreement.table(vouchers.VOUCHERS).get(key)
    if voucher is None:
        raise errors.not_found()
    return voucher


@router.route("GET", "/journals/{number:int}/vouchers/{voucher_id:str}")
def voucher_get(request: Request, number: int, voucher_id: str) -> Response:
    return json_response(200, present_voucher(request, stored_voucher(request, number, voucher_id)))


@router.route("GET", "/journals/{number:int}/entries")
def entries_list(request: Request, number: int) -> Response:
    stored_journal(request, number)
    table = request.agreement.table(vouchers.ENTRIES)
    mine = [
        present_entry(request, table[key])
        for key in sorted(table)
        if table[key]["journal"]["journalNumber"] == number
    ]
    return collection_response(
        request,
        mine,
        schema="journals.journalNumber.entries.get",
        path=f"/journals/{number}/entries",
    )


@router.route("GET", "/journals/{number:int}/entries/{entry_number:int}")
def entry_get(request: Request, number: int, entry_number: int) -> Response:
    entry = request.agreement.table(vouchers.ENTRIES).get(entry_number)
    if entry is None or entry["journal"]["journalNumber"] != number:
        raise errors.not_found()
    return json_response(200, present_entry(request, entry))


@router.route("DELETE", "/journals/{number:int}/entries/{entry_number:int}")
def entry_delete(request: Request, number: int, entry_number: int) -> Response:
    """Delete a draft entry (the `metaData.delete` link); a voucher left empty goes too."""
    entries = request.agreement.table(vouchers.ENTRIES)
    entry = entries.get(entry_number)
    if entry is None or entry["journal"]["journalNumber"] != number:
        raise errors.not_found()
    vouchers.remove_entry(request.agreement, entry)
    return Response(status=204)
