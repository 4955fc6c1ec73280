from django.apps import AppConfig


class AccountsAppConfig(AppConfig):
    name = "accounts_app"
    verbose_name = "Sales ledger"

    def ready(self) -> None:
        from accounts_app.audit import audit_register

        audit_register()
