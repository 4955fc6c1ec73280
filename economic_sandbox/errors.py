"""e-conomic's error bodies (Legacy REST), raised as `ApiError` by any handler.

Shapes follow the live responses recorded in the contract reference (§4.1): the `E04300`
validation envelope with errors keyed by property, `arrayIndex` items for lines and bulk input,
query errors as a list of strings, and the 401/404 bodies with `logId` and `logTime`.
"""
from __future__ import annotations

import datetime
import secrets
from typing import Any

NOT_FOUND_HINT = (
    "The API tries to provide all the resource urls you need. If you have hard coded urls "
    "yourself, then try to look at the enclosing collection for hypermedia information on where "
    "the resource you are looking for could be."
)


def log_id() -> str:
    return f"{secrets.token_hex(8)}-CPH"


def log_time() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")


class ApiError(Exception):
    """An HTTP error answered with e-conomic's JSON body."""

    def __init__(
        self,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
        content_type: str = "application/json; charset=utf-8",
    ):
        super().__init__(body.get("message", f"HTTP {status}"))
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.content_type = content_type


def error_body(status: int, message: str, developer_hint: str = "", **extra: Any) -> dict:
    body: dict[str, Any] = {"message": message}
    if developer_hint:
        body["developerHint"] = developer_hint
    body.update({"logId": log_id(), "httpStatusCode": status, "logTime": log_time()})
    body.update(extra)
    return body


def not_found() -> ApiError:
    return ApiError(404, error_body(404, "Resource not found.", NOT_FOUND_HINT))


def unauthorized(message: str = "Unauthorized access (401).", hint: str = "") -> ApiError:
    return ApiError(
        401,
        error_body(
            401,
            message,
            hint
            or "You must supply valid X-AppSecretToken and X-AgreementGrantToken headers. "
            "Try https://restapi.e-conomic.com/?demo=true for the demo agreement.",
        ),
    )


def forbidden(message: str, hint: str = "") -> ApiError:
    return ApiError(403, error_body(403, message, hint))


def method_not_allowed(method: str) -> ApiError:
    return ApiError(405, error_body(405, f"Method '{method}' is not allowed on this resource."))


def unsupported_media_type() -> ApiError:
    return ApiError(
        415,
        error_body(415, "Unsupported media type.", "Send the body as application/json."),
    )


def bad_request(message: str, errors: list[str] | None = None, hint: str = "", **extra) -> ApiError:
    """A query-level error (bad filter, bad paging): `errors` is a list of strings."""
    body = error_body(400, message, hint)
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return ApiError(400, body)


def property_error(
    property_name: str, message: str, code: str, input_value: Any = None, hint: str = ""
) -> dict:
    """One entry of a validation error list, as live responses spell it."""
    item: dict[str, Any] = {
        "propertyName": property_name, "errorMessage": message, "errorCode": code
    }
    if input_value is not None:
        item["inputValue"] = input_value
    if hint:
        item["developerHint"] = hint
    return item


def count_errors(errors: Any) -> int:
    """Count the leaf error entries of a nested `errors` structure."""
    if isinstance(errors, dict):
        if "errorCode" in errors and "errorMessage" in errors:
            return 1
        return sum(count_errors(value) for value in errors.values())
    if isinstance(errors, list):
        return sum(count_errors(value) for value in errors)
    return 0


def validation_failed(errors: dict | list) -> ApiError:
    """The E04300 envelope. `errors` is keyed by property for a document (nested arrays as
    `{"items": [{"arrayIndex": i, ...}]}`), or a list of `{"arrayIndex": i, ...}` for bulk input."""
    total = count_errors(errors)
    noun = "error" if total == 1 else "errors"
    body = error_body(
        400,
        f"Validation failed. {total} {noun} found.",
        "Inspect validation errors and correct your request.",
        errorCode="E04300",
        errors=errors,
        errorCount=total,
    )
    # Live bodies put logTime after errors; key order is cosmetic but kept for fidelity.
    body["logTime"] = body.pop("logTime")
    body["errorCount"] = body.pop("errorCount")
    return ApiError(400, body)


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429,
        error_body(
            429,
            "Too many requests. The cost of your requests exceeds the rate limit.",
            "Wait for the number of seconds in the Retry-After header, then try again.",
        ),
        headers={"Retry-After": str(retry_after)},
    )


def server_error(status: int = 500) -> ApiError:
    message = "Internal server error." if status == 500 else "Service unavailable."
    return ApiError(status, error_body(status, message, "Try again."))


def conflict_openapi(message: str = "Update conflict. Version does not match.") -> ApiError:
    """OpenAPI family (Projects API) error model."""
    return ApiError(
        409,
        {
            "message": message,
            "developerHint": "Read the resource again and send its current objectVersion.",
            "logId": log_id(),
            "logTimeUtc": log_time(),
            "code": "UpdateConflict",
        },
    )


def problem(status: int, title: str, error_code: str, found: list[dict], instance: str) -> ApiError:
    """The OpenAPI services' `application/problem+json` body (ADDENDUM §3: `type, title, status,
    detail, instance, errors[{message, errorCode, property}], traceId, errorCode,
    traceTimeUtc`). `found` holds the `errors` items."""
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": found[0]["message"] if found else title,
        "instance": instance,
        "errors": found,
        "traceId": secrets.token_hex(16),
        "errorCode": error_code,
        "traceTimeUtc": log_time(),
    }
    return ApiError(status, body, content_type="application/problem+json; charset=utf-8")
