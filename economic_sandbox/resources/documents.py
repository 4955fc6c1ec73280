"""Files: invoice PDFs and multipart attachment uploads.

`GET /invoices/drafts/{n}/pdf` and `/invoices/booked/{n}/pdf` answer a PDF (REFERENCE §2.12);
the sandbox builds a small, valid one-page PDF by hand (no dependency). Attachments arrive as
`multipart/form-data` with at most 9.0 MB per request (REFERENCE §2.12, §2.14); the accepted
types are PDF for draft invoices and PDF, JPG/JPEG, GIF and PNG for vouchers, recognised by the
file's first bytes (its magic number), not by the name a client sends.
"""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP

from economic_sandbox import errors
from economic_sandbox.http import Request, Response

MAX_UPLOAD_BYTES = 9 * 1024 * 1024  # "9.0 MB per request"
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def _escape(text: str) -> str:
    ascii_text = text.encode("latin-1", "replace").decode("latin-1")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def build_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with `lines` of Helvetica text and a correct cross-reference table."""
    text_ops = ["BT", "/F1 11 Tf", "50 800 Td", "14 TL"]
    text_ops += [f"({_escape(line)}) Tj T*" for line in lines]
    text_ops.append("ET")
    stream = "\n".join(text_ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(output)


def invoice_pdf(title: str, invoice: dict) -> bytes:
    lines = [title, f"Date: {invoice.get('date', '')}", f"Due: {invoice.get('dueDate', '')}"]
    lines.append(f"Customer: {invoice.get('recipient', {}).get('name', '')}")
    for line in invoice.get("lines", []):
        lines.append(
            f"{line.get('description', '')}  {line.get('quantity', 0)} x "
            f"{line.get('unitNetPrice', 0):.2f} = {line.get('totalNetAmount', 0):.2f}"
        )
    lines.append(f"Net {invoice.get('netAmount', 0):.2f}  VAT {invoice.get('vatAmount', 0):.2f}")
    lines.append(f"Total {invoice.get('currency', '')} {invoice.get('grossAmount', 0):.2f}")
    return build_pdf(lines)


def pdf_response(content: bytes) -> Response:
    return Response(status=200, body=content, content_type="application/pdf")


def file_kind(content: bytes) -> str | None:
    for kind, prefixes in SIGNATURES.items():
        if content.startswith(prefixes):
            return kind
    return None


def uploaded_file(request: Request, allowed: tuple[str, ...]) -> tuple[bytes, str, str]:
    """(content, kind, file name) of the first file part of a multipart body; 400/413/415 as
    e-conomic's error bodies otherwise."""
    if len(request.body) > MAX_UPLOAD_BYTES:
        raise errors.ApiError(
            413,
            errors.error_body(
                413, "The file is too large.", "Attachments can be at most 9.0 MB per request."
            ),
        )
    content_type = request.header("Content-Type")
    if not content_type.lower().startswith("multipart/form-data"):
        raise errors.bad_request(
            "The attachment must be sent as multipart/form-data.",
            [f"Content-Type was '{content_type or 'missing'}'."],
            "Post the file as a multipart/form-data part.",
        )
    content, name = _first_file_part(content_type, request.body)
    kind = file_kind(content)
    if kind not in allowed:
        raise errors.ApiError(
            415,
            errors.error_body(
                415,
                "Unsupported file type.",
                f"Allowed file types: {', '.join(allowed)}.",
            ),
        )
    return content, kind, name


def _first_file_part(content_type: str, body: bytes) -> tuple[bytes, str]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    for part in message.iter_parts() if message.is_multipart() else []:
        content = part.get_payload(decode=True)
        if content:
            return content, part.get_filename() or "file"
    raise errors.bad_request(
        "No file found in the request.",
        ["The multipart body holds no file part."],
        "Post the file as a multipart/form-data part.",
    )
