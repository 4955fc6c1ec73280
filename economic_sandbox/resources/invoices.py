"""Draft invoices: `/invoices`, `/invoices/drafts[/{n}]`, lines, PDF, templates, attachment.

https://restdocs.e-conomic.com/#invoices (REFERENCE §2.8, §2.12). POST creates (201 + Location),
PUT replaces the whole draft, DELETE answers e-conomic's status body. Bodies are checked against
e-conomic's schemas first (E04300 envelope), then against the agreement's data (draft_build).
Booked invoices are in `booked.py`.
"""

from __future__ import annotations

import base64

from economic_sandbox import errors, schemas
from economic_sandbox.http import Request, Response, created, json_response
from economic_sandbox.resources import documents, draft_build
from economic_sandbox.resources.invoice_render import collection_page, delete_body, render_draft
from economic_sandbox.resources.lookups import add_all, link
from economic_sandbox.routing import Router

router = Router()

DRAFTS = "invoices-drafts"
ATTACHMENTS = "invoices-drafts-attachments"
# Header fields a PUT may leave out: they keep the draft's current value (README_RESOURCES.md).
PUT_KEEPS = ("date", "currency", "customer", "layout", "paymentTerms")


def stored_draft(request: Request, number: int) -> dict:
    draft = request.agreement.table(DRAFTS).get(number)
    if draft is None:
        raise errors.not_found()
    return draft


def validated_body(request: Request, schema_name: str) -> dict:
    body = request.json()
    if not isinstance(body, dict):
        raise errors.bad_request(
            "The request body must be a JSON object.", ["Expected a JSON object."]
        )
    schemas.check(body, schema_name)
    return body


def check_business_rules(request: Request, body: dict) -> None:
    found = draft_build.business_errors(request.agreement, body)
    if found:
        raise errors.validation_failed(add_all({}, found))


@router.route("GET", "/invoices")
def invoices_root(request: Request) -> Response:
    names = {
        "drafts": "drafts",
        "booked": "booked",
        "paid": "paid",
        "unpaid": "unpaid",
        "overdue": "overdue",
        "notDue": "not-due",
        "sent": "sent",
        "totals": "totals",
    }
    body = {key: link(request, "invoices", path) for key, path in names.items()}
    body["self"] = link(request, "invoices")
    return json_response(200, body)


@router.route("GET", "/invoices/drafts")
def drafts_list(request: Request) -> Response:
    table = request.agreement.table(DRAFTS)
    drafts = [table[key] for key in sorted(table)]
    return collection_page(
        request, drafts, render_draft, schema="invoices.drafts.get", path="/invoices/drafts"
    )


@router.route("POST", "/invoices/drafts")
def draft_create(request: Request) -> Response:
    body = validated_body(request, "invoices.drafts.post")
    check_business_rules(request, body)
    number = request.agreement.next_number(DRAFTS)
    request.agreement.table(DRAFTS)[number] = draft_build.build_draft(
        request.agreement, body, number
    )
    answer = render_draft(request, request.agreement.table(DRAFTS)[number])
    return created(answer, answer["self"])


@router.route("GET", "/invoices/drafts/{number:int}")
def draft_get(request: Request, number: int) -> Response:
    return json_response(200, render_draft(request, stored_draft(request, number)))


@router.route("PUT", "/invoices/drafts/{number:int}")
def draft_replace(request: Request, number: int) -> Response:
    """PUT replaces the draft; header fields it leaves out keep their current values."""
    current = stored_draft(request, number)
    body = validated_body(request, "invoices.drafts.draftInvoiceNumber.put")
    merged = {key: current[key] for key in PUT_KEEPS} | body
    schemas.check(merged, "invoices.drafts.post")
    check_business_rules(request, merged)
    request.agreement.table(DRAFTS)[number] = draft_build.build_draft(
        request.agreement, merged, number
    )
    return json_response(200, render_draft(request, request.agreement.table(DRAFTS)[number]))


@router.route("DELETE", "/invoices/drafts/{number:int}")
def draft_delete(request: Request, number: int) -> Response:
    stored_draft(request, number)
    del request.agreement.table(DRAFTS)[number]
    request.agreement.table(ATTACHMENTS).pop(number, None)
    return json_response(200, delete_body(request, number))


@router.route("POST", "/invoices/drafts/{number:int}/lines")
def draft_add_lines(request: Request, number: int) -> Response:
    """Append lines to a draft (`{"lines": [...]}`); lines get the next line numbers."""
    current = stored_draft(request, number)
    body = validated_body(request, "invoices.drafts.draftInvoiceNumber.lines.post")
    new_lines = body.get("lines") or []
    found = []
    for index, line in enumerate(new_lines):
        found += draft_build.line_errors(request.agreement, line, ["lines", index])
    if found:
        raise errors.validation_failed(add_all({}, found))
    offset = len(current.get("lines", []))
    existing = [_as_input_line(line) for line in current.get("lines", [])]
    appended = [
        {"lineNumber": offset + index + 1, "sortKey": offset + index + 1, **line}
        for index, line in enumerate(new_lines)
    ]
    merged = {**_as_input(current), "lines": existing + appended}
    request.agreement.table(DRAFTS)[number] = draft_build.build_draft(
        request.agreement, merged, number
    )
    return created(
        render_draft(request, request.agreement.table(DRAFTS)[number]),
        link(request, "invoices", "drafts", number),
    )


def _as_input_line(line: dict) -> dict:
    computed = (
        "totalNetAmount",
        "marginInBaseCurrency",
        "marginPercentage",
        "vatRate",
        "vatAmount",
    )
    return {key: value for key, value in line.items() if key not in computed}


def _as_input(draft: dict) -> dict:
    """A stored draft back as a request body, for rebuilding it with more lines."""
    keys = (
        *PUT_KEEPS,
        "recipient",
        "exchangeRate",
        "delivery",
        "deliveryLocation",
        "notes",
        "references",
        "project",
    )
    body = {key: draft[key] for key in keys if key in draft}
    if draft.get("dueDate"):
        body["dueDate"] = draft["dueDate"]
    return body


@router.route("GET", "/invoices/drafts/{number:int}/pdf")
def draft_pdf(request: Request, number: int) -> Response:
    draft = stored_draft(request, number)
    title = f"Draft invoice {number}"
    return documents.pdf_response(documents.invoice_pdf(title, render_draft(request, draft)))


@router.route("GET", "/invoices/drafts/{number:int}/templates")
def draft_templates(request: Request, number: int) -> Response:
    stored_draft(request, number)
    base = ("invoices", "drafts", number, "templates")
    body = {
        "bookingInstructions": link(request, *base, "booking-instructions"),
        "self": link(request, *base),
    }
    return json_response(200, body)


@router.route("GET", "/invoices/drafts/{number:int}/templates/booking-instructions")
def draft_booking_instructions(request: Request, number: int) -> Response:
    """A ready-made body for POST /invoices/booked (REFERENCE §2.9)."""
    stored_draft(request, number)
    draft_link = link(request, "invoices", "drafts", number)
    body = {
        "draftInvoice": {"draftInvoiceNumber": number, "self": draft_link},
        "self": link(request, "invoices", "drafts", number, "templates", "booking-instructions"),
    }
    return json_response(200, body)


# --- attachment (one PDF merged into the invoice, REFERENCE §2.12) -----------------------------


def _attachment_metadata(request: Request, number: int) -> dict:
    base = ("invoices", "drafts", number, "attachment")
    stored = request.agreement.table(ATTACHMENTS).get(number)
    body = {"self": link(request, *base)}
    if stored:
        body = {
            "file": link(request, *base, "file"),
            "pages": stored["pages"],
            "createdAt": stored["createdAt"],
            **body,
        }
    return body


@router.route("GET", "/invoices/drafts/{number:int}/attachment")
def draft_attachment(request: Request, number: int) -> Response:
    stored_draft(request, number)
    return json_response(200, _attachment_metadata(request, number))


@router.route("GET", "/invoices/drafts/{number:int}/attachment/file")
def draft_attachment_file(request: Request, number: int) -> Response:
    stored_draft(request, number)
    stored = request.agreement.table(ATTACHMENTS).get(number)
    if stored is None:
        raise errors.not_found()
    return documents.pdf_response(base64.b64decode(stored["content"]))


@router.route("POST", "/invoices/drafts/{number:int}/attachment/file")
def draft_attachment_upload(request: Request, number: int) -> Response:
    """Upload the draft's attachment: multipart, PDF only, 9.0 MB at most; 201."""
    stored_draft(request, number)
    content, _kind, name = documents.uploaded_file(request, ("pdf",))
    request.agreement.table(ATTACHMENTS)[number] = {
        "content": base64.b64encode(content).decode("ascii"),
        "name": name,
        "pages": max(1, content.count(b"/Type /Page") - content.count(b"/Type /Pages")),
        "createdAt": draft_build.now_timestamp(),
    }
    metadata = _attachment_metadata(request, number)
    return created(metadata, metadata["file"])


@router.route("DELETE", "/invoices/drafts/{number:int}/attachment/file")
def draft_attachment_delete(request: Request, number: int) -> Response:
    """204, and 404 for a second DELETE: not idempotent, as documented (REFERENCE §2.12)."""
    stored_draft(request, number)
    if request.agreement.table(ATTACHMENTS).pop(number, None) is None:
        raise errors.not_found()
    return Response(status=204)
