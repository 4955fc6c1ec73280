"""Payments: entered through payment_register, removed through payment_delete, never edited."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts_app.admin.widgets import KeyBoundedAutocompleteMixin
from accounts_app.errors import PaymentError
from accounts_app.models import Payment
from accounts_app.money import Money
from accounts_app.services import payment_check, payment_delete, payment_register


class PaymentForm(forms.ModelForm):
    """A payment entered by hand. Its source is always "entered by hand": one that came from
    e-conomic or an import arrives through them, never typed in as if it had."""

    class Meta:
        model = Payment
        fields = ["invoice", "date", "amount", "external_reference"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            payment_check(
                invoice=cleaned["invoice"],
                amount=cleaned["amount"],
                source=Payment.Source.MANUAL,
                external_reference=cleaned.get("external_reference", ""),
                date=cleaned["date"],
            )
        except PaymentError as error:
            raise ValidationError(error.message) from error
        return cleaned


@admin.register(Payment)
class PaymentAdmin(KeyBoundedAutocompleteMixin, admin.ModelAdmin):
    form = PaymentForm
    list_display = ["invoice", "customer", "date", "amount_shown", "source", "external_reference"]
    list_filter = ["source", "date"]
    search_fields = ["=invoice__number", "invoice__customer__name", "external_reference"]
    # An invoice names its kind from credited_invoice_id alone, so only its customer is joined.
    list_select_related = ["invoice__customer"]
    autocomplete_fields = ["invoice"]
    date_hierarchy = "date"
    # A filtered list says "n results" without a second count of every payment.
    show_full_result_count = False

    @admin.display(description=_("customer"), ordering="invoice__customer__name")
    def customer(self, payment: Payment):
        return payment.invoice.customer

    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, payment: Payment) -> str:
        return str(Money(payment.amount, payment.invoice.currency))

    def get_fields(self, request, obj=None):
        # A recorded payment shows where it came from; a new one is always entered by hand.
        fields = PaymentForm.Meta.fields
        return [*fields, "source"] if obj else fields

    def has_change_permission(self, request, obj=None):
        # A payment is a record of money received: remove a wrong one and enter it again.
        return False

    def save_model(self, request, obj, form, change):
        registered = payment_register(
            invoice=obj.invoice,
            date=obj.date,
            amount=obj.amount,
            source=Payment.Source.MANUAL,
            external_reference=obj.external_reference,
        )
        obj.pk = registered.pk

    def delete_model(self, request, obj):
        payment_delete(payment=obj)

    def delete_queryset(self, request, queryset):
        for payment in queryset:
            payment_delete(payment=payment)
