"""The request and response objects that handlers see. Plain WSGI underneath, no framework."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from economic_sandbox import errors

if TYPE_CHECKING:
    from economic_sandbox.state import Agreement


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # keys lower-case
    body: bytes
    base_url: str  # scheme://host:port of this server, for `self` links
    agreement: Agreement | None = None
    route_name: str = ""  # "GET /customers/{customerNumber}", set by the router
    sandbox: Any = None  # the running `SandboxApp`, for control handlers that need the world

    @classmethod
    def from_environ(cls, environ: dict) -> Request:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
        return cls(
            method=environ["REQUEST_METHOD"].upper(),
            path=path,
            query=dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)),
            headers=headers,
            body=body,
            base_url=f"{environ.get('wsgi.url_scheme', 'http')}://{host}",
        )

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    @property
    def idempotency_key(self) -> str:
        return self.header("Idempotency-Key")

    def json(self) -> Any:
        """The body as JSON; 415 for another content type, 400 for a body that does not parse."""
        content_type = self.header("Content-Type").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise errors.unsupported_media_type()
        try:
            return json.loads(self.body or b"null")
        except ValueError as error:
            raise errors.bad_request(
                "The request body is not valid JSON.", [str(error)], "Send a JSON document."
            ) from None

    def url(self, path: str) -> str:
        """An absolute link on this server, as e-conomic puts in every `self`."""
        return f"{self.base_url}{path}"


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-able, or bytes with an explicit content_type
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    def payload(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status=status, body=body, headers=headers or {})


def created(body: Any, location: str) -> Response:
    """201 with the created document and its Location, as e-conomic answers a POST."""
    return Response(status=201, body=body, headers={"Location": location})
