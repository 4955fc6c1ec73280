from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from integration.health import LedgerHealthView

# The product's name where Django's admin says "Django administration"; "View site" leads to
# the home page of work, the admin index, since the product has no other front page.
admin.site.site_header = _("Ledger Bridge")
admin.site.site_title = _("Ledger Bridge")
admin.site.index_title = _("Sales ledger and e-conomic")
admin.site.site_url = "/admin/"
# The home page lists every screen already; the side list beside each page repeated it and took
# a fifth of a 1400 px screen from the lists, pushing their amounts off-screen.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    # Django's set_language: the admin header's language switch posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    path("integration/", include("integration.urls")),
    path("health/", LedgerHealthView.as_view(), name="health"),
]
