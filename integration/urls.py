from django.urls import path

from integration import views
from integration.logredact import redact_webhook_secrets

# Loaded with the URLconf, before any request is answered or logged.
redact_webhook_secrets()

app_name = "integration"

urlpatterns = [
    path(
        "economic/webhooks/<int:connection_id>/<str:secret>/",
        views.economic_webhook,
        name="economic-webhook",
    ),
]
