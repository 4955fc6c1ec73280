"""The one HTTP seam to e-conomic. It knows no Django models: it takes tokens and URLs, answers
JSON, raises `EconomicError`s, and reports every call to a recorder callback.

Rules it keeps for everyone above it (https://restdocs.e-conomic.com/):
- every request has a timeout (the session refuses one without);
- GETs are retried with backoff, honouring a short Retry-After; POST and PUT never are, because
  a write that timed out may have been applied: the caller looks it up by reference;
- every write carries an `Idempotency-Key` (e-conomic replays the first answer for an hour);
- every call first draws its cost from the shared token bucket, kept in step with each answer;
- tokens go only into request headers: never into records, messages or reprs, and never into
  the session, which every client of the process shares (transport.shared_session).
The session and the mapping of status codes and transport failures to errors are in transport.py.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests
from django.views.decorators.debug import sensitive_variables

from integration.economic import errors, filters
from integration.economic.encoding import encode_id
from integration.economic.filters import Filter
from integration.economic.ratelimit import EndpointCosts, RateLimiter, tokens_left
from integration.economic.reads import LedgerReads
from integration.economic.transport import (
    charged_cost,
    retry_after,
    shared_session,
    status_error,
    token_error,
    transport_error,
)

DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds
PAGE_SIZE = 1000  # the largest page e-conomic serves
PROJECTS_API = "/api/v22.0.0"
JOURNALS_API = "/journalsapi/v15.0.0"


@dataclass(frozen=True)
class CallRecord:
    method: str
    path: str
    status: int | None
    duration_ms: int
    cost: float
    idempotency_key: str
    error: str
    from_cache: bool


class EconomicClient(LedgerReads):
    @sensitive_variables("app_secret_token", "grant_token")
    def __init__(
        self,
        *,
        rest_url: str,
        openapi_url: str,
        app_secret_token: str,
        grant_token: str,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        rate_limiter: RateLimiter | None = None,
        costs: EndpointCosts | None = None,
        recorder: Callable[[CallRecord], None] | None = None,
        session: requests.Session | None = None,
        proxies_from_environment: bool = True,
    ):
        self.rest_url = rest_url.rstrip("/")
        self.openapi_url = openapi_url.rstrip("/")
        self._headers = {
            "X-AppSecretToken": app_secret_token,
            "X-AgreementGrantToken": grant_token,
            "Content-Type": "application/json",
        }
        self.timeout = timeout
        self.rate_limiter = rate_limiter
        self.costs = costs or EndpointCosts()
        self.recorder = recorder
        self.session = session or shared_session(
            self.rest_url, proxies_from_environment=proxies_from_environment
        )

    def __repr__(self) -> str:
        return f"<EconomicClient {self.rest_url}>"

    # -- the seam ------------------------------------------------------------------------------

    # Every local here and in the frames below (requests, urllib3, http.client) holds the
    # tokens: an error report (Django's debug page, the admins' e-mail) shows none of them.
    @sensitive_variables()
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict | None = None,
        json: Any = None,
        files: dict | None = None,
        idempotency_key: str | None = None,
        base: str | None = None,
        raw: bool = False,
    ) -> Any:
        """Send one call and answer its JSON (or bytes with `raw`); raise an EconomicError."""
        method = method.upper()
        unsendable = token_error(self._headers)
        if unsendable is not None:
            raise unsendable
        headers = dict(self._headers)
        if method != "GET":
            idempotency_key = idempotency_key or str(uuid.uuid4())
            headers["Idempotency-Key"] = idempotency_key
        if files is not None:
            del headers["Content-Type"]  # requests writes the multipart boundary itself
        cost = self.costs.cost(method, path)
        if self.rate_limiter is not None:
            self.rate_limiter.acquire(cost)
        started = time.monotonic()
        response, error = None, None
        try:
            response = self.session.request(
                method,
                (base or self.rest_url) + path,
                params=params,
                json=json,
                files=files,
                headers=headers,
                timeout=self.timeout,
            )
            return self._answer(method, response, raw)
        except errors.EconomicError as raised:
            error = raised
            raise
        except requests.RequestException as raised:
            error = transport_error(method, raised)
            raise error from None
        finally:
            self._record(method, path, response, error, cost, idempotency_key or "", started)

    def _answer(self, method: str, response: requests.Response, raw: bool) -> Any:
        if self.rate_limiter is not None:
            self._keep_in_step(response)
        if response.status_code >= 400:
            raise status_error(method, response)
        if raw:
            return response.content
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def _keep_in_step(self, response: requests.Response) -> None:
        """The bucket as e-conomic reports it (another app's calls count too), and a 429."""
        if (left := tokens_left(response.headers.get("X-RateLimiting", ""))) is not None:
            self.rate_limiter.observe(left)
        if response.status_code == 429:
            error = status_error("GET", response)
            closed = error.resume_at if isinstance(error, errors.DailyCapReached) else None
            self.rate_limiter.refused(retry_after=retry_after(response), day_closed_until=closed)

    def _record(self, method, path, response, error, cost, key, started) -> None:
        if self.recorder is None:
            return
        self.recorder(
            CallRecord(
                method=method,
                path=path,
                status=response.status_code if response is not None else None,
                duration_ms=int((time.monotonic() - started) * 1000),
                cost=charged_cost(response, cost),
                idempotency_key=key,
                error=str(error)[:500] if error else "",
                from_cache=bool(response is not None and response.headers.get("X-ResultFromCache")),
            )
        )

    # -- generic helpers -----------------------------------------------------------------------

    def get(self, path: str, params: dict | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any, *, idempotency_key: str | None = None) -> Any:
        return self.request("POST", path, json=body, idempotency_key=idempotency_key)

    def put(self, path: str, body: Any, *, idempotency_key: str | None = None) -> Any:
        return self.request("PUT", path, json=body, idempotency_key=idempotency_key)

    def iterate(
        self,
        path: str,
        *,
        filter: Filter | str | None = None,
        sort: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[dict]:
        """Every item of a collection, a page (1,000 items) per call.
        https://restdocs.e-conomic.com/#pagination"""
        params: dict[str, Any] = {"pagesize": page_size}
        if filter:
            params["filter"] = str(filter)
        if sort:
            params["sort"] = sort
        page = 0
        while True:
            answer = self.get(path, {**params, "skippages": page})
            yield from answer.get("collection", [])
            if not answer.get("pagination", {}).get("nextPage"):
                return
            page += 1

    # -- resources -----------------------------------------------------------------------------

    def self_get(self) -> dict:
        """The agreement behind the grant: number, company, currency, modules.
        https://restdocs.e-conomic.com/#get-self"""
        return self.get("/self")

    def product_get(self, product_number: str) -> dict:
        """https://restdocs.e-conomic.com/#get-products-productnumber"""
        return self.get(f"/products/{encode_id(product_number)}")

    def customer_get(self, customer_number: int) -> dict:
        """https://restdocs.e-conomic.com/#get-customers-customernumber"""
        return self.get(f"/customers/{int(customer_number)}")

    def customers_find(self, filter: Filter) -> list[dict]:
        """https://restdocs.e-conomic.com/#get-customers"""
        return list(self.iterate("/customers", filter=filter))

    def customer_create(self, body: dict, *, idempotency_key: str) -> dict:
        """https://restdocs.e-conomic.com/#post-customers"""
        return self.post("/customers", body, idempotency_key=idempotency_key)

    def customer_replace(self, customer_number: int, body: dict, *, idempotency_key: str) -> dict:
        """PUT replaces the whole card. https://restdocs.e-conomic.com/#put-customers-customernumber"""
        return self.put(f"/customers/{int(customer_number)}", body, idempotency_key=idempotency_key)

    # -- exports -------------------------------------------------------------------------------
    # Every write takes the job's Idempotency-Key; every document carries our reference, so a
    # write whose answer was lost is found again by the `*_find` methods.

    def draft_invoice_create(self, body: dict, *, idempotency_key: str) -> dict:
        """https://restdocs.e-conomic.com/#post-invoices-drafts"""
        return self.post("/invoices/drafts", body, idempotency_key=idempotency_key)

    def draft_invoice_get(self, draft_number: int) -> dict:
        """https://restdocs.e-conomic.com/#get-invoices-drafts-draftinvoicenumber"""
        return self.get(f"/invoices/drafts/{int(draft_number)}")

    def draft_invoice_delete(self, draft_number: int, *, idempotency_key: str) -> dict:
        """Delete one draft; answers e-conomic's status body (200, not 204), and a 404 when the
        draft is gone (deleted, or booked: booking consumes it). Never the collection's DELETE,
        which deletes every draft.
        https://restdocs.e-conomic.com/#delete-invoices-drafts-draftinvoicenumber"""
        return self.request(
            "DELETE", f"/invoices/drafts/{int(draft_number)}", idempotency_key=idempotency_key
        )

    def draft_invoices_find(self, reference: str) -> list[dict]:
        """Drafts whose references.other is `reference`.
        https://restdocs.e-conomic.com/#get-invoices-drafts"""
        condition = filters.eq("references.other", reference)
        return list(self.iterate("/invoices/drafts", filter=condition))

    def draft_invoice_attach(self, draft_number: int, pdf: bytes, *, idempotency_key: str) -> Any:
        """Merge a PDF into the draft (multipart, PDF only, at most 9 MB).
        https://restdocs.e-conomic.com/#post-invoices-drafts-draftinvoicenumber-attachment-file"""
        return self.request(
            "POST",
            f"/invoices/drafts/{int(draft_number)}/attachment/file",
            files={"file": ("invoice.pdf", pdf, "application/pdf")},
            idempotency_key=idempotency_key,
        )

    def invoice_book(self, body: dict, *, idempotency_key: str) -> dict:
        """Book a draft; the draft is consumed. https://restdocs.e-conomic.com/#post-invoices-booked"""
        return self.post("/invoices/booked", body, idempotency_key=idempotency_key)

    def booked_invoices_find(self, reference: str) -> list[dict]:
        """Booked invoices whose references.other is `reference` (booking keeps the draft's
        references). https://restdocs.e-conomic.com/#get-invoices-booked"""
        condition = filters.eq("references.other", reference)
        return list(self.iterate("/invoices/booked", filter=condition))

    def vouchers_create(
        self, journal_number: int, vouchers: list[dict], *, idempotency_key: str
    ) -> list[dict]:
        """Many vouchers in one call; the answer is an array in the same order.
        https://restdocs.e-conomic.com/#post-journals-journalnumber-vouchers"""
        answer = self.post(
            f"/journals/{int(journal_number)}/vouchers", vouchers, idempotency_key=idempotency_key
        )
        return answer if isinstance(answer, list) else [answer]

    def journal_entries_find(self, journal_number: int, texts: list[str]) -> list[dict]:
        """Entries of a journal whose text is one of `texts`.
        https://restdocs.e-conomic.com/#get-journals-journalnumber-entries"""
        condition = filters.eq("text", texts[0])
        for text in texts[1:]:
            condition = condition | filters.eq("text", text)
        return list(self.iterate(f"/journals/{int(journal_number)}/entries", filter=condition))

    def journal_entries_book(
        self, journal_number: int, entry_numbers: list[int], *, idempotency_key: str
    ) -> None:
        """Book these draft entries of a journal (and only these: `book` would take every draft
        in it, a person's too); 204, or a problem+json refusal such as a voucher that does not
        balance. ADDENDUM §3: the Journals API 15.0.0, JournalBooking/bookdraftentries."""
        self.request(
            "POST", f"{JOURNALS_API}/journals/{int(journal_number)}/bookdraftentries",
            json={"entryNumbers": [int(number) for number in entry_numbers]},
            idempotency_key=idempotency_key, base=self.openapi_url,
        )  # fmt: skip

    def voucher_attach(
        self,
        journal_number: int,
        year: str,
        voucher_number: int,
        pdf: bytes,
        *,
        idempotency_key: str,
    ) -> Any:
        """Upload the voucher's document (replaces an earlier one).
        https://restdocs.e-conomic.com/#post-journals-journalnumber-vouchers-accountingyear-vouchernumber-attachment-file"""
        voucher = encode_id(f"{year}-{int(voucher_number)}")
        return self.request(
            "POST",
            f"/journals/{int(journal_number)}/vouchers/{voucher}/attachment/file",
            files={"file": ("invoice.pdf", pdf, "application/pdf")},
            idempotency_key=idempotency_key,
        )

    def project_get(self, project_number: int) -> dict:
        """https://apis.e-conomic.com/api/redoc.html (Projects)"""
        return self.request(
            "GET", f"{PROJECTS_API}/projects/{int(project_number)}", base=self.openapi_url
        )

    def project_create(self, body: dict, *, idempotency_key: str) -> dict:
        """https://apis.e-conomic.com/api/redoc.html (Projects: POST /projects)"""
        return self.request(
            "POST",
            f"{PROJECTS_API}/projects",
            json=body,
            idempotency_key=idempotency_key,
            base=self.openapi_url,
        )

    def project_update(self, body: dict, *, idempotency_key: str) -> Any:
        """PUT needs the current objectVersion. https://apis.e-conomic.com/api/redoc.html"""
        return self.request(
            "PUT",
            f"{PROJECTS_API}/projects",
            json=body,
            idempotency_key=idempotency_key,
            base=self.openapi_url,
        )
