from django import template

from integration.models import Connection
from integration.services.budget import budget_usage

register = template.Library()


@register.inclusion_tag("admin/integration/budget_dashboard.html")
def budget_dashboard_panel():
    """Each active connection's API calls of the UTC day against its agreement's limit."""
    connections = Connection.objects.filter(active=True).order_by("name")
    return {"budgets": [(connection, budget_usage(connection=connection))
                        for connection in connections]}  # fmt: skip
