from django import template

from integration.services.workspace import work_overview

register = template.Library()

# What the panel counts: invoices, their export jobs and runs, per connection.
WORK_PERMISSIONS = ("accounts_app.view_invoice", "integration.view_exportjob")


@register.inclusion_tag("admin/integration/work_dashboard.html", takes_context=True)
def work_dashboard_panel(context):
    """The work of each connection, for a user who may see what it counts; nothing otherwise."""
    user = context["request"].user
    if not user.has_perms(WORK_PERMISSIONS):
        return {"work": None}
    return {
        "work": work_overview(),
        "may_view_findings": user.has_perm("integration.view_reconcilefinding"),
        "may_view_imports": user.has_perm("integration.view_paymentimport"),
    }
