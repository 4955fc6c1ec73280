"""A failed automatic export and a failed push each reach the error address as one alert with
its fix and link, resolved once the job is retried."""

from integration.models import Alert, AlertKind, ExportJob
from integration.services.exports import export_jobs_retry
from integration.tasks import export_job_task
from tests.exports.conftest import make_customer, make_invoice


def test_a_failed_automatic_export_and_its_customer_are_each_told_once(exporting, sandbox):
    exporting.auto_export = True
    exporting.error_email = "books@example.dk"
    exporting.save()
    customer = make_customer(name="Nordlys", address="", zip_code="", city="")
    invoice = make_invoice(customer)
    export_job_task(ExportJob.objects.get(kind="invoice", object_id=invoice.pk).pk)
    alerts = {alert.kind: alert for alert in Alert.objects.filter(resolved=None)}
    assert set(alerts) == {AlertKind.AUTOMATIC_EXPORT, AlertKind.PUSH}
    told = alerts[AlertKind.AUTOMATIC_EXPORT]
    assert "has no address, zip code, city" in told.text and "Retry" in told.fix
    job = ExportJob.objects.get(kind="invoice")
    assert told.url == f"/admin/integration/exportjob/{job.pk}/change/"
    export_jobs_retry(jobs=ExportJob.objects.all())
    assert not Alert.objects.filter(resolved=None).exists()
