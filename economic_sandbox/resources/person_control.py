"""Control routes for what a person does in e-conomic's own screens, so a test, the benchmark
or the soak can make our documents drift from e-conomic's the way a bookkeeper would. Nothing
here goes through the REST API: no idempotency key, no rate limit, no request log entry, no
call counted against the agreement. Under `/_sandbox/agreements/{n}`:

* PUT `/drafts/{number}/lines/{lineNumber}`: `{"unitNetPrice": 120.0}` and/or
  `{"quantity": 3}`: the line edited, the draft priced again as e-conomic prices a draft when it
  is saved (its totals change);
* DELETE `/drafts/{number}`: the draft deleted;
* POST `/drafts/{number}/book`: the draft booked (the booked invoice keeps its references, the
  "Invoice booked" webhook fires), answered as `POST /invoices/booked` answers;
* PUT `/customers/{number}`: `{"name": ..., "address": ..., "email": ...}`: these fields of
  the card replaced, `lastUpdated` set, the "Customer updated" webhook fired;
* PUT `/journal-entries/{entryNumber}`: `{"contraAccount": 1020}` and/or
  `{"contraVatCode": "U25"}` (null: no VAT code): an unbooked entry's contra side changed, as
  in the journal's screen before it is booked (its amounts stay).

Paying an invoice is `POST /agreements/{n}/payments` (payments.py).
"""

from __future__ import annotations

from economic_sandbox import errors, webhooks
from economic_sandbox.control import body_of
from economic_sandbox.http import Request, Response, json_response
from economic_sandbox.resources import booked, draft_build, reference
from economic_sandbox.resources.customers import now_stamp, present_customer
from economic_sandbox.resources.invoice_render import render_draft
from economic_sandbox.resources.invoices import DRAFTS, stored_draft
from economic_sandbox.resources.vouchers import ENTRIES
from economic_sandbox.routing import Router

router = Router()

AGREEMENT = "/agreements/{agreementNumber:int}"
LINE_FIELDS = ("unitNetPrice", "quantity")
CARD_FIELDS = (
    "name",
    "address",
    "zip",
    "city",
    "email",
    "ean",
    "corporateIdentificationNumber",
    "vatNumber",
    "telephoneAndFaxNumber",
)


def _invalid(reason: str) -> errors.ApiError:
    return errors.bad_request("Invalid change.", [reason])


@router.route("PUT", f"{AGREEMENT}/drafts/{{number:int}}/lines/{{line:int}}")
def draft_line_edit(request: Request, agreementNumber: int, number: int, line: int) -> Response:  # noqa: N803
    draft = stored_draft(request, number)
    changes = body_of(request)
    if (
        not isinstance(changes, dict)
        or not changes
        or set(changes) - set(LINE_FIELDS)
        or not all(
            isinstance(value, (int, float)) and not isinstance(value, bool)
            for value in changes.values()
        )
    ):
        raise _invalid(f"Send numbers for {' and/or '.join(LINE_FIELDS)}.")
    lines = [dict(stored) for stored in draft.get("lines", [])]
    chosen = [stored for stored in lines if stored.get("lineNumber") == line]
    if not chosen:
        raise errors.not_found()
    chosen[0].update(changes)
    request.agreement.table(DRAFTS)[number] = draft_build.build_draft(
        request.agreement, {**draft, "lines": lines}, number
    )
    return json_response(200, render_draft(request, request.agreement.table(DRAFTS)[number]))


@router.route("DELETE", f"{AGREEMENT}/drafts/{{number:int}}")
def draft_delete(request: Request, agreementNumber: int, number: int) -> Response:  # noqa: N803
    stored_draft(request, number)
    del request.agreement.table(DRAFTS)[number]
    return json_response(200, {"deleted": number})


@router.route("POST", f"{AGREEMENT}/drafts/{{number:int}}/book")
def draft_book(request: Request, agreementNumber: int, number: int) -> Response:  # noqa: N803
    stored_draft(request, number)
    return booked.book(request, {"draftInvoice": {"draftInvoiceNumber": number}}, None)


@router.route("PUT", f"{AGREEMENT}/customers/{{number:int}}")
def card_edit(request: Request, agreementNumber: int, number: int) -> Response:  # noqa: N803
    card = request.agreement.table("customers").get(number)
    if card is None:
        raise errors.not_found()
    changes = body_of(request)
    if (
        not isinstance(changes, dict)
        or not changes
        or set(changes) - set(CARD_FIELDS)
        or not all(isinstance(value, str) for value in changes.values())
    ):
        raise _invalid(f"Send text for any of {', '.join(CARD_FIELDS)}.")
    for key, value in changes.items():
        if value:
            card[key] = value
        else:
            card.pop(key, None)  # e-conomic leaves an emptied field out of the card
    card["lastUpdated"] = now_stamp()
    webhooks.notify(request.agreement, "Customer updated", NEWNUMBER=number, OLDNUMBER=number)
    return json_response(200, present_customer(request, card))


ENTRY_FIELDS = ("contraAccount", "contraVatCode")


@router.route("PUT", f"{AGREEMENT}/journal-entries/{{number:int}}")
def journal_entry_edit(request: Request, agreementNumber: int, number: int) -> Response:  # noqa: N803
    entry = request.agreement.table(ENTRIES).get(number)
    if entry is None:
        raise errors.not_found()
    changes = body_of(request)
    if not isinstance(changes, dict) or not changes or set(changes) - set(ENTRY_FIELDS):
        raise _invalid(f"Send any of {', '.join(ENTRY_FIELDS)}.")
    if "contraAccount" in changes:
        account = changes["contraAccount"]
        if not isinstance(account, int) or isinstance(account, bool):
            raise _invalid("contraAccount is an account number.")
        reference.get_or_404(request.agreement, "accounts", account)
        entry["contraAccount"] = {"accountNumber": account}
    if "contraVatCode" in changes:
        code = changes["contraVatCode"]
        if code is None:
            entry.pop("contraVatAccount", None)
        elif isinstance(code, str):
            reference.get_or_404(request.agreement, "vat-accounts", code)
            entry["contraVatAccount"] = {"vatCode": code}
        else:
            raise _invalid("contraVatCode is a VAT code, or null.")
    return json_response(200, {"journalEntryNumber": number})
