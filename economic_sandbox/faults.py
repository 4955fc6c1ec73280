"""Faults the real network and e-conomic's servers produce, injected reproducibly.

Every decision comes from one `random.Random(seed)`, drawn in request order, so a run with the
same seed and the same sequence of requests sees the same faults. Faults apply to the product
API only, never to the control API.

Settings (CLI flags and `PUT /_sandbox/faults`):
* `latency_ms`, `jitter_ms`: every request waits latency + uniform(0, jitter) first.
* `error_500`, `error_503`, `error_429`: probabilities of answering that status at once,
  before anything else happens (nothing is applied). The 429 carries `Retry-After: 1`.
* `hang`: probability of a hang of `hang_seconds`; `hang_phase` "before" (the handler runs
  after the sleep) or "after" (the handler has run and committed); `hang_then` "answer" or
  "drop" (close the connection without an answer; with phase "before" nothing is applied).
* `drop_after_apply`: probability, for writes (not GET), of running the handler, committing,
  then resetting the connection without an answer: the ambiguous failure.
* `script`: a queue of one-off faults used before the random ones, each
  `{"fault": "500"|"503"|"429"|"hang"|"drop_after_apply", "method": "POST", "path": "/customers"}`
  (method and path prefix optional: the first request that matches consumes the entry).
"""
from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field, fields

KINDS = ("500", "503", "429", "hang", "drop_after_apply")


@dataclass
class FaultConfig:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_500: float = 0.0
    error_503: float = 0.0
    error_429: float = 0.0
    hang: float = 0.0
    hang_seconds: float = 5.0
    hang_phase: str = "before"
    hang_then: str = "answer"
    drop_after_apply: float = 0.0
    script: list[dict] = field(default_factory=list)

    def updated(self, changes: dict) -> FaultConfig:
        """A copy with `changes` applied; ValueError for unknown keys or bad values."""
        names = {item.name for item in fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ValueError(f"Unknown fault settings: {', '.join(unknown)}.")
        config = FaultConfig(**{**asdict(self), **changes})
        config.check()
        return config

    def check(self) -> None:
        for name in ("error_500", "error_503", "error_429", "hang", "drop_after_apply"):
            if not 0.0 <= float(getattr(self, name)) <= 1.0:
                raise ValueError(f"{name} is a probability between 0 and 1.")
        if self.hang_phase not in ("before", "after") or self.hang_then not in ("answer", "drop"):
            raise ValueError("hang_phase is 'before' or 'after'; hang_then 'answer' or 'drop'.")
        for entry in self.script:
            if entry.get("fault") not in KINDS:
                raise ValueError(f"A scripted fault is one of {', '.join(KINDS)}.")


@dataclass(frozen=True)
class Decision:
    """What happens to one request."""

    delay_seconds: float = 0.0
    status: int | None = None  # answer this error at once
    hang: bool = False
    drop_after_apply: bool = False

    @property
    def name(self) -> str:
        """For the request log: the injected fault, or "" when none."""
        if self.status:
            return str(self.status)
        if self.hang:
            return "hang"
        return "drop_after_apply" if self.drop_after_apply else ""


class Faults:
    def __init__(self, seed: int | None = 0, config: FaultConfig | None = None):
        self.seed = seed
        self.random = random.Random(seed)
        self.config = config or FaultConfig()
        self.lock = threading.Lock()

    def configure(self, config: FaultConfig, *, reseed: bool = True) -> None:
        """New settings; by default the random sequence restarts from the seed, so a test that
        sets faults sees the same sequence every run."""
        with self.lock:
            self.config = config
            if reseed:
                self.random = random.Random(self.seed)

    def decide(self, method: str, path: str) -> Decision:
        with self.lock:
            config = self.config
            delay = config.latency_ms / 1000.0
            if config.jitter_ms:
                delay += self.random.uniform(0, config.jitter_ms) / 1000.0
            scripted = self._scripted(method, path)
            kind = scripted or self._random_kind(config, writes=method not in ("GET", "HEAD"))
        if kind in ("500", "503", "429"):
            return Decision(delay, status=int(kind))
        return Decision(delay, hang=kind == "hang", drop_after_apply=kind == "drop_after_apply")

    def _scripted(self, method: str, path: str) -> str | None:
        for index, entry in enumerate(self.config.script):
            if entry.get("method", method).upper() != method:
                continue
            if not path.startswith(entry.get("path", "")):
                continue
            del self.config.script[index]
            return entry["fault"]
        return None

    def _random_kind(self, config: FaultConfig, *, writes: bool) -> str | None:
        """One draw per kind with a non-zero probability, in a fixed order."""
        chances = [("500", config.error_500), ("503", config.error_503),
                   ("429", config.error_429), ("hang", config.hang)]
        if writes:
            chances.append(("drop_after_apply", config.drop_after_apply))
        for kind, probability in chances:
            if probability and self.random.random() < probability:
                return kind
        return None

    def snapshot(self) -> dict:
        with self.lock:
            return {"seed": self.seed, **asdict(self.config)}
