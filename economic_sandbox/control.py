"""The control API under `/_sandbox`: what a test, a benchmark or the demo needs and e-conomic
does not offer. No e-conomic auth, never faulted, never rate limited; bodies are JSON.

| method and path | what it does |
|---|---|
| GET /_sandbox/health | `{"status": "ok"}` |
| POST /_sandbox/reset | back to the seed (data, idempotency, buckets, counters, log, faults) |
| GET, PUT, PATCH /_sandbox/faults | fault settings (PUT: from defaults, PATCH: merge) |
| GET, PUT, PATCH /_sandbox/rate-limit | bucket settings and each agreement's tokens |
| POST /_sandbox/rate-limit/{agreementNumber}/spend | another app spends `tokens` of the bucket |
| GET /_sandbox/requests?since=ID&agreement=N&method=M&path=P | the request log |
| GET /_sandbox/counters | calls today per agreement and the daily cap |
| PUT /_sandbox/counters/{agreementNumber} | `{"callsToday": n}` |
| GET, POST /_sandbox/agreements | list; create one (all optional: `agreementNumber`, |
| | `grantToken`, `companyName`, `projects`: bool, `baseCurrency`, `modules`: [{moduleNumber, |
| | name}] replacing the standard set, `appRole`: SuperUser/Bookkeeping/Sales/ProjectEmployee, |
| | `vatRounding`: line/document, default line) |
| GET /_sandbox/agreements/{n} | one agreement |
| POST /_sandbox/agreements/{n}/revoke, /restore | revoke the grant (401 from then on), undo |
| GET, PUT, POST /_sandbox/agreements/{n}/webhooks | list; replace; add one `{"event", "url"}` |
| PUT /_sandbox/agreements/{n}/accounting-years/{year}/periods/{p} | `{"barred": bool}` |
| GET /_sandbox/webhooks/deliveries?since=ID&agreement=N | delivery records |
| POST /_sandbox/save | write the state file now |
| PUT, DELETE, POST /_sandbox/agreements/{n}/drafts/..., PUT .../customers/{c} | a person's |
| | edits in e-conomic's screens: a draft's line, deletion, booking; a card (person_control.py) |
"""
from __future__ import annotations

import json
from dataclasses import asdict

from economic_sandbox import errors
from economic_sandbox.auth import ROLES
from economic_sandbox.faults import FaultConfig
from economic_sandbox.http import Request, Response, json_response
from economic_sandbox.ratelimit import RateLimitConfig, today
from economic_sandbox.routing import Router
from economic_sandbox.seed import APP_SECRET_TOKEN, DEMO_TOKEN, PROJECTS_MODULE, new_agreement
from economic_sandbox.state import VAT_ROUNDING_MODELS, Agreement
from economic_sandbox.webhooks import check_webhook

router = Router()


def body_of(request: Request, default=None):
    """The JSON body; an empty body is `default` (control calls often have none)."""
    if not request.body.strip():
        return {} if default is None else default
    try:
        return json.loads(request.body)
    except ValueError as error:
        raise errors.bad_request("The request body is not valid JSON.", [str(error)]) from None


def _settings_error(error: Exception) -> errors.ApiError:
    return errors.bad_request("Invalid settings.", [str(error)])


@router.route("GET", "/health")
def health(request: Request) -> Response:
    return json_response(200, {"status": "ok"})


@router.route("POST", "/reset")
def reset(request: Request) -> Response:
    request.sandbox.reset()
    return json_response(200, {"status": "reset",
                               "lastRequestId": request.sandbox.requests.last_id()})


@router.route("POST", "/save")
def save(request: Request) -> Response:
    request.sandbox.save()
    return json_response(200, {"saved": bool(request.sandbox.config.state_path)})


# --- faults and rate limit ---------------------------------------------------------------------


@router.route("GET", "/faults")
def get_faults(request: Request) -> Response:
    return json_response(200, request.sandbox.faults.snapshot())


@router.route("PUT", "/faults")
def put_faults(request: Request) -> Response:
    return _set_faults(request, FaultConfig())


@router.route("PATCH", "/faults")
def patch_faults(request: Request) -> Response:
    return _set_faults(request, request.sandbox.faults.config)


def _set_faults(request: Request, base: FaultConfig) -> Response:
    changes = body_of(request)
    changes.pop("seed", None)
    try:
        config = base.updated(changes)
    except (TypeError, ValueError) as error:
        raise _settings_error(error) from None
    request.sandbox.faults.configure(config)
    return json_response(200, request.sandbox.faults.snapshot())


@router.route("GET", "/rate-limit")
def get_rate_limit(request: Request) -> Response:
    return json_response(200, _rate_limit_view(request))


@router.route("PUT", "/rate-limit")
def put_rate_limit(request: Request) -> Response:
    return _set_rate_limit(request, RateLimitConfig())


@router.route("PATCH", "/rate-limit")
def patch_rate_limit(request: Request) -> Response:
    return _set_rate_limit(request, request.sandbox.limiter.config)


def _set_rate_limit(request: Request, base: RateLimitConfig) -> Response:
    changes = body_of(request)
    changes.pop("tokens", None)
    try:
        config = base.updated(changes)
    except (TypeError, ValueError) as error:
        raise _settings_error(error) from None
    limiter = request.sandbox.limiter
    with limiter.lock:
        limiter.config = config
        limiter.buckets.clear()  # new settings start with full buckets
    return json_response(200, _rate_limit_view(request))


@router.route("POST", "/rate-limit/{agreementNumber:int}/spend")
def post_spend(request: Request, agreementNumber: int) -> Response:  # noqa: N803 - route name
    """Another app on the agreement spends tokens from its (shared) bucket."""
    tokens = body_of(request).get("tokens")
    if isinstance(tokens, bool) or not isinstance(tokens, (int, float)) or tokens < 0:
        raise errors.bad_request("tokens must be a number, 0 or more.")
    request.sandbox.limiter.spend(agreementNumber, float(tokens))
    return json_response(200, _rate_limit_view(request))


def _rate_limit_view(request: Request) -> dict:
    limiter = request.sandbox.limiter
    tokens = {str(agreement.number): round(limiter.tokens(agreement.number), 3)
              for agreement in request.sandbox.world.all()}
    return {**asdict(limiter.config), "tokens": tokens}


# --- request log and counters -----------------------------------------------------------------


def _int_query(request: Request, name: str) -> int | None:
    text = request.query.get(name, "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise errors.bad_request(f"{name} must be a whole number.") from None


@router.route("GET", "/requests")
def get_requests(request: Request) -> Response:
    entries = request.sandbox.requests.since(
        _int_query(request, "since") or 0, agreement=_int_query(request, "agreement"),
        method=request.query.get("method", ""), path=request.query.get("path", ""))
    return json_response(200, {"requests": entries, "count": len(entries),
                               "lastId": request.sandbox.requests.last_id()})


@router.route("GET", "/counters")
def get_counters(request: Request) -> Response:
    limiter = request.sandbox.limiter
    calls = limiter.calls_today()
    return json_response(200, {
        "date": today(), "dailyCap": limiter.config.daily_cap,
        "agreements": {str(agreement.number): calls.get(agreement.number, 0)
                       for agreement in request.sandbox.world.all()},
    })


@router.route("PUT", "/counters/{agreementNumber:int}")
def put_counter(request: Request, agreementNumber: int) -> Response:  # noqa: N803 - route name
    count = body_of(request).get("callsToday")
    if not isinstance(count, int) or count < 0:
        raise errors.bad_request("callsToday must be a whole number, 0 or more.")
    request.sandbox.limiter.set_calls_today(agreementNumber, count)
    return get_counters(request)


# --- agreements and webhooks -------------------------------------------------------------------


def agreement_view(agreement: Agreement) -> dict:
    demo = agreement.grant_token == DEMO_TOKEN
    return {
        "agreementNumber": agreement.number,
        "companyName": agreement.company_name,
        "appSecretToken": DEMO_TOKEN if demo else APP_SECRET_TOKEN,
        "grantToken": agreement.grant_token,
        "readOnly": agreement.read_only,
        "revoked": agreement.revoked,
        "projects": agreement.has_module(PROJECTS_MODULE["name"]),
        "appRole": agreement.app_role,
        "vatRounding": agreement.vat_rounding,
        "modules": [module["name"] for module in agreement.modules],
        "webhooks": agreement.webhooks,
    }


@router.route("GET", "/agreements")
def list_agreements(request: Request) -> Response:
    return json_response(200, {"agreements": [agreement_view(agreement)
                                              for agreement in request.sandbox.world.all()]})


@router.route("POST", "/agreements")
def create_agreement(request: Request) -> Response:
    """A new writable agreement with the standard seed data. Every field is optional."""
    data = body_of(request)
    world = request.sandbox.world
    with world.lock:
        writable = [agreement.number for agreement in world.all() if not agreement.read_only]
        number = data.get("agreementNumber") or max(writable, default=9000000) + 1
        grant = data.get("grantToken") or f"sandbox-grant-{number}"
        if not isinstance(number, int) or world.get(number) or world.by_grant(grant):
            raise errors.bad_request("Invalid agreement.",
                                     ["agreementNumber and grantToken must be new."])
        try:
            agreement = new_agreement(
                number, grant, data.get("companyName") or f"Agreement {number}",
                projects=bool(data.get("projects", True)), modules=data.get("modules"),
                base_currency=data.get("baseCurrency", "DKK"),
                app_role=_role(data.get("appRole", "SuperUser")),
                year_start_month=int(data.get("yearStartMonth", 1)))
        except (KeyError, TypeError, ValueError) as error:
            raise errors.bad_request("Invalid agreement.", [str(error)]) from None
        agreement.vat_rounding = _vat_rounding(data.get("vatRounding", "line"))
        agreement.notifier = request.sandbox.webhooks
        world.add(agreement)
    return json_response(201, agreement_view(agreement))


def _vat_rounding(model: str) -> str:
    if model not in VAT_ROUNDING_MODELS:
        raise errors.bad_request("Invalid agreement.",
                                 [f"vatRounding is one of {', '.join(VAT_ROUNDING_MODELS)}"])
    return model


def _role(name: str) -> str:
    if name not in ROLES:
        raise ValueError(f"appRole is one of {', '.join(ROLES)}")
    return name


@router.route("GET", "/agreements/{agreementNumber:int}")
def get_agreement(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    return json_response(200, agreement_view(request.agreement))


@router.route("POST", "/agreements/{agreementNumber:int}/revoke")
def revoke(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    request.agreement.revoked = True
    return json_response(200, agreement_view(request.agreement))


@router.route("POST", "/agreements/{agreementNumber:int}/restore")
def restore(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    request.agreement.revoked = False
    return json_response(200, agreement_view(request.agreement))


@router.route("GET", "/agreements/{agreementNumber:int}/webhooks")
def get_webhooks(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    return json_response(200, {"webhooks": request.agreement.webhooks})


@router.route("PUT", "/agreements/{agreementNumber:int}/webhooks")
def put_webhooks(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    hooks = body_of(request, default=[])
    hooks = hooks.get("webhooks", []) if isinstance(hooks, dict) else hooks
    request.agreement.webhooks = _checked(hooks)
    return json_response(200, {"webhooks": request.agreement.webhooks})


@router.route("POST", "/agreements/{agreementNumber:int}/webhooks")
def add_webhook(request: Request, agreementNumber: int) -> Response:  # noqa: N803
    request.agreement.webhooks = [*request.agreement.webhooks, *_checked([body_of(request)])]
    return json_response(201, {"webhooks": request.agreement.webhooks})


def _checked(hooks) -> list[dict]:
    if not isinstance(hooks, list):
        raise errors.bad_request("Invalid webhooks.", ["Send a list of {event, url}."])
    try:
        return [check_webhook(hook) for hook in hooks]
    except (AttributeError, ValueError) as error:
        raise errors.bad_request("Invalid webhooks.", [str(error)]) from None


PERIOD = "/agreements/{agreementNumber:int}/accounting-years/{year:str}/periods/{period:int}"


@router.route("PUT", PERIOD)
def put_period(request: Request, agreementNumber: int, year: str, period: int) -> Response:  # noqa: N803
    """Bar or open one period, `{"barred": true}`, so a test can date an entry in a barred
    period (e-conomic's E04041) without going back to the closed year."""
    barred = body_of(request).get("barred")
    if not isinstance(barred, bool):
        raise errors.bad_request("Invalid period.", ["barred must be true or false."])
    periods = request.agreement.table("accounting-year-periods").get(year, {"periods": []})
    for entry in periods["periods"]:
        if entry["periodNumber"] == period:
            entry.pop("barred", None)
            entry.update({"barred": True} if barred else {})
            return json_response(200, entry)
    raise errors.not_found()


@router.route("GET", "/webhooks/deliveries")
def get_deliveries(request: Request) -> Response:
    deliveries = request.sandbox.webhooks.deliveries(_int_query(request, "since") or 0,
                                                     _int_query(request, "agreement"))
    return json_response(200, {"deliveries": deliveries})
