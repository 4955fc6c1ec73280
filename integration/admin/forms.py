from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from integration.crypto import encryption_problem
from integration.economic.transport import sendable_token
from integration.models import Connection
from integration.models.connection import endpoint_choices


class ConnectionForm(forms.ModelForm):
    """The grant token is write-only: the field is always empty, and leaving it empty keeps the
    stored token. It is never rendered back into the page."""

    endpoint = forms.ChoiceField(choices=endpoint_choices)
    new_grant_token = forms.CharField(
        label=gettext_lazy("Agreement grant token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=gettext_lazy(
            "Paste the token shown when the agreement added the app. Leave empty to keep "
            "the stored one."
        ),
    )

    class Meta:
        model = Connection
        # Every setting but the stored token, which only `new_grant_token` writes.
        fields = [
            "name", "endpoint", "active", "export_method", "voucher_journal_number",
            "number_policy", "include_pdf", "push_on_change", "sync_projects", "field_policy",
            "payment_sync", "payments_since", "error_email", "default_product_number",
            "default_layout_number", "default_payment_terms_number", "default_vat_zone_number",
            "default_customer_group_number",
        ]  # fmt: skip

    def clean_new_grant_token(self) -> str:
        token = self.cleaned_data["new_grant_token"]
        if token and not sendable_token(token):
            # HTTP headers carry Latin-1 at most, and e-conomic's tokens are plain letters and
            # digits: a pasted "€" or a line break is a copying accident.
            raise forms.ValidationError(_(
                "The token holds a character that is not a plain letter, digit or sign (a "
                "pasted space, line break or symbol such as €). Copy the token again from "
                "e-conomic and paste only the token."
            ))
        if token and encryption_problem():
            raise forms.ValidationError(
                _("The token cannot be stored: %(problem)s") % {"problem": encryption_problem()}
            )
        return token

    def clean(self):
        cleaned = super().clean()
        has_token = bool(self.instance.pk and self.instance.grant_token)
        if not cleaned.get("new_grant_token") and not has_token:
            if "new_grant_token" not in self.errors:
                self.add_error(
                    "new_grant_token", _("A new connection needs the agreement grant token.")
                )
        return cleaned

    def save(self, commit=True):
        if self.cleaned_data.get("new_grant_token"):
            self.instance.grant_token = self.cleaned_data["new_grant_token"]
            # The last test spoke of the old token: the new one is untested until tested.
            self.instance.tested_at = None
            self.instance.test_error = ""
        return super().save(commit=commit)
