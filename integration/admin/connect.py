"""The connection list's "Connect with e-conomic": a name and an endpoint, then e-conomic's own
installation page, then back here with the grant token (`integration/services/connect.py`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from integration.models import Connection
from integration.models.connection import endpoint_choices
from integration.services.connect import ConnectRefused, connect_begin, connect_finish


class ConnectForm(forms.Form):
    name = forms.CharField(max_length=100, initial="e-conomic",
                           label=gettext_lazy("Name of the connection"))  # fmt: skip
    endpoint = forms.ChoiceField(choices=endpoint_choices, label="e-conomic")


class ConnectWithEconomic:
    """Two admin views for ConnectionAdmin: begin (the form) and the callback."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("connect/", wrap(self.connect_view), name="integration_connection_connect"),
            path("connect/back/", wrap(self.connect_back_view),
                 name="integration_connection_connect_back"),
        ] + super().get_urls()  # fmt: skip

    def connect_view(self, request):
        connection = self._reconnected(request)
        bound = request.POST if request.method == "POST" else None
        form = ConnectForm(bound, initial=_initial(connection))
        if connection is not None:
            form.fields["name"].disabled = form.fields["endpoint"].disabled = True
        if request.method == "POST" and form.is_valid():
            callback = request.build_absolute_uri(
                reverse("admin:integration_connection_connect_back")
            )
            try:
                return redirect(connect_begin(
                    session=request.session, endpoint=form.cleaned_data["endpoint"],
                    name=form.cleaned_data["name"], callback_url=callback,
                    language=get_language() or "da", connection=connection,
                ))  # fmt: skip
            except ConnectRefused as refused:
                form.add_error(None, str(refused))
        context = {
            **self.admin_site.each_context(request),
            "title": (
                _("Reconnect %(connection)s") % {"connection": connection}
                if connection
                else _("Connect with e-conomic")
            ),
            "opts": self.model._meta,
            "form": form,
            "connection": connection,
        }
        response = TemplateResponse(request, "admin/integration/connection/connect.html", context)
        # The form's answer is a redirect to e-conomic's installation page, and a browser holds
        # a redirect after a form to the page's form-action: without e-conomic's origin there,
        # the Content-Security-Policy stops the browser on our own page.
        response._csp_update = {"form-action": _installation_origins()}
        return response

    def connect_back_view(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        token = request.GET.get("token") or request.GET.get("grant_token") or ""
        try:
            connected = connect_finish(
                session=request.session, state=request.GET.get("state", ""), token=token.strip()
            )
        except ConnectRefused as refused:
            messages.error(request, str(refused))
            return redirect("admin:integration_connection_changelist")
        connection = connected.connection
        if connected.tested:
            messages.success(request, _(
                "Connected to %(company)s (agreement %(agreement)s). Here is what stands before "
                "the first export."
            ) % {"company": connection.company_name, "agreement": connection.agreement_number})
        else:
            messages.error(request, _(
                "The grant token is kept, but e-conomic did not accept it: %(error)s"
            ) % {"error": connection.test_error})
        return redirect("admin:integration_connection_setup_check", connection.pk)

    def _reconnected(self, request) -> Connection | None:
        pk = request.GET.get("connection", "")
        if not pk:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        if not pk.isdigit():
            raise PermissionDenied
        connection = get_object_or_404(Connection, pk=int(pk))
        if not self.has_change_permission(request, connection):
            raise PermissionDenied
        return connection


def _installation_origins() -> list[str]:
    """The origins of the installation pages of the endpoints this installation may reach."""
    pages = (each.get("install_url") for each in settings.ECONOMIC_ENDPOINTS.values())
    return sorted({f"{url.scheme}://{url.netloc}" for url in map(urlsplit, filter(None, pages))})


def _initial(connection: Connection | None) -> dict:
    if connection is None:
        return {}
    return {"name": connection.name, "endpoint": connection.endpoint}
