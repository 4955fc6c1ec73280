"""A grant e-conomic refuses (401) reaches the error address; a Test connection that works
again closes the alert."""

from integration.models import Alert, AlertKind
from integration.services.connections import connection_test


def test_a_refused_grant_is_told_and_a_working_test_connection_resolves_it(
    sandbox_connection, sandbox
):
    sandbox_connection.grant_token = "a-grant-the-agreement-revoked"
    sandbox_connection.save()
    assert not connection_test(connection=sandbox_connection)
    [alert] = Alert.objects.filter(resolved=None)
    assert alert.kind == AlertKind.REVOKED_GRANT and "HTTP 401" in alert.text
    assert "a-grant-the-agreement-revoked" not in alert.text + alert.fix
    assert alert.url == f"/admin/integration/connection/{sandbox_connection.pk}/change/"
    sandbox_connection.grant_token = sandbox.grant_token
    sandbox_connection.save()
    assert connection_test(connection=sandbox_connection)
    assert not Alert.objects.filter(resolved=None).exists()
