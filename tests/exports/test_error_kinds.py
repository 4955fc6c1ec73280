"""A job keeps the kind of its error as the client names it, and only a kind the code knows."""

import pytest
from django.db import IntegrityError
from django.utils import timezone

from integration.economic.errors import (
    ConfigurationError,
    EconomicError,
    PermanentError,
    TransientError,
)
from integration.models import ErrorKind, ExportJob, JobKind


def test_the_job_kinds_are_the_kinds_of_the_clients_errors():
    kinds = {error.kind for error in (EconomicError, TransientError, PermanentError,
                                      ConfigurationError)}  # fmt: skip
    # Besides them, a job held back for budget (HeldBack, a transient error) says so.
    assert kinds | {ErrorKind.BUDGET} == set(ErrorKind.values)


def test_a_job_with_an_unknown_error_kind_is_refused(exporting):
    with pytest.raises(IntegrityError):
        ExportJob.objects.create(
            connection=exporting, kind=JobKind.CUSTOMER, object_id=1, key="lb-test",
            reference="LB-CUS-1", not_before=timezone.now(), error_kind="fatal",
        )  # fmt: skip
