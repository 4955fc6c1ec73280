"""A small router: `@router.route("GET", "/customers/{customerNumber:int}", cost=1)`.

Each resource module has its own `Router`; the app merges them. A handler is called as
`handler(request, **path_params)` and returns a `Response` (or raises `ApiError`). The route's
name ("GET /customers/{customerNumber}") keys the per-endpoint cost of the rate limit and the
request log.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from economic_sandbox import errors
from economic_sandbox.http import Request, Response

Handler = Callable[..., Response]

_PARAM = re.compile(r"\{(\w+)(?::(int|str|path))?\}")
_CONVERTERS = {"int": (r"-?\d+", int), "str": (r"[^/]+", str), "path": (r".+", str)}


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    regex: re.Pattern
    converters: dict[str, Callable]
    handler: Handler
    cost: float | None  # None: the app's default cost for the method

    @property
    def name(self) -> str:
        return f"{self.method} {_PARAM.sub(lambda m: '{' + m.group(1) + '}', self.pattern)}"


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def route(self, method: str, pattern: str, *, cost: float | None = None):
        def register(handler: Handler) -> Handler:
            self.add(method, pattern, handler, cost=cost)
            return handler

        return register

    def add(self, method: str, pattern: str, handler: Handler, *, cost: float | None = None):
        converters: dict[str, Callable] = {}

        def replace(match: re.Match) -> str:
            regex, convert = _CONVERTERS[match.group(2) or "str"]
            converters[match.group(1)] = convert
            return f"(?P<{match.group(1)}>{regex})"

        regex = re.compile("^" + _PARAM.sub(replace, pattern.rstrip("/") or "/") + "/?$")
        self.routes.append(Route(method.upper(), pattern, regex, converters, handler, cost))

    def include(self, other: Router) -> None:
        self.routes.extend(other.routes)

    def resolve(self, method: str, path: str) -> tuple[Route, dict]:
        """The route and converted path parameters; 404 for an unknown path, 405 for a known
        path with another method."""
        path_matched = False
        for route in self.routes:
            match = route.regex.match(path)
            if not match:
                continue
            path_matched = True
            if route.method == method:
                params = {
                    key: route.converters[key](value) for key, value in match.groupdict().items()
                }
                return route, params
        if path_matched:
            raise errors.method_not_allowed(method)
        raise errors.not_found()

    def dispatch(self, request: Request) -> Response:
        route, params = self.resolve(request.method, request.path)
        request.route_name = route.name
        return route.handler(request, **params)
