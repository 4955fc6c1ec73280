"""Collections the way Legacy REST answers them (REFERENCE §3.1): `skippages`/`pagesize` paging,
the `pagination` envelope, `filter` restricted to the schema's filterable properties and `sort`
restricted to its sortable ones.

Choices where e-conomic does not document the behaviour (README "Choices"):
* `pagesize` above 1000 answers 400 (not clamped); `pagesize` < 1 or a non-number answers 400.
* Sorting on a property that is not sortable answers 400 with `allowedSortingFields`, shaped
  like the documented `allowedFilteringFields` error.
* Paging links keep the request's `filter` and `sort`.
"""
from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from economic_sandbox import errors, filters, schemas
from economic_sandbox.http import Request, Response

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 1000
FILTER_HINT = "Filtering on collections can be done using the querystring parameter 'filter'."
SORT_HINT = "Sorting on collections can be done using the querystring parameter 'sort'."
PAGING_HINT = "Use skippages (0-based) and pagesize (1 to 1000) to page through a collection."


def clean(document: Any) -> Any:
    """e-conomic's rule for answers: false booleans and nulls are left out (REFERENCE §2)."""
    if isinstance(document, dict):
        return {
            key: clean(value)
            for key, value in document.items()
            if value is not None and value is not False
        }
    if isinstance(document, list):
        return [clean(value) for value in document]
    return document


def collection_response(
    request: Request, documents: list[dict], *, schema: str, path: str
) -> Response:
    """A 200 answer with one page of `documents` (already in their answered shape), filtered
    and sorted as the request asks, within what the collection schema (`schema`, e.g.
    "customers.get") allows. `path` is the collection's path for the paging links."""
    fields = schemas.collection_fields(schema)
    skip_pages, page_size = _paging(request)
    selected = _filtered(request, documents, fields.filterable)
    selected = _sorted(request, selected, fields)
    page = selected[skip_pages * page_size:(skip_pages + 1) * page_size]
    pagination = _pagination(request, path, skip_pages, page_size, len(selected), len(documents))
    body = {"collection": [clean(document) for document in page], "pagination": pagination,
            "self": _page_link(request, path, skip_pages, page_size)}
    return Response(status=200, body=body)


def _paging(request: Request) -> tuple[int, int]:
    skip_pages = _integer(request, "skippages", 0)
    page_size = _integer(request, "pagesize", DEFAULT_PAGE_SIZE)
    if skip_pages < 0:
        raise errors.bad_request("Invalid paging.", ["skippages cannot be negative."], PAGING_HINT)
    if page_size < 1:
        raise errors.bad_request("Invalid paging.", ["pagesize must be at least 1."], PAGING_HINT)
    if page_size > MAX_PAGE_SIZE:
        raise errors.bad_request(
            "Invalid paging.",
            [f"The pagesize {page_size} exceeds the maximum page size of {MAX_PAGE_SIZE}."],
            PAGING_HINT,
            maxPageSizeAllowed=MAX_PAGE_SIZE,
        )
    return skip_pages, page_size


def _integer(request: Request, name: str, default: int) -> int:
    text = request.query.get(name, "")
    if text == "":
        return default
    try:
        return int(text)
    except ValueError:
        raise errors.bad_request(
            "Invalid paging.", [f"{name} must be a whole number, not '{text}'."], PAGING_HINT
        ) from None


def _filtered(request: Request, documents: list[dict], filterable: frozenset[str]) -> list[dict]:
    text = request.query.get("filter", "")
    if not text:
        return list(documents)
    try:
        predicate = filters.parse_filter(text)
    except filters.FilterError as error:
        raise errors.bad_request(
            error.message, [error.detail], FILTER_HINT,
            allowedFilteringFields=sorted(filterable),
        ) from None
    not_allowed = sorted(set(predicate.properties) - filterable)
    if not_allowed:
        raise errors.bad_request(
            "Could not parse query string filter.",
            [f"Filtering is not allowed on property '{name}'." for name in not_allowed],
            FILTER_HINT,
            allowedFilteringFields=sorted(filterable),
        )
    return [document for document in documents if predicate(document)]


def _sorted(request: Request, documents: list[dict], fields: schemas.CollectionFields) -> list:
    sort = request.query.get("sort", "") or fields.default_sort
    if not sort:
        return documents
    names = [part.strip().lstrip("-~") for part in sort.split(",") if part.strip()]
    not_allowed = sorted(name for name in names if name not in fields.sortable)
    if not_allowed and request.query.get("sort"):
        raise errors.bad_request(
            "Could not parse query string sort.",
            [f"Sorting is not allowed on property '{name}'." for name in not_allowed],
            SORT_HINT,
            allowedSortingFields=sorted(fields.sortable),
        )
    try:
        return filters.sort_documents(documents, sort, fields.sortable | set(names))
    except filters.FilterError as error:
        raise errors.bad_request(error.message, [error.detail], SORT_HINT) from None


def _pagination(
    request: Request, path: str, skip_pages: int, page_size: int, results: int, unfiltered: int
) -> dict:
    last = max(0, math.ceil(results / page_size) - 1)
    pagination = {
        "maxPageSizeAllowed": MAX_PAGE_SIZE,
        "skipPages": skip_pages,
        "pageSize": page_size,
        "results": results,
        "resultsWithoutFilter": unfiltered,
        "firstPage": _page_link(request, path, 0, page_size),
    }
    if skip_pages < last:  # absent on the last page, as the recordings show
        pagination["nextPage"] = _page_link(request, path, skip_pages + 1, page_size)
    pagination["lastPage"] = _page_link(request, path, last, page_size)
    return pagination


def _page_link(request: Request, path: str, skip_pages: int, page_size: int) -> str:
    query = {"skippages": skip_pages, "pagesize": page_size}
    for name in ("filter", "sort"):
        if request.query.get(name):
            query[name] = request.query[name]
    return request.url(f"{path}?{urlencode(query)}")
