"""The endpoint e-conomic's classic webhooks call (POST without a body; GET also accepted)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from integration.services.payments import payment_webhook_find, payment_webhook_receive


@csrf_exempt
@require_http_methods(["GET", "POST"])
def economic_webhook(request, connection_id: int, secret: str) -> HttpResponse:
    """A wrong secret is a 404, as if the URL did not exist, and queues nothing."""
    webhook = payment_webhook_find(connection_id=connection_id, secret=secret)
    if webhook is None or not webhook.connection.active:
        raise Http404
    queued = payment_webhook_receive(
        webhook=webhook,
        event=request.GET.get("event", ""),
        invoice_number=request.GET.get("invoice", ""),
    )
    # 200 even when rate limited: e-conomic retries failures, and a retry would not help.
    return HttpResponse("queued" if queued else "rate limited", content_type="text/plain")
