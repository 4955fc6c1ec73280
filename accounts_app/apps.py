from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsAppConfig(AppConfig):
    name = "accounts_app"
    verbose_name = _("Sales ledger")

    def ready(self) -> None:
        from accounts_app.audit import audit_register

        audit_register()
