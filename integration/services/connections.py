"""Connections: the client for one, and "Test connection"."""

from __future__ import annotations

import math

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from integration.bucket_store import bucket_settings, endpoint_costs, shared_bucket
from integration.crypto import UnreadableSecret
from integration.economic.client import CallRecord, EconomicClient
from integration.economic.errors import EconomicError
from integration.models import AlertKind, ApiCall, Connection, ExportRun, PaymentImport
from integration.services.alerts import admin_url, alert_raise, alert_resolve
from integration.services.budget import Spender, agreement_key, budget_watch

PROJECTS_MODULE = "Projektstyring"
GRANT_ALERT_KEY = "agreement grant"


class ConnectionNotReady(Exception):
    """The connection lacks what any call needs (a grant token, an app token)."""


class ApiCallLog:
    """Keeps each call as an ApiCall row (the client itself knows no models), tied to the export
    run or payment import it was made for, so calls are counted per run. `held`: the rows wait
    in memory for `flush()`, one INSERT for many, which the outbox's worker makes as it records
    the jobs they were for (see exports/answered.py); a refused grant is told at once still."""

    def __init__(
        self, *, connection: Connection, purpose: str = "",
        export_run: ExportRun | None = None, payment_import: PaymentImport | None = None,
        held: bool = False,
    ) -> None:  # fmt: skip
        self.connection, self.purpose, self.held = connection, purpose, held
        self.export_run, self.payment_import = export_run, payment_import
        self.rows: list[ApiCall] = []

    def __call__(self, call: CallRecord) -> None:
        if call.status in (401, 403):
            grant_refused_alert(connection=self.connection, status=call.status, error=call.error)
        row = ApiCall(
            connection=self.connection, method=call.method, path=call.path[:500],
            status=call.status, duration_ms=call.duration_ms, cost=call.cost,
            idempotency_key=call.idempotency_key, from_cache=call.from_cache, error=call.error,
            purpose=self.purpose, export_run=self.export_run, payment_import=self.payment_import,
        )  # fmt: skip
        if self.held:
            self.rows.append(row)
        else:
            row.save(force_insert=True)

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if rows:
            ApiCall.objects.bulk_create(rows)


def grant_refused_alert(*, connection: Connection, status: int, error: str) -> None:
    """e-conomic refused the agreement's grant (401) or the app's rights on it (403): nothing
    for the agreement can succeed until a person acts. Closed by a Test connection that works."""
    alert_raise(
        connection=connection, kind=AlertKind.REVOKED_GRANT, key=GRANT_ALERT_KEY,
        text=_("e-conomic refused the agreement grant (HTTP %(status)s): %(error)s") % {
            "status": status,
            "error": error or _("the grant was revoked or the token is wrong"),
        },
        fix=_("In e-conomic, check that the app is still granted on the agreement with the roles "
              "it asks for (grant it again if it was removed); paste the new grant token on the "
              "connection, then run Test connection."),
        url=admin_url("integration_connection_change", connection.pk),
    )  # fmt: skip


@sensitive_variables("endpoint")  # it holds the app secret token
def connection_client(
    *, connection: Connection, purpose: str = "", spender: str = Spender.ESSENTIAL,
    for_jobs: bool = False,
) -> EconomicClient:  # fmt: skip
    """The client for a connection: its endpoint from the allowlist, its agreement's shared
    bucket and day's budget (a read waits when the day's calls run low), its calls recorded.
    `for_jobs`: the outbox's work, which is held back rather than kept waiting for tokens."""
    endpoint = connection.endpoint_config
    if connection.endpoint not in settings.ECONOMIC_ENDPOINTS:
        raise ConnectionNotReady(_(
            "Connection '%(connection)s' uses the endpoint '%(endpoint)s', which this "
            "installation does not offer (the local sandbox needs ECONOMIC_SANDBOX=true, for "
            "development only): choose Visma e-conomic on the connection."
        ) % {"connection": connection.name, "endpoint": connection.endpoint})
    if not connection.grant_token:
        raise ConnectionNotReady(_(
            "Connection '%(connection)s' has no agreement grant token: paste the token the "
            "agreement's administrator got when adding the app."
        ) % {"connection": connection.name})
    if isinstance(connection.grant_token, UnreadableSecret):
        raise ConnectionNotReady(_("Connection '%(connection)s': %(reason)s") % {
            "connection": connection.name, "reason": connection.grant_token.reason
        })
    if not endpoint["app_secret_token"]:
        raise ConnectionNotReady(_(
            "No app secret token is configured for '%(endpoint)s': set it in the environment "
            "(ECONOMIC_APP_SECRET_TOKEN) and restart."
        ) % {"endpoint": endpoint["label"]})
    return EconomicClient(
        rest_url=endpoint["rest_url"],
        openapi_url=endpoint["openapi_url"],
        app_secret_token=endpoint["app_secret_token"],
        grant_token=connection.grant_token,
        timeout=settings.ECONOMIC_TIMEOUT,
        proxies_from_environment=settings.ECONOMIC_PROXY_FROM_ENVIRONMENT,
        rate_limiter=shared_bucket(
            agreement_key(connection=connection), essential=spender == Spender.ESSENTIAL,
            longest_wait=bucket_settings().longest_wait if for_jobs else math.inf,
            on_take=budget_watch(connection=connection),
        ),  # fmt: skip
        costs=endpoint_costs(),
        recorder=ApiCallLog(connection=connection, purpose=purpose),
    )


def _connected_already(connection: Connection, agreement_number) -> Connection | None:
    """Another connection to the same agreement: one agreement, one connection."""
    others = Connection.objects.exclude(pk=connection.pk)
    return others.filter(agreement_number=agreement_number).first() if agreement_number else None


def connection_test(*, connection: Connection, client: EconomicClient | None = None) -> bool:
    """Read /self and keep what it says of the agreement. Returns whether the tokens work;
    the reason for a failure is kept in `test_error`."""
    try:
        client = client or connection_client(connection=connection, purpose="test connection")
        answer = client.self_get()
    except (EconomicError, ConnectionNotReady) as error:
        connection.test_error = str(error)
        connection.tested_at = timezone.now()
        connection.save(update_fields=["test_error", "tested_at"])
        return False
    twin = _connected_already(connection, answer.get("agreementNumber"))
    if twin is not None:
        connection.test_error = _(
            "Agreement %(agreement)s is connected already as '%(connection)s': use that "
            "connection, or delete it before connecting the agreement again."
        ) % {"agreement": twin.agreement_number, "connection": twin.name}
        connection.tested_at = timezone.now()
        connection.save(update_fields=["test_error", "tested_at"])
        return False
    connection.agreement_number = answer.get("agreementNumber")
    connection.company_name = answer.get("company", {}).get("name", "")
    connection.base_currency = answer.get("settings", {}).get("baseCurrency", "")
    connection.modules = [
        {"number": module.get("moduleNumber"), "name": module.get("name")}
        for module in answer.get("modules", [])
    ]
    connection.required_roles = [
        role.get("name") for role in answer.get("application", {}).get("requiredRoles", [])
    ]
    connection.tested_at = timezone.now()
    connection.test_error = ""
    connection.save()
    alert_resolve(connection=connection, kind=AlertKind.REVOKED_GRANT, key=GRANT_ALERT_KEY)
    return True
