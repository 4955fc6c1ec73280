from django.contrib import admin
from django.urls import include, path

from integration.health import LedgerHealthView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("integration/", include("integration.urls")),
    path("health/", LedgerHealthView.as_view(), name="health"),
]
