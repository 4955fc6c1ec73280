"""A payment import that stops reaches the error address as one alert, closed by the next
import that finishes."""

from integration.models import Alert, AlertKind, Connection, ImportState
from integration.models.connection import PaymentSync
from integration.services.payments import payments_import


def test_a_stopped_import_is_told_once_and_the_next_finished_one_resolves_it(db):
    connection = Connection.objects.create(name="No token", endpoint="sandbox")
    for _ in range(2):
        run = payments_import(connection=connection)
        assert run.state == ImportState.FAILED
    [alert] = Alert.objects.filter(resolved=None)
    assert alert.kind == AlertKind.PAYMENT_IMPORT
    assert "has no agreement grant token" in alert.text and "Import payments now" in alert.fix
    assert alert.url == f"/admin/integration/paymentimport/{run.pk}/change/"
    connection.payment_sync = PaymentSync.OFF
    connection.save()
    assert payments_import(connection=connection).state == ImportState.DONE
    assert not Alert.objects.filter(resolved=None).exists()
