"""The WSGI application: one pipeline for the product API, another for the control API.

Product API, in this order (each step can answer on its own):
1. faults: latency, then an injected 500/503/429 (nothing applied);
2. auth (401), routing (404/405), demo read-only (403);
3. rate limit: the route's cost from the agreement's bucket, daily fair-use cap (429);
4. idempotency: a write with a key already answered replays it; a duplicate in flight waits;
5. the handler, under the agreement's lock; the state file is written after a write, before
   the answer leaves (so a write whose answer is lost is saved too);
6. faults after the answer: drop the connection after applying, or hang then answer/drop.
Every request is logged. The control API (`/_sandbox/...`) skips faults, auth and the limit.
"""
from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, field
from http import HTTPStatus

from economic_sandbox import errors, installation, persistence
from economic_sandbox.auth import authenticate, check_role, check_write_allowed
from economic_sandbox.collections import clean
from economic_sandbox.faults import Decision, FaultConfig, Faults
from economic_sandbox.http import Request, Response
from economic_sandbox.idempotency import Fingerprint, IdempotencyStore
from economic_sandbox.ratelimit import RateLimitConfig, RateLimiter
from economic_sandbox.requestlog import RequestLog
from economic_sandbox.routing import Router
from economic_sandbox.seed import seed_world
from economic_sandbox.server import DropConnection
from economic_sandbox.state import World
from economic_sandbox.webhooks import WebhookDispatcher, check_webhook

log = logging.getLogger("economic_sandbox")
CONTROL_PREFIX = "/_sandbox"
READS = ("GET", "HEAD")


@dataclass
class SandboxConfig:
    seed: int = 0
    state_path: str | None = None
    rate_limit: RateLimitConfig = field(default_factory=RateLimitConfig)
    faults: FaultConfig = field(default_factory=FaultConfig)
    # Webhooks every writable agreement gets at start and after a reset: {"event", "url"}.
    webhooks: list[dict] = field(default_factory=list)


class SandboxApp:
    def __init__(self, config: SandboxConfig | None = None):
        from economic_sandbox import control
        from economic_sandbox.resources import ALL_ROUTERS, CONTROL_ROUTERS

        self.config = config or SandboxConfig()
        self.router = Router()
        for router in ALL_ROUTERS:
            self.router.include(router)
        self.control = Router()
        for router in (control.router, *CONTROL_ROUTERS):
            for route in router.routes:
                self.control.add(route.method, CONTROL_PREFIX + route.pattern, route.handler)
        self.faults = Faults(self.config.seed, copy.deepcopy(self.config.faults))
        self.limiter = RateLimiter(copy.deepcopy(self.config.rate_limit))
        self.idempotency = IdempotencyStore()
        self.requests = RequestLog()
        self.webhooks = WebhookDispatcher()
        self.world = self._initial_world()
        self.epoch = 0  # bumped by reset: requests begun before it stay out of the new log

    # --- state ----------------------------------------------------------------------------

    def _initial_world(self) -> World:
        loaded = persistence.load(self.config.state_path) if self.config.state_path else None
        if loaded is None:
            return self._seeded_world()
        world, saved = loaded
        self.idempotency.load(saved)
        self.attach(world)
        return world

    def _seeded_world(self) -> World:
        world = seed_world()
        for agreement in world.all():
            if not agreement.read_only:
                agreement.webhooks = [check_webhook(hook) for hook in self.config.webhooks]
        self.attach(world)
        return world

    def attach(self, world: World) -> None:
        """Connect the agreements' webhook notifications to this app's dispatcher."""
        for agreement in world.all():
            agreement.notifier = self.webhooks

    def reset(self) -> None:
        """Back to the seed: data, idempotency cache, buckets, counters, log, deliveries, and
        the fault and rate-limit settings the sandbox was started with."""
        self.epoch += 1
        self.world = self._seeded_world()
        self.idempotency.clear()
        self.limiter.reset()
        self.limiter.config = copy.deepcopy(self.config.rate_limit)
        self.requests.clear()
        self.webhooks.clear()
        self.faults.configure(copy.deepcopy(self.config.faults))
        self.save()

    def save(self) -> None:
        if self.config.state_path:
            persistence.save(self.config.state_path, self.world, self.idempotency.saved)

    # --- WSGI -----------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response):
        request = Request.from_environ(environ)
        request.sandbox = self
        path = request.path
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            response = self._control(request)
        elif path == installation.PATH:
            response = installation.installation_answer(request, self.world)
            if response.status == 302:
                self.save()
        else:
            response = self._product(request)
        return _send(response, start_response)

    def _control(self, request: Request) -> Response:
        try:
            route, params = self.control.resolve(request.method, request.path)
            request.route_name = route.name
            number = params.get("agreementNumber")
            if number is None:
                response = route.handler(request, **params)
            else:
                request.agreement = self.world.get(number)
                if request.agreement is None:
                    raise errors.not_found()
                with request.agreement.lock:
                    response = route.handler(request, **params)
            if request.method not in READS and response.status < 400:
                self.save()
            return response
        except errors.ApiError as error:
            return error_response(error)
        except Exception as error:  # noqa: BLE001 - a control bug must still answer
            log.exception("control handler failed")
            return error_response(errors.ApiError(500, errors.error_body(500, str(error))))

    def _product(self, request: Request) -> Response:
        started, epoch = time.monotonic(), self.epoch
        decision = self.faults.decide(request.method, request.path)
        entry = {"method": request.method, "path": request.path, "query": request.query,
                 "idempotencyKey": request.idempotency_key, "fault": decision.name, "cost": 0.0,
                 "agreement": None, "route": ""}
        response = None
        try:
            response = self._rate_headers(request, self._answer(request, decision, entry))
            self._after_answer(request, decision)
        except DropConnection:
            # status 0: the client got nothing; appliedStatus: what the handler had answered
            self._log(entry, started, epoch, status=0,
                      appliedStatus=response.status if response else None)
            raise
        self._log(entry, started, epoch, status=response.status,
                  fromCache=response.headers.get("X-ResultFromCache") == "true")
        return response

    def _rate_headers(self, request: Request, response: Response) -> Response:
        """Every answer that reached an agreement says what it cost and the bucket's use, the
        refusals too (e-conomic charges a 400; a 429 cost nothing)."""
        if getattr(request, "agreement", None) is not None:
            cost = getattr(request, "charged", 0.0)
            response.headers.update(self.limiter.headers(request.agreement.number, cost))
        return response

    def _answer(self, request: Request, decision: Decision, entry: dict) -> Response:
        if decision.delay_seconds:
            time.sleep(decision.delay_seconds)
        try:
            if decision.status:
                raise _injected(decision.status)
            route, params = self._admit(request, entry)
            if request.method in READS:
                return self._execute(request, route, params, decision)
            scope = (request.header("X-AppSecretToken"), request.agreement.number)
            fingerprint = Fingerprint.of(request.method, request.path, request.body)
            response = self.idempotency.run(
                scope, request.idempotency_key, fingerprint,
                lambda: self._execute(request, route, params, decision))
            if response.status < 500 and "X-ResultFromCache" not in response.headers:
                self.save()  # after the idempotency cache holds the answer, so both are saved
            return response
        except errors.ApiError as error:
            return error_response(error)

    def _admit(self, request: Request, entry: dict):
        """Auth, routing, the demo's read-only rule and the rate limit; the route and its
        parameters, or an ApiError."""
        agreement = authenticate(request, self.world)
        entry["agreement"] = agreement.number
        request.agreement = agreement
        route, params = self.router.resolve(request.method, request.path)
        request.route_name = entry["route"] = route.name
        check_write_allowed(request, agreement)
        check_role(request, agreement)
        entry["cost"] = self.limiter.cost(request.method, route.name, route.cost)
        self.limiter.charge(agreement.number, entry["cost"])
        request.charged = entry["cost"]
        return route, params

    def _execute(self, request: Request, route, params: dict, decision: Decision) -> Response:
        """The handler under the agreement's lock; a hang "before" sleeps first (holding no
        lock)."""
        fault = self.faults.config
        if decision.hang and fault.hang_phase == "before":
            time.sleep(fault.hang_seconds)
            if fault.hang_then == "drop":
                raise DropConnection()
        with request.agreement.lock:
            return _call(route, request, params)

    def _after_answer(self, request: Request, decision: Decision) -> None:
        fault = self.faults.config
        if decision.drop_after_apply and request.method not in READS:
            raise DropConnection()
        if decision.hang and fault.hang_phase == "after":
            time.sleep(fault.hang_seconds)
            if fault.hang_then == "drop":
                raise DropConnection()

    def _log(self, entry: dict, started: float, epoch: int, **fields) -> None:
        if epoch != self.epoch:
            return  # a request from before a reset (a hang outliving its test) is not counted
        duration = round((time.monotonic() - started) * 1000.0, 2)
        self.requests.add(**entry, **fields, durationMs=duration)


def _call(route, request: Request, params: dict) -> Response:
    try:
        response = route.handler(request, **params)
    except errors.ApiError as error:
        return error_response(error)
    except Exception as error:  # noqa: BLE001 - e-conomic answers a 500 body, so do we
        log.exception("handler %s failed", route.name)
        return error_response(errors.ApiError(500, errors.error_body(
            500, "Internal server error.", f"Sandbox handler error: {error!r}")))
    if response.body is not None and not isinstance(response.body, bytes):
        response.body = clean(response.body)
    return response


def _injected(status: int) -> errors.ApiError:
    if status == 429:
        return errors.too_many_requests(1)
    return errors.server_error(status)


def error_response(error: errors.ApiError) -> Response:
    return Response(status=error.status, body=error.body, headers=dict(error.headers),
                    content_type=error.content_type)


def _send(response: Response, start_response):
    payload = response.payload()
    headers = [] if response.status == 204 else [("Content-Type", response.content_type)]
    headers += [(name, str(value)) for name, value in response.headers.items()]
    headers.append(("Content-Length", str(len(payload))))
    start_response(f"{response.status} {HTTPStatus(response.status).phrase}", headers)
    return [payload]
