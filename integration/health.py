"""The health endpoint for monitors (django-health-check): the database, the task broker, a
worker seen within two minutes, the last payment import under 26 hours old, no job in flight
past its lease, reference data under two days old.

Anyone gets the verdict alone (200 "ok" or 500 "failing"), which is all a monitor needs; staff
signed in get each check with its reason. The checks read through Django's ORM on the request's
own thread (`sync_to_async`, thread-sensitive), where the request's database connection is.
"""

from __future__ import annotations

import asyncio
import dataclasses

from asgiref.sync import sync_to_async
from django.http import JsonResponse
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from integration.services import health


@dataclasses.dataclass
class LedgerCheck(HealthCheck):
    problem = staticmethod(lambda: "")

    async def run(self) -> None:
        problem = await sync_to_async(type(self).problem)()
        if problem:
            raise ServiceUnavailable(problem)


@dataclasses.dataclass
class Broker(LedgerCheck):
    problem = staticmethod(health.broker_problem)


@dataclasses.dataclass
class WorkerSeen(LedgerCheck):
    problem = staticmethod(health.worker_problem)


@dataclasses.dataclass
class PaymentImportRecent(LedgerCheck):
    problem = staticmethod(health.payment_import_problem)


@dataclasses.dataclass
class NoJobPastLease(LedgerCheck):
    problem = staticmethod(health.lease_problem)


@dataclasses.dataclass
class ReferenceDataFresh(LedgerCheck):
    problem = staticmethod(health.reference_problem)


class LedgerHealthView(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        Broker,
        WorkerSeen,
        PaymentImportRecent,
        NoJobPastLease,
        ReferenceDataFresh,
    )

    async def get(self, request, *args, **kwargs):
        user = await request.auser()
        if user.is_active and user.is_staff:
            return await super().get(request, *args, **kwargs)
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        failing = any(result.error for result in results)
        return JsonResponse(
            {"status": "failing" if failing else "ok"}, status=500 if failing else 200
        )
