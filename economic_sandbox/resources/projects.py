"""Projects, as the OpenAPI Projects API serves them (`/api/v22.0.0/projects`).

https://apis.e-conomic.com/redoc.html (REFERENCE §2.13, §3.2, §4.2): there is no `/projects` in
Legacy REST. The subset here is what creating, updating and reading projects needs:

* `GET /projects?cursor=` – up to 1000 items and the `cursor` of the next set (the number of its
  first item); no `cursor` in the answer means the end.
* `GET /projects/paged?skippages=&pagesize=` – an array; page size 20 by default, at most 100;
  only the first 10,000 items are reachable.
* `GET /projects/count`, `GET /projects/{projectNumber}`.
* `POST /projects` → 201 with the project and a `Location`.
* `PUT /projects` (the number is taken from the body, §3.2; `PUT /projects/{n}` is accepted when
  the numbers agree) with `objectVersion` mandatory; a stale version answers 409
  ("Update conflict. Version does not match."); success answers 204, as the OpenAPI family does.
* `filter` and `sort` with the REST grammar on the properties in `FILTERABLE`.

Required roles: ProjectEmployee or SuperUser (x-required-roles); the sandbox's app has
SuperUser. Without the projects module ("Projektstyring", moduleNumber 4) every call answers 403
with the Projects API error model and code `ProjectsModuleNotEnabled` (the sandbox's choice; not
documented, REFERENCE §2.13). Field names follow third-party clients of the Projects API
(`number`, `name`, `projectGroupNumber`, `customerNumber`, `isClosed`, …) [3P]. A project in an
external (invoiceable) group needs a customer:
`ProjectCannotBeCreatedUpdatedCustomerNumberRequired` (a documented code).
"""

from __future__ import annotations

import base64
import datetime

from economic_sandbox import errors, webhooks
from economic_sandbox.filters import FilterError, parse_filter, sort_documents
from economic_sandbox.http import Request, Response, created, json_response
from economic_sandbox.routing import Router

router = Router()

API = "/api/v22.0.0"
PROJECTS = "projects"
MODULE = "Projektstyring"
CURSOR_PAGE = 1000
MAX_PAGED_SIZE, MAX_REACHABLE = 100, 10_000
# Project groups when the agreement holds none: 1 internal, 2 external invoiceable (§2.13).
DEFAULT_GROUPS = {
    1: {"number": 1, "name": "Interne", "type": 1},
    2: {"number": 2, "name": "Fakturerbare", "type": 2},
}
WRITABLE = {
    "name": str,
    "projectGroupNumber": int,
    "customerNumber": int,
    "description": str,
    "isClosed": bool,
    "isBarred": bool,
    "isMainProject": bool,
    "mainProjectNumber": int,
    "fixedPrice": (int, float),
    "costPrice": (int, float),
    "departmentNumber": int,
    "deliveryDate": str,
    "closedDate": str,
    "responsibleEmployeeNumber": int,
    "contactPersonId": int,
    "deliveryLocationNumber": int,
}
FILTERABLE = frozenset(
    {
        "number",
        "name",
        "projectGroupNumber",
        "customerNumber",
        "isClosed",
        "isBarred",
        "isMainProject",
        "mainProjectNumber",
        "lastUpdated",
    }
)


def openapi_error(
    status: int, message: str, code: str, prop: str = "", hint: str = ""
) -> errors.ApiError:
    """The Projects API error model: message, developerHint, logId, logTimeUtc, property, code."""
    body = {
        "message": message,
        "developerHint": hint or message,
        "logId": errors.log_id(),
        "logTimeUtc": errors.log_time(),
    }
    if prop:
        body["property"] = prop
    body["code"] = code
    return errors.ApiError(status, body)


def _require_module(request: Request) -> None:
    if not request.agreement.has_module(MODULE):
        raise openapi_error(
            403,
            "The projects module is not enabled on this agreement.",
            "ProjectsModuleNotEnabled",
            hint="Enable 'Projektstyring' (module 4) in e-conomic; GET /self lists the modules.",
        )


def _version(counter: int) -> str:
    return base64.b64encode(counter.to_bytes(8, "big")).decode("ascii")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _groups(request: Request) -> dict:
    return request.agreement.table("project-groups") or DEFAULT_GROUPS


def _body(request: Request) -> dict:
    body = request.json()
    if not isinstance(body, dict):
        raise openapi_error(400, "The body must be a JSON object.", "InvalidBody")
    for key, value in body.items():
        if value is None:
            raise openapi_error(400, "Null values are not accepted.", "NullNotAllowed", key)
        expected = WRITABLE.get(key)
        if expected and (
            not isinstance(value, expected) or (expected is int and isinstance(value, bool))
        ):
            raise openapi_error(400, f"'{key}' has the wrong type.", "InvalidType", key)
    return body


def _check_project(request: Request, body: dict) -> None:
    if not str(body.get("name", "")).strip():
        raise openapi_error(400, "Name is required.", "ProjectNameRequired", "name")
    group = _groups(request).get(body.get("projectGroupNumber"))
    if group is None:
        raise openapi_error(
            400,
            f"Project group '{body.get('projectGroupNumber')}' does not exist.",
            "ProjectGroupNotFound",
            "projectGroupNumber",
        )
    customer = body.get("customerNumber")
    if group.get("type") == 2 and customer is None:
        raise openapi_error(
            400,
            "A project in an invoiceable group needs a customer.",
            "ProjectCannotBeCreatedUpdatedCustomerNumberRequired",
            "customerNumber",
        )
    if customer is not None and request.agreement.table("customers").get(customer) is None:
        raise openapi_error(
            400, f"Customer '{customer}' does not exist.", "CustomerNotFound", "customerNumber"
        )


def _present(project: dict) -> dict:
    return {
        key: value for key, value in project.items() if value is not None and value is not False
    }


def _store(request: Request, number: int, body: dict) -> dict:
    agreement = request.agreement
    project = {key: body[key] for key in WRITABLE if key in body}
    project["number"] = number
    project["lastUpdated"] = _now()
    project["objectVersion"] = _version(agreement.next_number("projects-object-version"))
    agreement.table(PROJECTS)[number] = project
    webhooks.notify(agreement, "Project updated", NEWNUMBER=number, OLDNUMBER=number)
    return project


@router.route("POST", f"{API}/projects")
def project_create(request: Request) -> Response:
    _require_module(request)
    body = _body(request)
    _check_project(request, body)
    table = request.agreement.table(PROJECTS)
    number = body.get("number")
    if number is None:
        number = request.agreement.next_number(PROJECTS)
        while number in table:
            number = request.agreement.next_number(PROJECTS)
    elif not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise openapi_error(400, "number must be a positive whole number.", "InvalidType", "number")
    elif number in table:
        raise openapi_error(
            400,
            f"Project number {number} is already in use.",
            "ProjectNumberAlreadyExists",
            "number",
        )
    else:
        request.agreement.reserve_number(PROJECTS, number)
    project = _present(_store(request, number, body))
    return created(project, request.url(f"{API}/projects/{number}"))


def _replace(request: Request, url_number: int | None) -> Response:
    _require_module(request)
    body = _body(request)
    number = body.get("number", url_number)
    if url_number is not None and number != url_number:
        raise openapi_error(
            400, "The number in the URL differs from the body's.", "ProjectNumberMismatch", "number"
        )
    if number is None:
        raise openapi_error(400, "number is required.", "ProjectNumberRequired", "number")
    current = request.agreement.table(PROJECTS).get(number)
    if current is None:
        raise openapi_error(404, "Resource not found.", "ResourceNotFound")
    if "objectVersion" not in body:
        raise openapi_error(
            400,
            "objectVersion is required.",
            "ObjectVersionRequired",
            "objectVersion",
            "Send the objectVersion you last read.",
        )
    if body["objectVersion"] != current["objectVersion"]:
        raise errors.conflict_openapi()
    _check_project(request, body)
    _store(request, number, body)
    return Response(status=204)


@router.route("PUT", f"{API}/projects")
def project_replace(request: Request) -> Response:
    return _replace(request, None)


@router.route("PUT", f"{API}/projects/{{number:int}}")
def project_replace_at(request: Request, number: int) -> Response:
    return _replace(request, number)


@router.route("GET", f"{API}/projects/{{number:int}}")
def project_get(request: Request, number: int) -> Response:
    _require_module(request)
    project = request.agreement.table(PROJECTS).get(number)
    if project is None:
        raise openapi_error(404, "Resource not found.", "ResourceNotFound")
    return json_response(200, _present(project))


def _selected(request: Request) -> list[dict]:
    table = request.agreement.table(PROJECTS)
    projects = [_present(table[key]) for key in sorted(table)]
    try:
        if request.query.get("filter"):
            predicate = parse_filter(request.query["filter"])
            not_allowed = sorted(predicate.properties - FILTERABLE)
            if not_allowed:
                raise FilterError(
                    "Filtering is not allowed.",
                    f"Filtering is not allowed on property '{not_allowed[0]}'.",
                )
            projects = [project for project in projects if predicate(project)]
        if request.query.get("sort"):
            projects = sort_documents(projects, request.query["sort"], FILTERABLE)
    except FilterError as error:
        raise openapi_error(400, str(error), "InvalidFilter", "filter") from None
    return projects


@router.route("GET", f"{API}/projects")
def projects_cursor(request: Request) -> Response:
    _require_module(request)
    projects = _selected(request)
    cursor = request.query.get("cursor")
    if cursor:
        if not cursor.isdigit():
            raise openapi_error(400, "Invalid cursor.", "InvalidCursor", "cursor")
        projects = [project for project in projects if project["number"] >= int(cursor)]
    page, rest = projects[:CURSOR_PAGE], projects[CURSOR_PAGE:]
    body: dict = {"items": page}
    if rest:
        body["cursor"] = str(rest[0]["number"])
    return json_response(200, body)


def _query_int(request: Request, name: str, default: int) -> int:
    text = request.query.get(name, "")
    if not text:
        return default
    if not text.isdigit():
        raise openapi_error(400, f"{name} must be a whole number.", "InvalidPaging", name)
    return int(text)


@router.route("GET", f"{API}/projects/paged")
def projects_paged(request: Request) -> Response:
    _require_module(request)
    skip, size = _query_int(request, "skippages", 0), _query_int(request, "pagesize", 20)
    if not 1 <= size <= MAX_PAGED_SIZE:
        raise openapi_error(
            400, f"pagesize must be between 1 and {MAX_PAGED_SIZE}.", "InvalidPaging", "pagesize"
        )
    reachable = _selected(request)[:MAX_REACHABLE]
    return json_response(200, reachable[skip * size : (skip + 1) * size])


@router.route("GET", f"{API}/projects/count")
def projects_count(request: Request) -> Response:
    _require_module(request)
    return json_response(200, len(_selected(request)))
