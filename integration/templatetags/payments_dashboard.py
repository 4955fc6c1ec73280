from django import template

from integration.services.payments.dashboard import payments_dashboard

register = template.Library()

# What the panel shows: the ledger's money, and a link to the last import.
DASHBOARD_PERMISSIONS = ("accounts_app.view_invoice", "accounts_app.view_payment")


@register.inclusion_tag("admin/integration/payments_dashboard.html", takes_context=True)
def payments_dashboard_panel(context):
    """The panel for a user who may see the invoices and payments it sums; nothing otherwise
    (staff status alone opens the admin index, not the ledger)."""
    user = context["request"].user
    if not user.has_perms(DASHBOARD_PERMISSIONS):
        return {"dashboard": None}
    return {
        "dashboard": payments_dashboard(),
        "may_view_imports": user.has_perm("integration.view_paymentimport"),
    }
