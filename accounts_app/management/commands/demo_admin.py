"""manage.py demo_admin: a superuser for the demo with a fresh password, printed once."""
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create (or reset) the demo superuser with a newly generated password and print it."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even with DEBUG off (it prints a superuser password to the terminal).",
        )

    def handle(self, *args, username: str, allow_without_debug: bool, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "demo_admin prints a superuser password and is meant for the demo (DEBUG=true). "
                "Use createsuperuser for a real installation, or pass --allow-without-debug."
            )
        password = secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
        url = f"http://{host}:{port}/admin/"
        self.stdout.write(self.style.SUCCESS(
            f"\nDemo admin {'created' if created else 'reset'}. Log in at {url}\n"
            f"    Username: {username}\n    Password: {password}\n"
        ))  # fmt: skip
