"""Money on the export screens: always with its currency, in the ledger's money format."""

from django import template

from accounts_app.money import money_display

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    """`{{ line.net|money:invoice.currency }}`: "1.234,56 DKK"."""
    return "—" if amount is None or amount == "" else money_display(amount, currency)
