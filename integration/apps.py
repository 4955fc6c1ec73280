from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "e-conomic"

    def ready(self) -> None:
        from integration.schedules import schedules_ensure

        # Connected here, run after migrate: ready() itself never touches the database.
        post_migrate.connect(schedules_ensure, sender=self)
