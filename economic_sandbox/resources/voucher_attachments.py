"""Voucher attachments: `/journals/{n}/vouchers/{year}-{number}/attachment[/file]`.

https://restdocs.e-conomic.com/#journals-journalnumber-vouchers-accountingyear-vouchernumber-attachment
(REFERENCE §2.14): `POST …/attachment/file` uploads (multipart/form-data; PDF, JPG/JPEG, GIF or
PNG; at most 9.0 MB per request); `PATCH` appends pages and creates the file when there is none;
`DELETE` removes the whole file; `GET …/file` answers a PDF; `GET …/attachment` the metadata
(`createdAt, description, file, pages, self`). A POST on a voucher that already has a file
replaces it (the sandbox's choice, README_RESOURCES.md).
"""

from __future__ import annotations

import base64

from economic_sandbox import errors
from economic_sandbox.http import Request, Response, created, json_response
from economic_sandbox.resources import documents
from economic_sandbox.resources.draft_build import now_timestamp
from economic_sandbox.resources.journals import stored_voucher, voucher_path
from economic_sandbox.resources.lookups import link
from economic_sandbox.routing import Router

router = Router()

ATTACHMENTS = "journal-voucher-attachments"
ALLOWED = ("pdf", "jpg", "gif", "png")
BASE = "/journals/{number:int}/vouchers/{voucher_id:str}/attachment"


def _key(voucher: dict) -> str:
    return f"{voucher['journalNumber']}:{voucher['year']}-{voucher['voucherNumber']}"


def _metadata(request: Request, voucher: dict) -> dict:
    path = (
        *voucher_path(voucher["journalNumber"], voucher["year"], voucher["voucherNumber"]),
        "attachment",
    )
    stored = request.agreement.table(ATTACHMENTS).get(_key(voucher))
    body = {"self": link(request, *path)}
    if stored:
        body = {
            "createdAt": stored["createdAt"],
            "description": stored["description"],
            "file": link(request, *path, "file"),
            "pages": len(stored["parts"]),
            **body,
        }
    return body


def _part(request: Request) -> dict:
    content, kind, name = documents.uploaded_file(request, ALLOWED)
    return {"content": base64.b64encode(content).decode("ascii"), "kind": kind, "name": name}


@router.route("GET", BASE)
def attachment_get(request: Request, number: int, voucher_id: str) -> Response:
    return json_response(200, _metadata(request, stored_voucher(request, number, voucher_id)))


@router.route("POST", f"{BASE}/file")
def attachment_upload(request: Request, number: int, voucher_id: str) -> Response:
    voucher = stored_voucher(request, number, voucher_id)
    part = _part(request)
    request.agreement.table(ATTACHMENTS)[_key(voucher)] = {
        "parts": [part],
        "createdAt": now_timestamp(),
        "description": part["name"],
    }
    metadata = _metadata(request, voucher)
    return created(metadata, metadata["file"])


@router.route("PATCH", f"{BASE}/file")
def attachment_append(request: Request, number: int, voucher_id: str) -> Response:
    """Append a page; creates the file when the voucher has none."""
    voucher = stored_voucher(request, number, voucher_id)
    part = _part(request)
    table = request.agreement.table(ATTACHMENTS)
    if _key(voucher) in table:
        table[_key(voucher)]["parts"].append(part)
    else:
        table[_key(voucher)] = {
            "parts": [part],
            "createdAt": now_timestamp(),
            "description": part["name"],
        }
    return json_response(200, _metadata(request, voucher))


@router.route("GET", f"{BASE}/file")
def attachment_file(request: Request, number: int, voucher_id: str) -> Response:
    """The file as a PDF: an uploaded single PDF as sent, otherwise a PDF listing the pages."""
    voucher = stored_voucher(request, number, voucher_id)
    stored = request.agreement.table(ATTACHMENTS).get(_key(voucher))
    if stored is None:
        raise errors.not_found()
    parts = stored["parts"]
    if len(parts) == 1 and parts[0]["kind"] == "pdf":
        return documents.pdf_response(base64.b64decode(parts[0]["content"]))
    lines = [f"Voucher {voucher['year']}-{voucher['voucherNumber']}"]
    lines += [
        f"Page {index}: {part['name']} ({part['kind']})" for index, part in enumerate(parts, 1)
    ]
    return documents.pdf_response(documents.build_pdf(lines))


@router.route("DELETE", f"{BASE}/file")
def attachment_delete(request: Request, number: int, voucher_id: str) -> Response:
    voucher = stored_voucher(request, number, voucher_id)
    if request.agreement.table(ATTACHMENTS).pop(_key(voucher), None) is None:
        raise errors.not_found()
    return Response(status=204)
