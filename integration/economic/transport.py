"""The transport under the e-conomic client: a session that refuses a call without a timeout and
retries reads only, and the one place where an answer's status code or a transport failure
becomes an `EconomicError` of the right kind (with `ambiguous` set when a write may have been
applied). https://restdocs.e-conomic.com/
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import requests
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.util.retry import Retry

from integration.economic import errors

# e-conomic's tokens are printable ASCII without spaces; an HTTP header cannot carry more than
# Latin-1, and anything else in a token is a copying accident (a pasted "€", a line break).
TOKEN_CHARACTERS = re.compile(r"[!-~]*")


def sendable_token(token: str) -> bool:
    """Whether a token can go into a request header as e-conomic issues them."""
    return bool(TOKEN_CHARACTERS.fullmatch(token))


def token_error(headers: dict[str, str]) -> errors.ConfigurationError | None:
    """The error for a token that cannot be sent (instead of http.client's UnicodeEncodeError
    from deep inside the call), or None. The message never quotes the token."""
    if not sendable_token(headers["X-AgreementGrantToken"]):
        return errors.ConfigurationError(_(
            "The agreement grant token holds a character that is not a plain letter, digit or "
            "sign (a pasted space, line break or symbol such as €): paste the token again on "
            "the connection."
        ))
    if not sendable_token(headers["X-AppSecretToken"]):
        return errors.ConfigurationError(_(
            "The app secret token holds a character that is not a plain letter, digit or sign: "
            "set ECONOMIC_APP_SECRET_TOKEN again and restart."
        ))
    return None


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


class TimeoutSession(requests.Session):
    """A session that will not send a request without a timeout: one hung call must not hang a
    worker forever. It keeps no cookies (one session serves every agreement of a process, and
    e-conomic's API sets none), and reads the environment's proxy settings once per host."""

    def __init__(self) -> None:
        super().__init__()
        self.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        # e-conomic takes its tokens in headers: a ~/.netrc entry for its host must never add
        # Basic auth, which requests would look up (files on disk) on every call.
        self.auth = _no_auth
        self._environment: dict[tuple[str, str], dict[str, Any]] = {}

    def request(self, method, url, *args, **kwargs):
        if kwargs.get("timeout") is None:
            raise ValueError(f"Refusing to call {method} {url} without a timeout.")
        return super().request(method, url, *args, **kwargs)

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        # requests reads HTTP(S)_PROXY, NO_PROXY and the CA bundle variables from os.environ on
        # every call (two scans of the whole environment, a fair part of a call's CPU): they
        # are read on the first call to a host and kept, so a change to them takes a restart.
        if proxies or stream is not None or verify is not None or cert is not None:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        host = urlsplit(url)[:2]
        if host not in self._environment:
            self._environment[host] = super().merge_environment_settings(
                url, {}, None, None, None
            )
        found = self._environment[host]
        return {**found, "proxies": dict(found["proxies"])}


# e-conomic's bucket fills in 60 seconds (ADDENDUM, "Rate-limit headers"): a 429 that asks for
# longer is not the bucket but the day's fair use, and waits for the next UTC midnight.
BUCKET_WINDOW_SECONDS = 60.0


class BoundedRetry(Retry):
    """urllib3's retries, except that a 429 asking for longer than the bucket takes to fill is
    given back at once: urllib3 would sleep it out, hours holding a worker."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None,
                  _stacktrace=None):  # fmt: skip
        if response is not None and daily_cap(response.status, response.headers):
            raise MaxRetryError(_pool, url, "the agreement's daily calls are used up")
        return super().increment(method, url, response, error, _pool, _stacktrace)


def daily_cap(status: int, headers) -> bool:
    """Whether an answer is e-conomic's daily fair-use cap rather than the bucket."""
    if status != 429:
        return False
    try:
        return float(headers.get("Retry-After", "")) > BUCKET_WINDOW_SECONDS
    except ValueError:
        return False


def build_session(
    retries: int = 3, backoff: float = 0.5, *, proxies_from_environment: bool = True
) -> TimeoutSession:
    """The session a client sends with: reads retried with backoff, writes sent once; the
    environment's proxy settings (HTTPS_PROXY, NO_PROXY) apply unless told otherwise."""
    retry = BoundedRetry(
        total=retries,
        connect=retries,  # nothing was sent yet, so any method may try again
        read=retries,
        status=retries,
        allowed_methods=frozenset({"GET"}),  # read and status retries: GET only
        status_forcelist=(429, 500, 502, 503, 504),
        backoff_factor=backoff,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = TimeoutSession()
    session.trust_env = proxies_from_environment
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=8)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


_sessions = threading.local()


def shared_session(base_url: str, *, proxies_from_environment: bool = True) -> TimeoutSession:
    """This process's session for one base URL, made on first use: every client of the process
    sends through it, so its pooled connections are kept alive from call to call instead of a
    new TCP connection (and a new session) per call. One per thread as well, since a requests
    session is not made to be shared by threads; and made again in a forked child, which must
    not write to its parent's sockets."""
    key = (os.getpid(), base_url, proxies_from_environment)
    sessions = getattr(_sessions, "by_key", None)
    if sessions is None:
        sessions = _sessions.by_key = {}
    if key not in sessions:
        sessions[key] = build_session(proxies_from_environment=proxies_from_environment)
    return sessions[key]


def retry_after(response: requests.Response) -> float | None:
    """The seconds of a Retry-After header, or None when there is none or it is not a number."""
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def charged_cost(response: requests.Response | None, estimated: float) -> float:
    """What the call cost as e-conomic says (`X-CallCost`), else what we estimated."""
    try:
        return float(response.headers["X-CallCost"])
    except (AttributeError, KeyError, TypeError, ValueError):
        return estimated


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def status_error(method: str, response: requests.Response) -> errors.EconomicError:
    """The error that an answer with a status of 400 or above stands for."""
    status = response.status_code
    body = _json_or_none(response)
    message = errors.describe(body, status)
    code = (body or {}).get("errorCode", "") if isinstance(body, dict) else ""
    details = {"status": status, "code": code or "", "body": body}
    if status == 401:
        return errors.ConfigurationError(
            _("e-conomic refused the tokens (HTTP 401): %(message)s Check the agreement grant "
              "token and the app secret token, or ask the agreement to grant access again.")
            % {"message": message},
            **details,
        )
    if status == 403:
        return errors.ConfigurationError(
            _("e-conomic refused the call (HTTP 403): %(message)s The app's role or a module of "
              "the agreement does not allow it.") % {"message": message},
            **details,
        )
    if status == 404:
        return errors.NotFoundError(message, **details)
    if daily_cap(status, response.headers):
        # Retry-After is in whole seconds, rounded up: the day opens on the second before.
        resume_at = float(math.floor(time.time() + float(response.headers["Retry-After"])))
        return errors.DailyCapReached(
            _("%(message)s e-conomic's daily limit of calls for this agreement is used up: "
              "paused until %(time)s UTC.")
            % {"message": message, "time": time.strftime("%H:%M", time.gmtime(resume_at))},
            resume_at=resume_at, retry_after=retry_after(response), **details,
        )  # fmt: skip
    if status == 429:
        return errors.TransientError(message, retry_after=retry_after(response), **details)
    if status >= 500:
        return errors.TransientError(
            _("e-conomic had a server error (HTTP %(status)s): %(message)s")
            % {"status": status, "message": message},
            ambiguous=method != "GET",
            **details,
        )
    return errors.PermanentError(message, **details)


def _never_sent(error: requests.RequestException) -> bool:
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError) or isinstance(
        error.args[0] if error.args else None, NewConnectionError
    )


def transport_error(method: str, error: requests.RequestException) -> errors.TransientError:
    """The error for a call that got no answer; ambiguous when a write may have been applied."""
    sent = not _never_sent(error)
    said = (
        _("e-conomic did not answer in time (%(error)s).")
        if isinstance(error, requests.Timeout)
        else _("e-conomic could not be reached (%(error)s).")
    )
    if (
        sent
        and isinstance(error, requests.ConnectionError)
        and not isinstance(error, requests.Timeout)
    ):
        said = _("e-conomic dropped the connection (%(error)s).")
    return errors.TransientError(
        said % {"error": type(error).__name__}, ambiguous=sent and method != "GET"
    )
