from django import template

from integration.services.payments.dashboard import payments_dashboard

register = template.Library()


@register.inclusion_tag("admin/integration/payments_dashboard.html")
def payments_dashboard_panel():
    return {"dashboard": payments_dashboard()}
