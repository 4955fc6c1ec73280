from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "e-conomic"

    def ready(self) -> None:
        from accounts_app.signals import customers_imported, invoice_finalized
        from integration import checks  # noqa: F401  (registers the system checks)
        from integration.audit import audit_register
        from integration.global_schedules import schedules_ensure
        from integration.services.exports.changes import (
            customer_saved_receiver,
            customers_imported_receiver,
            project_saved_receiver,
        )
        from integration.services.exports.sweeper import invoice_finalized_receiver
        from integration.services.payments.schedules import (
            connection_deleted_receiver,
            connection_saved_receiver,
        )

        # Who changed a connection or a mapping (never the grant token).
        audit_register()
        # Connected here, run after migrate: ready() itself never touches the database.
        post_migrate.connect(schedules_ensure, sender=self)
        # Automatic export: the job is written inside the finalizing transaction.
        invoice_finalized.connect(invoice_finalized_receiver, dispatch_uid="economic-auto-export")
        # Pushed customers and projects: the job is written in the transaction that saves them.
        post_save.connect(
            customer_saved_receiver, sender="accounts_app.Customer", dispatch_uid="economic-push"
        )
        customers_imported.connect(customers_imported_receiver, dispatch_uid="economic-push-import")
        post_save.connect(
            project_saved_receiver,
            sender="accounts_app.Project",
            dispatch_uid="economic-push-project",
        )
        # A connection's daily payment import follows its payment sync setting on every save.
        post_save.connect(
            connection_saved_receiver,
            sender="integration.Connection",
            dispatch_uid="economic-payment-schedule",
        )
        post_delete.connect(
            connection_deleted_receiver,
            sender="integration.Connection",
            dispatch_uid="economic-payment-schedule-deleted",
        )
